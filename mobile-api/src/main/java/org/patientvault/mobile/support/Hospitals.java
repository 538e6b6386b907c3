package org.patientvault.mobile.support;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Resource;
import org.patientvault.mapping.IdentitySystems;
import org.patientvault.mobile.port.CallerRecords;
import org.springframework.stereotype.Component;
import org.springframework.web.context.annotation.RequestScope;

/**
 * Names of hospitals and AI firms, by their client id (the {@code sid/org} identifier): the message bundle's name in
 * the request's language where it has one, else the Organization's name from the directory (every caller may read
 * it), else the id. Request-scoped: one directory search per organization and request.
 */
@Component
@RequestScope
public class Hospitals {

    /** An organization as the app shows it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Org(String id, String name) {
    }

    /** The submitter tag's system: which hospital sent a record. */
    public static final String SUBMITTER = "https://patientvault.org/fhir/CodeSystem/submitter";

    private final CallerRecords records;
    private final Texts texts;
    private final Map<String, Org> known = new HashMap<>();

    Hospitals(CallerRecords records, Texts texts) {
        this.records = records;
        this.texts = texts;
    }

    /** The organization with client id {@code code}. */
    public Org byCode(String code) {
        return known.computeIfAbsent(code, c -> new Org(c, texts.find("org." + c).orElseGet(() -> directoryName(c))));
    }

    /** Whether the directory knows an organization with client id {@code code}. */
    public boolean exists(String code) {
        return directory(code) != null;
    }

    /** The hospital that submitted a record (its submitter tag); null when none is recorded. */
    public Org submitterOf(Resource r) {
        for (Coding tag : r.getMeta().getTag()) {
            if (SUBMITTER.equals(tag.getSystem()) && tag.hasCode()) {
                return byCode(tag.getCode());
            }
        }
        return null;
    }

    private String directoryName(String code) {
        Organization o = directory(code);
        return o != null && o.hasName() ? o.getName() : code;
    }

    private Organization directory(String code) {
        if (code == null || !code.matches("[A-Za-z0-9._\\-]{1,64}")) {
            return null;
        }
        Bundle found = records.search("Organization",
                Map.of("identifier", List.of(IdentitySystems.ORGANIZATION + "|" + code)));
        return found.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
                .filter(Organization.class::isInstance).map(Organization.class::cast).findFirst().orElse(null);
    }
}
