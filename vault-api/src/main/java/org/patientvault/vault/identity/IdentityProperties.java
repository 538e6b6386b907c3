package org.patientvault.vault.identity;

import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code vault.identity.*}: who owns which MRN namespace ({@code docs/checkup-csv.md}, "Linking rules").
 *
 * @param mrnSystems    per hospital client id, MRN systems that belong to it from the start (before its first
 *                      submission claims them), e.g. {@code vault.identity.mrn-systems.hosp-beijing[0]=https://...}.
 *                      Default none: a hospital's namespaces are claimed by its first use
 * @param pacsMrnSystem per hospital client id, the MRN system its PACS writes as DICOM Patient ID (and its CSV MRN
 *                      column means) when no issuer is given; it is that hospital's namespace too. Default none: such
 *                      an MRN is looked up under every namespace of the hospital, else kept in
 *                      {@code https://patientvault.org/fhir/sid/mrn/<client id>}
 */
@ConfigurationProperties("vault.identity")
record IdentityProperties(Map<String, List<String>> mrnSystems, Map<String, String> pacsMrnSystem) {

    IdentityProperties {
        mrnSystems = mrnSystems == null ? Map.of() : Map.copyOf(mrnSystems);
        pacsMrnSystem = pacsMrnSystem == null ? Map.of() : Map.copyOf(pacsMrnSystem);
        java.util.Map<String, String> seen = new java.util.HashMap<>();
        for (Map.Entry<String, List<String>> e : mrnSystems.entrySet()) {
            for (String s : e.getValue()) {
                String other = seen.putIfAbsent(s, e.getKey());
                if (other != null && !other.equals(e.getKey())) {
                    throw new IllegalArgumentException("vault.identity.mrn-systems names " + s + " for both "
                            + other + " and " + e.getKey() + "; an MRN namespace belongs to one hospital");
                }
            }
        }
        for (Map.Entry<String, String> e : pacsMrnSystem.entrySet()) {
            String other = seen.get(e.getValue());
            if (other != null && !other.equals(e.getKey())) {
                throw new IllegalArgumentException("vault.identity.pacs-mrn-system." + e.getKey() + " is "
                        + e.getValue() + ", configured for " + other + " already");
            }
        }
    }
}
