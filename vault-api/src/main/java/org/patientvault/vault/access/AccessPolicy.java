package org.patientvault.vault.access;

import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.IdType;
import org.patientvault.vault.caller.VaultPrincipal;

/**
 * The allow-list of {@code /fhir} interactions per caller kind (the table in {@code docs/security.md}). Pure: it
 * decides from the request line alone; ownership of a named record is {@link RecordOwnership}'s question, asked next
 * for the interactions {@link #needsOwnership} names.
 */
final class AccessPolicy {

    /** Resource types an admin operates on; no clinical data. */
    static final List<String> OPERATIONAL_TYPES = List.of("Organization", "CodeSystem", "ValueSet", "ConceptMap",
            "SearchParameter", "StructureDefinition", "NamingSystem", "Endpoint", "OperationDefinition");

    /** The cohort request of an AI firm: offered to AI firms and the data-access committee only. */
    static final String COHORT_REQUEST = "Group";

    /** Operations of an AI firm on its own cohort requests, and of the committee on any. */
    static final Set<String> FIRM_COHORT_OPERATIONS = Set.of("$export", "$withdrawals");
    static final Set<String> COMMITTEE_COHORT_OPERATIONS = Set.of("$approve", "$reject", "$release-audit");
    /** Server-level operations of a firm: Bulk Data status polling and file download of its own releases. */
    static final Set<String> FIRM_SERVER_OPERATIONS = Set.of("$cohort-status", "$cohort-file");

    /** Types a hospital may never write: the patient's, the vault's own records, and server behaviour. */
    static final Set<String> NOT_WRITTEN_BY_HOSPITALS = Set.of("Consent", "AuditEvent", "SearchParameter",
            "StructureDefinition", "OperationDefinition", "Subscription", COHORT_REQUEST);

    /** Operations a patient may run on their own Patient. */
    static final Set<String> PATIENT_OPERATIONS = Set.of("$everything", "$consent-explain", "$claim-candidates",
            "$claim", "$reject");

    private AccessPolicy() {
    }

    /**
     * Whether a caller of this kind is offered this interaction at all.
     *
     * @param type      the resource type of the route, or null (server level)
     * @param operation the extended operation's name ({@code $everything}), or null
     * @param id        the record the route names, or null
     */
    static boolean allows(VaultPrincipal caller, RestOperationTypeEnum interaction, String type, String operation,
                          IdType id) {
        return switch (caller.kind()) {
            case PATIENT -> switch (interaction) {
                case READ, VREAD, SEARCH_TYPE -> !COHORT_REQUEST.equals(type);
                case GET_PAGE, TRANSACTION, BATCH -> true;
                case CREATE, UPDATE, DELETE -> "Consent".equals(type);
                case EXTENDED_OPERATION_INSTANCE -> "Patient".equals(type) && id != null
                        && id.getIdPart().equals(caller.patientId()) && operation != null
                        && PATIENT_OPERATIONS.contains(operation);
                default -> false;
            };
            case HOSPITAL -> switch (interaction) {
                case READ, VREAD, SEARCH_TYPE, HISTORY_INSTANCE -> !COHORT_REQUEST.equals(type);
                case GET_PAGE, TRANSACTION, BATCH -> true;
                case CREATE, UPDATE, DELETE -> type != null && !NOT_WRITTEN_BY_HOSPITALS.contains(type);
                case EXTENDED_OPERATION_INSTANCE -> "Organization".equals(type)
                        && "$quality-scorecard".equals(operation);
                default -> false;
            };
            case AI_FIRM -> switch (interaction) {
                case READ, SEARCH_TYPE -> "Organization".equals(type) || COHORT_REQUEST.equals(type);
                case CREATE -> COHORT_REQUEST.equals(type);
                case EXTENDED_OPERATION_INSTANCE -> COHORT_REQUEST.equals(type) && operation != null
                        && FIRM_COHORT_OPERATIONS.contains(operation);
                case EXTENDED_OPERATION_SERVER -> operation != null && FIRM_SERVER_OPERATIONS.contains(operation);
                case GET_PAGE -> true;
                default -> false;
            };
            case ADMIN -> switch (interaction) {
                case READ, SEARCH_TYPE -> OPERATIONAL_TYPES.contains(type) || "AuditEvent".equals(type)
                        || COHORT_REQUEST.equals(type);
                case CREATE, UPDATE -> OPERATIONAL_TYPES.contains(type);
                case GET_PAGE, TRANSACTION, BATCH -> true;
                case EXTENDED_OPERATION_INSTANCE -> ("Patient".equals(type) && "$consent-explain".equals(operation))
                        || ("Organization".equals(type) && "$quality-scorecard".equals(operation))
                        || (COHORT_REQUEST.equals(type) && operation != null
                        && COMMITTEE_COHORT_OPERATIONS.contains(operation));
                default -> false;
            };
        };
    }

    /**
     * Interactions that act on one stored record beyond its current, consent-filtered version: they run only for the
     * record's owners. An admin's updates are confined to {@link #OPERATIONAL_TYPES} instead.
     */
    static boolean needsOwnership(VaultPrincipal.Kind kind, RestOperationTypeEnum interaction) {
        return kind != VaultPrincipal.Kind.ADMIN && switch (interaction) {
            case UPDATE, DELETE, VREAD, HISTORY_INSTANCE -> true;
            default -> false;
        };
    }
}
