package org.patientvault.vault.identity;

import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.patientvault.mapping.IdentitySystems;
import org.patientvault.mapping.linking.LinkSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Which MRN namespaces (identifier systems) belong to which hospital. A hospital vouches only for the numbers it
 * assigned, so it may assert on a Patient only its own MRN namespaces and the resident ID (issue 13 item 9):
 * <ul>
 *   <li>a namespace belongs to the hospital that first asserts it as its MRN system (typed v2-0203 {@code MR}, or
 *       {@code assigner} = itself); the claim is a row written in the same database transaction as the Patient, so a
 *       refused or failed write claims nothing, and two hospitals racing for one namespace leave one owner (the
 *       primary key; the loser's write fails);</li>
 *   <li>{@code vault.identity.mrn-systems} and {@code vault.identity.pacs-mrn-system} name a hospital's namespaces
 *       before its first use; {@code https://patientvault.org/fhir/sid/mrn/<client id>} (and below it) is always
 *       that client's, the namespace the CSV intake and DICOM use when the hospital names none;</li>
 *   <li>refused with 422, nothing written: an identifier whose {@code assigner} names another Organization, whose
 *       system is another hospital's namespace, or whose system is reserved by the vault
 *       ({@code https://patientvault.org/fhir/sid/...}) other than the resident ID and the hospital's own default
 *       namespace. The text is fixed and names only the request's own values: it does not say which of the three
 *       applied, so it cannot be used to learn which namespaces other hospitals use.</li>
 * </ul>
 * Namespaces asserted before this registry existed are claimed by their next first use. Cost: one indexed select per
 * distinct system of a submitted Patient, one insert per newly claimed namespace.
 */
@Component
public class MrnNamespaces {

    static final String REFUSAL_CODE = "FOREIGN_IDENTIFIER_NAMESPACE";
    private static final String RESERVED_PREFIX = IdentitySystems.BASE + "/sid/";

    private final JdbcTemplate jdbc;
    private final IdentityProperties properties;

    MrnNamespaces(JdbcTemplate jdbc, IdentityProperties properties) {
        this.jdbc = jdbc;
        this.properties = properties;
        jdbc.execute("""
                CREATE TABLE IF NOT EXISTS vault_mrn_namespace (
                  system VARCHAR(700) PRIMARY KEY,
                  org_code VARCHAR(200) NOT NULL,
                  claimed_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now())""");
        jdbc.execute("CREATE INDEX IF NOT EXISTS vault_mrn_namespace_org ON vault_mrn_namespace(org_code)");
    }

    /** The client id of the hospital owning {@code system}, if any hospital does. */
    public Optional<String> ownerOf(String system) {
        Optional<String> fixed = configuredOwner(system, properties);
        if (fixed.isPresent()) {
            return fixed;
        }
        List<String> rows = jdbc.queryForList("SELECT org_code FROM vault_mrn_namespace WHERE system = ?",
                String.class, system);
        return rows.stream().findFirst();
    }

    /** Every MRN namespace of hospital {@code orgCode}: its default one, the configured ones and those it claimed. */
    public Set<String> systemsOf(String orgCode) {
        Set<String> out = new LinkedHashSet<>();
        out.add(LinkSource.defaultMrnSystem(orgCode));
        Optional.ofNullable(properties.pacsMrnSystem().get(orgCode)).ifPresent(out::add);
        out.addAll(properties.mrnSystems().getOrDefault(orgCode, List.of()));
        out.addAll(jdbc.queryForList("SELECT system FROM vault_mrn_namespace WHERE org_code = ? ORDER BY claimed_at",
                String.class, orgCode));
        return out;
    }

    /** The system a PatientID without issuer means for this hospital's PACS, if configured. */
    public Optional<String> pacsSystemOf(String orgCode) {
        return Optional.ofNullable(properties.pacsMrnSystem().get(orgCode));
    }

    /**
     * Refuses (422) a Patient asserting an identifier that is not the hospital's to assert, and returns the
     * namespaces it claims for the first time (to {@link #claim} in the write's database transaction). Reads only.
     */
    public List<String> check(Patient submitted, String orgCode, String organizationReference, String location) {
        Optional<String> refused = refusal(submitted, orgCode, organizationReference, this::ownerOf);
        if (refused.isPresent()) {
            throw refusal(refused.get(), location);
        }
        List<String> claims = new ArrayList<>();
        for (String system : asserted(submitted, orgCode, organizationReference)) {
            if (ownerOf(system).isEmpty() && !claims.contains(system)) {
                claims.add(system);
            }
        }
        return claims;
    }

    /**
     * Claims {@code systems} for {@code orgCode}; must run inside the write's database transaction. A namespace another
     * hospital claimed meanwhile refuses the write (422), which rolls the transaction back.
     */
    public void claim(List<String> systems, String orgCode, String location) {
        for (String system : systems) {
            jdbc.update("INSERT INTO vault_mrn_namespace (system, org_code) VALUES (?, ?) ON CONFLICT (system) DO NOTHING",
                    system, orgCode);
            if (!ownerOf(system).map(orgCode::equals).orElse(false)) {
                throw refusal("identifier with system " + system, location);
            }
        }
    }

    /**
     * The pure rule: the first identifier {@code submitted} may not assert, described by the request's own values,
     * or empty. {@code owners} tells who owns a system.
     */
    static Optional<String> refusal(Patient submitted, String orgCode, String organizationReference,
                                    Function<String, Optional<String>> owners) {
        List<Identifier> ids = submitted.getIdentifier();
        for (int i = 0; i < ids.size(); i++) {
            Identifier id = ids.get(i);
            String system = id.hasSystem() ? id.getSystem().strip() : null;
            String what = "identifier[" + i + "]" + (system != null ? " with system " + system : "");
            if (id.hasAssigner() && namesAnOrganization(id.getAssigner())
                    && !LinkSource.assignedBy(id.getAssigner(), orgCode, organizationReference)) {
                return Optional.of(what);
            }
            if (system == null || IdentitySystems.RESIDENT_ID.equals(system)) {
                continue;
            }
            if (system.startsWith(RESERVED_PREFIX)) {
                if (!isOwnDefault(system, orgCode)) {
                    return Optional.of(what);
                }
                continue;
            }
            Optional<String> owner = owners.apply(system);
            if (owner.isPresent() && !owner.get().equals(orgCode)) {
                return Optional.of(what);
            }
        }
        return Optional.empty();
    }

    /** The non-reserved systems {@code submitted} asserts as this hospital's MRNs (typed MR or assigned by it). */
    static List<String> asserted(Patient submitted, String orgCode, String organizationReference) {
        List<String> out = new ArrayList<>();
        for (Identifier id : submitted.getIdentifier()) {
            if (!id.hasSystem() || id.getSystem().isBlank() || id.getSystem().startsWith(RESERVED_PREFIX)) {
                continue;
            }
            boolean mr = id.getType().getCoding().stream().anyMatch(c -> IdentitySystems.V2_0203.equals(c.getSystem())
                    && IdentitySystems.MRN_TYPE_CODE.equals(c.getCode()));
            if (mr || (id.hasAssigner() && LinkSource.assignedBy(id.getAssigner(), orgCode, organizationReference))) {
                out.add(id.getSystem().strip());
            }
        }
        return out;
    }

    static Optional<String> configuredOwner(String system, IdentityProperties properties) {
        if (system.startsWith(IdentitySystems.BASE + "/sid/mrn/")) {
            String rest = system.substring((IdentitySystems.BASE + "/sid/mrn/").length());
            int slash = rest.indexOf('/');
            String org = slash < 0 ? rest : rest.substring(0, slash);
            return org.isEmpty() ? Optional.empty() : Optional.of(org);
        }
        for (Map.Entry<String, String> e : properties.pacsMrnSystem().entrySet()) {
            if (e.getValue().equals(system)) {
                return Optional.of(e.getKey());
            }
        }
        for (Map.Entry<String, List<String>> e : properties.mrnSystems().entrySet()) {
            if (e.getValue().contains(system)) {
                return Optional.of(e.getKey());
            }
        }
        return Optional.empty();
    }

    private static boolean isOwnDefault(String system, String orgCode) {
        String own = LinkSource.defaultMrnSystem(orgCode);
        return system.equals(own) || system.startsWith(own + "/");
    }

    /** An assigner that names an organisation we could resolve (identifier or reference), not a display text. */
    private static boolean namesAnOrganization(Reference assigner) {
        return assigner.hasIdentifier() || assigner.hasReference();
    }

    private static UnprocessableEntityException refusal(String what, String location) {
        String text = "Patient refused: " + what + " is not yours to assert. A hospital may assert only its own MRN"
                + " namespaces (its identifier systems, assigned by its own Organization) and the resident ID "
                + IdentitySystems.RESIDENT_ID + ". Nothing was stored.";
        OperationOutcome oo = new OperationOutcome();
        oo.addIssue().setSeverity(OperationOutcome.IssueSeverity.ERROR)
                .setCode(OperationOutcome.IssueType.BUSINESSRULE).setDiagnostics(text).addExpression(location)
                .getDetails().addCoding(new Coding(IdentitySystems.LINK_DECISION_CODE_SYSTEM, REFUSAL_CODE, null));
        return new UnprocessableEntityException(text, oo);
    }
}
