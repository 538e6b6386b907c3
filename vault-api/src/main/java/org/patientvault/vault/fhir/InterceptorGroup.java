package org.patientvault.vault.fhir;

import java.util.List;

/**
 * The FHIR server's interceptors of one concern, in their order within it.
 *
 * @param concern what they are for; {@link Concern}'s order is the order of registration between concerns
 * @param server  registered on the {@code RestfulServer} (request pointcuts, and storage pointcuts of requests)
 * @param storage registered on HAPI JPA's interceptor service, so system writes and expunges pass them too
 */
record InterceptorGroup(Concern concern, List<Object> server, List<Object> storage) {

    InterceptorGroup {
        server = List.copyOf(server);
        storage = List.copyOf(storage);
    }

    static InterceptorGroup of(Concern concern, Object... server) {
        return new InterceptorGroup(concern, List.of(server), List.of());
    }

    /**
     * The concerns in registration order. HAPI calls the hooks of one pointcut by their {@code order} attribute and,
     * for equal orders, in registration order; so this order decides, for example, that an error is made safe before
     * anything else sees it and that access is decided before a submission is recorded.
     */
    enum Concern {
        /** Safe errors: never a stack trace or stored content in a body; foreign equals unknown. */
        ERRORS,
        /**
         * Who may do what, decided before data is touched: default-deny rules per caller kind, search narrowing to
         * the patient's compartment, paging ownership, hidden history, consent (filters what comes out), consent
         * authoring, and the submitter tag (a hospital changes only what it submitted).
         */
        ACCESS,
        /** The AuditEvent of the request. */
        AUDIT,
        /**
         * Hospital submissions: the ledger row, record-keeping references, terminology, and the identity rules for
         * Patients written outside a transaction and for hospitals reading a vault Patient.
         */
        SUBMISSION,
        /** The encrypted object store behind Binary and large attachments: key owner, externalising, streaming. */
        OBJECTS,
        /** Base-R4 validation of every write (its findings feed quality scoring). */
        VALIDATION
    }
}
