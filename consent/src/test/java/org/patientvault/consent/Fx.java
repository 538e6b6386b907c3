package org.patientvault.consent;

import java.util.Arrays;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Consent.ConsentProvisionType;
import org.hl7.fhir.r4.model.Consent.ConsentState;
import org.hl7.fhir.r4.model.Consent.ProvisionComponent;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;

/** Test fixtures: a small fluent builder of R4 Consents in the vault's profile. */
final class Fx {
    private Fx() {
    }

    static Consent consent(String id, String patientId, ConsentScope scope, ConsentState status, ProvisionComponent root) {
        Consent c = new Consent();
        if (id != null) {
            c.setId(id);
        }
        c.setStatus(status);
        c.setScope(new CodeableConcept(new Coding(ConsentCodes.SCOPE_SYSTEM, scope.code(), null)));
        c.addCategory(new CodeableConcept(new Coding(ConsentCodes.LOINC, "59284-0", "Patient Consent")));
        c.setPatient(new Reference("Patient/" + patientId));
        c.addPerformer(new Reference("Patient/" + patientId));
        c.addPolicy().setUri("https://patientvault.org/policy/consent");
        c.setPolicyRule(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "OPTIN", null)));
        if (root != null) {
            c.setProvision(root);
        }
        return c;
    }

    static Consent sharing(String id, ProvisionComponent root) {
        return consent(id, "alice", ConsentScope.TREATMENT_SHARING, ConsentState.ACTIVE, root);
    }

    static Consent research(String id, ProvisionComponent root) {
        return consent(id, "alice", ConsentScope.RESEARCH, ConsentState.ACTIVE, root);
    }

    static P permit() {
        return new P(ConsentProvisionType.PERMIT);
    }

    static P deny() {
        return new P(ConsentProvisionType.DENY);
    }

    /** Fluent provision builder. */
    static final class P {
        final ProvisionComponent p = new ProvisionComponent();

        P(ConsentProvisionType type) {
            p.setType(type);
        }

        P org(String orgId) {
            p.addActor().setRole(ircp()).setReference(new Reference().setIdentifier(
                    new Identifier().setSystem(ConsentCodes.ORG_SYSTEM).setValue(orgId)));
            return this;
        }

        P orgRef(String literal) {
            p.addActor().setRole(ircp()).setReference(new Reference(literal));
            return this;
        }

        P anyAi() {
            p.addActor().setRole(ircp()).setReference(new Reference().setIdentifier(new Identifier()
                    .setSystem(ConsentCodes.RECIPIENT_GROUP_SYSTEM).setValue(ConsentCodes.ANY_AI_FIRM)));
            return this;
        }

        P classes(String... codes) {
            for (String c : codes) {
                p.addClass_(new Coding(ConsentCodes.DATA_CLASS_SYSTEM, c, null));
            }
            return this;
        }

        P modality(String... codes) {
            CodeableConcept cc = new CodeableConcept();
            Arrays.stream(codes).forEach(c -> cc.addCoding(new Coding(ConsentCodes.DICOM_SYSTEM, c, null)));
            p.addCode(cc);
            return this;
        }

        P purpose(String system, String code) {
            p.addPurpose(new Coding(system, code, null));
            return this;
        }

        P aiTraining() {
            return purpose(ConsentCodes.PURPOSE_SYSTEM, ConsentCodes.PURPOSE_AI_TRAINING);
        }

        P period(String start, String end) {
            p.setPeriod(period0(start, end));
            return this;
        }

        P dataPeriod(String start, String end) {
            p.setDataPeriod(period0(start, end));
            return this;
        }

        P crossBorder(boolean value) {
            p.addExtension(ConsentCodes.CROSS_BORDER_EXTENSION, new BooleanType(value));
            return this;
        }

        P child(P child) {
            p.addProvision(child.p);
            return this;
        }

        ProvisionComponent build() {
            return p;
        }
    }

    static CodeableConcept ircp() {
        return new CodeableConcept(new Coding(ConsentCodes.PARTICIPATION_TYPE, ConsentCodes.IRCP, null));
    }

    private static Period period0(String start, String end) {
        Period period = new Period();
        if (start != null) {
            period.setStartElement(new DateTimeType(start));
        }
        if (end != null) {
            period.setEndElement(new DateTimeType(end));
        }
        return period;
    }
}
