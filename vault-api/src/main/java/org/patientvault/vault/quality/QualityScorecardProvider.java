package org.patientvault.vault.quality;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.Optional;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.MeasureReport;
import org.hl7.fhir.r4.model.Organization;
import org.patientvault.mapping.quality.QualityScorecard;
import org.patientvault.vault.caller.VaultPrincipal;
import org.springframework.stereotype.Component;

/**
 * {@code GET /fhir/Organization/{id}/$quality-scorecard}: a hospital's data-quality scorecard as a
 * {@code MeasureReport} ({@code docs/data-quality.md}, "Scorecard"). A hospital may ask for its own Organization only,
 * the admin for any; every other case answers 404 like an unknown id. The authorization rules let hospitals and the
 * admin call the operation at all; this class decides which instance.
 */
@Component
public class QualityScorecardProvider {

    private final DaoRegistry daos;
    private final QualityScorecards scorecards;

    QualityScorecardProvider(DaoRegistry daos, QualityScorecards scorecards) {
        this.daos = daos;
        this.scorecards = scorecards;
    }

    @Operation(name = "$quality-scorecard", idempotent = true, type = Organization.class)
    public MeasureReport scorecard(@IdParam IdType organization) {
        String id = organization.getIdPart();
        Optional<VaultPrincipal> caller = VaultPrincipal.current();
        boolean own = caller.map(p -> p.kind() == VaultPrincipal.Kind.HOSPITAL && id.equals(p.organizationId()))
                .orElse(false);
        boolean admin = caller.map(p -> p.kind() == VaultPrincipal.Kind.ADMIN).orElse(false);
        if (!own && !admin) {
            throw notFound(id);
        }
        String orgCode = orgCode(id).orElseThrow(() -> notFound(id));
        QualityScorecard.Card card = scorecards.card(caller, orgCode).orElseThrow(() -> new ResourceNotFoundException(
                "Organization/" + id + " has no scored submissions in the scorecard window"));
        MeasureReport report = scorecards.scorecard().toMeasureReport(card);
        report.getReporter().setReference("Organization/" + id);
        return report;
    }

    private Optional<String> orgCode(String id) {
        try {
            Organization org = daos.getResourceDao(Organization.class).read(new IdType("Organization", id),
                    new SystemRequestDetails());
            return org.getIdentifier().stream()
                    .filter(i -> QualityScorecard.ORG_SYSTEM.equals(i.getSystem()) && i.hasValue())
                    .map(Identifier::getValue).findFirst();
        } catch (ResourceNotFoundException | ca.uhn.fhir.rest.server.exceptions.ResourceGoneException e) {
            return Optional.empty();
        }
    }

    private static ResourceNotFoundException notFound(String id) {
        return new ResourceNotFoundException("Organization/" + id + " is not known");
    }
}
