package org.patientvault.vault.intake;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenParam;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.ConceptMap;
import org.patientvault.mapping.IdentitySystems;
import org.patientvault.mapping.checkup.CheckupSource;
import org.patientvault.mapping.terminology.ObservationNormalizer;
import org.patientvault.mapping.terminology.TerminologyMapException;
import org.patientvault.mapping.terminology.TerminologyMaps;
import org.patientvault.mapping.terminology.UcumUnits;
import org.patientvault.vault.VaultProperties;
import org.patientvault.vault.caller.SubmitterTag;
import org.springframework.stereotype.Component;

/**
 * The terminology in force for one hospital: the starter ConceptMaps (parsed once) plus the ConceptMaps that hospital
 * uploaded to {@code /fhir} (those whose {@code meta.tag} submitter is the hospital), which take precedence.
 *
 * <p>Cost: one indexed ConceptMap search per call, by tag; maps are not cached, so an upload is in force for the very
 * next submission.
 */
@Component
public class HospitalTerminology {

    private final DaoRegistry daos;
    private final TerminologyMaps starter;
    private final UcumUnits units = UcumUnits.standard();
    private final ZoneId zone;

    HospitalTerminology(FhirContext ctx, DaoRegistry daos, VaultProperties vault) {
        this.daos = daos;
        this.zone = vault.zone();
        this.starter = TerminologyMaps.starter(ctx);
    }

    /**
     * A normaliser with the starter set plus the hospital's own maps.
     *
     * @throws TerminologyMapException if the hospital's maps contradict each other
     */
    public ObservationNormalizer normalizerFor(String orgCode) {
        return new ObservationNormalizer(starter.withHospitalMaps(hospitalMaps(orgCode)), units);
    }

    List<ConceptMap> hospitalMaps(String orgCode) {
        SearchParameterMap params = SearchParameterMap.newSynchronous()
                .add("_tag", new TokenParam(SubmitterTag.SYSTEM, orgCode));
        List<ConceptMap> maps = new ArrayList<>();
        for (IBaseResource r : daos.getResourceDao("ConceptMap").search(params, new SystemRequestDetails())
                .getAllResources()) {
            if (r instanceof ConceptMap map) {
                maps.add(map);
            }
        }
        return maps;
    }

    /** How a hospital's CSV rows become FHIR: its MRN system and its local code system, keyed by its client id. */
    CheckupSource sourceOf(String orgCode) {
        return new CheckupSource(orgCode, IdentitySystems.BASE + "/sid/mrn/" + orgCode,
                IdentitySystems.BASE + "/CodeSystem/local/" + orgCode, zone);
    }
}
