package org.patientvault.vault.consent;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceOrListParam;
import ca.uhn.fhir.rest.param.ReferenceParam;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Consent;
import org.patientvault.consent.ConsentStore;

/**
 * Consents read as the system with HAPI's {@code Consent?patient=} search: one search per patient, or one per
 * {@value #BATCH} patients for {@link #currentConsents(Collection)}. The batch groups each Consent by its
 * {@code Consent.patient} (the path of that search parameter); a Consent it cannot attribute to exactly one of the
 * patients asked for, or a batch at its load limit, makes that batch answer per patient, so no Consent is ever left
 * out of its patient's list (a missing "deny" would widen access).
 */
final class SearchedConsentStore implements ConsentStore {

    static final int BATCH = 50;
    /** A batch returning this many Consents is answered per patient instead (never a truncated list). */
    private static final int BATCH_LOAD_LIMIT = 2_000;

    private final DaoRegistry daos;

    SearchedConsentStore(DaoRegistry daos) {
        this.daos = daos;
    }

    @Override
    public List<Consent> currentConsents(String patientId) {
        SearchParameterMap map = SearchParameterMap.newSynchronous("patient",
                new ReferenceParam("Patient/" + patientId));
        return daos.getResourceDao(Consent.class).search(map, new SystemRequestDetails()).getAllResources()
                .stream().map(Consent.class::cast).toList();
    }

    @Override
    public Map<String, List<Consent>> currentConsents(Collection<String> patientIds) {
        List<String> ids = new ArrayList<>(new LinkedHashSet<>(patientIds));
        Map<String, List<Consent>> out = new LinkedHashMap<>();
        for (int from = 0; from < ids.size(); from += BATCH) {
            out.putAll(batch(ids.subList(from, Math.min(ids.size(), from + BATCH))));
        }
        return out;
    }

    private Map<String, List<Consent>> batch(List<String> ids) {
        Map<String, List<Consent>> out = new LinkedHashMap<>();
        ids.forEach(id -> out.put(id, new ArrayList<>()));
        if (ids.size() == 1) {
            out.put(ids.get(0), currentConsents(ids.get(0)));
            return out;
        }
        ReferenceOrListParam any = new ReferenceOrListParam();
        ids.forEach(id -> any.addOr(new ReferenceParam("Patient/" + id)));
        SearchParameterMap map = SearchParameterMap.newSynchronous();
        map.add("patient", any);
        map.setLoadSynchronousUpTo(BATCH_LOAD_LIMIT);
        List<IBaseResource> found = daos.getResourceDao(Consent.class).search(map, new SystemRequestDetails())
                .getAllResources();
        boolean attributable = found.size() < BATCH_LOAD_LIMIT;
        Set<String> asked = out.keySet();
        for (IBaseResource r : found) {
            Consent c = (Consent) r;
            IIdType ref = c.getPatient().getReferenceElement();
            String id = ref.getIdPart();
            if (!attributable || id == null || !asked.contains(id)
                    || (ref.getResourceType() != null && !"Patient".equals(ref.getResourceType()))) {
                attributable = false;
                break;
            }
            out.get(id).add(c);
        }
        if (!attributable) {
            ids.forEach(id -> out.put(id, currentConsents(id)));
        }
        return out;
    }
}
