package org.patientvault.web.patient;

import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Organization;
import org.patientvault.mobile.port.CallerRecords;
import org.patientvault.mobile.support.Hospitals;
import org.springframework.stereotype.Component;

/**
 * The hospitals and AI firms a patient can choose in a filter or a consent: the vault's organisation directory (a
 * public directory every signed-in user may read, DESIGN §4), named in the page's language where the texts know the
 * organisation. Cost: one FHIR search per call (at most 100 organisations).
 */
@Component
class PatientDirectory {

    static final String ORG_SYSTEM = "https://patientvault.org/fhir/sid/org";
    static final String HOSPITAL_TYPE = "http://terminology.hl7.org/CodeSystem/organization-type|prov";
    static final String AI_FIRM_TYPE = "https://patientvault.org/fhir/CodeSystem/organization-type|ai-firm";

    private final CallerRecords records;
    private final Hospitals names;

    PatientDirectory(CallerRecords records, Hospitals names) {
        this.records = records;
        this.names = names;
    }

    List<Hospitals.Org> hospitals() {
        return ofType(HOSPITAL_TYPE);
    }

    List<Hospitals.Org> aiFirms() {
        return ofType(AI_FIRM_TYPE);
    }

    private List<Hospitals.Org> ofType(String type) {
        Bundle page = records.search("Organization", Map.of("type", List.of(type), "_count", List.of("100")));
        return page.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
                .filter(Organization.class::isInstance).map(Organization.class::cast)
                .flatMap(o -> o.getIdentifier().stream().filter(i -> ORG_SYSTEM.equals(i.getSystem()))
                        .map(Identifier::getValue).limit(1))
                .distinct().sorted().map(names::byCode).toList();
    }
}
