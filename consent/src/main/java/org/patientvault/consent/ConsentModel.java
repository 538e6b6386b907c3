package org.patientvault.consent;

import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Consent.ProvisionComponent;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;

/**
 * Parses R4 {@link Consent} resources into immutable {@link ConsentPolicy} records.
 * <p>
 * Strict: anything it cannot represent faithfully (unknown code, unsupported element such as
 * {@code provision.data}, a provision without a type) raises {@link ConsentParseException} with the location,
 * rather than being ignored, because an ignored restriction would widen access. {@link ConsentValidator} reports the
 * same problems (and more) as a list for the patient. Cost: linear in the size of the Consent; parse once per
 * request and reuse the policies for every decision.
 * <p>
 * Partial dates (e.g. {@code 2024-05-01}) are resolved in the given zone; the default is UTC.
 */
public final class ConsentModel {
    private ConsentModel() {
    }

    private static final int DIM_CLASS = 1;
    private static final int DIM_MODALITY = 2;
    private static final int DIM_DATA_PERIOD = 4;
    private static final int DIM_PERIOD = 8;
    private static final int DIM_PURPOSE = 16;
    private static final int DIM_CROSS_BORDER = 32;

    public static ConsentPolicy parse(Consent consent) {
        return parse(consent, ZoneOffset.UTC);
    }

    /** Parses one Consent; partial dates are resolved in {@code zone}. */
    public static ConsentPolicy parse(Consent consent, ZoneId zone) {
        return parse(consent, zone, "Consent/(unsaved)");
    }

    /** Parses every Consent (in order); unsaved ones are named {@code Consent/#<index>}. */
    public static List<ConsentPolicy> parseAll(List<Consent> consents, ZoneId zone) {
        List<ConsentPolicy> out = new ArrayList<>(consents.size());
        for (int i = 0; i < consents.size(); i++) {
            out.add(parse(consents.get(i), zone, "Consent/#" + i));
        }
        return List.copyOf(out);
    }

    public static List<ConsentPolicy> parseAll(List<Consent> consents) {
        return parseAll(consents, ZoneOffset.UTC);
    }

    private static ConsentPolicy parse(Consent c, ZoneId zone, String unsavedId) {
        if (c == null) {
            throw new ConsentParseException("Consent", "is null");
        }
        if (zone == null) {
            throw new IllegalArgumentException("zone is required");
        }
        String id = unsavedId;
        String version = null;
        IdType idType = c.getIdElement();
        if (idType != null && idType.hasIdPart()) {
            id = "Consent/" + idType.getIdPart();
            version = idType.getVersionIdPart();
        }
        if (!c.hasStatus() || c.getStatus() == Consent.ConsentState.NULL) {
            throw new ConsentParseException("Consent.status", "is required");
        }
        ConsentScope scope = scopeOf(c);
        String patientId = patientIdOf(c.getPatient());
        if (patientId == null) {
            throw new ConsentParseException("Consent.patient", "must reference Patient/<id>");
        }
        Provision root = null;
        if (c.hasProvision()) {
            root = provision(c.getProvision(), "Consent.provision", 0, new int[] {0}, new Inherited(0, 0, null, false),
                    zone);
        }
        return new ConsentPolicy(id, version, patientId, scope, c.getStatus(), root);
    }

    static ConsentScope scopeOf(Consent c) {
        CodeableConcept sc = c.getScope();
        if (sc == null || !sc.hasCoding()) {
            throw new ConsentParseException("Consent.scope", "is required (patient-privacy or research)");
        }
        ConsentScope found = null;
        for (Coding coding : sc.getCoding()) {
            if (ConsentCodes.SCOPE_SYSTEM.equals(coding.getSystem())) {
                ConsentScope s = ConsentScope.fromCode(coding.getCode()).orElse(null);
                if (s != null && found != null && found != s) {
                    throw new ConsentParseException("Consent.scope", "names both patient-privacy and research");
                }
                if (s != null) {
                    found = s;
                }
            }
        }
        if (found == null) {
            throw new ConsentParseException("Consent.scope",
                    "must be " + ConsentCodes.SCOPE_SYSTEM + " patient-privacy or research");
        }
        return found;
    }

    /** The id part of a {@code Patient/<id>} reference (relative, absolute or versioned), or null. */
    static String patientIdOf(Reference ref) {
        if (ref == null || !ref.hasReference()) {
            return null;
        }
        IdType id = new IdType(ref.getReference());
        if (!"Patient".equals(id.getResourceType()) || !id.hasIdPart()) {
            return null;
        }
        return id.getIdPart();
    }

    private record Inherited(int actorRank, int dims, Boolean crossBorder, boolean actor) {
    }

    private static Provision provision(ProvisionComponent p, String path, int depth, int[] counter, Inherited in,
                                       ZoneId zone) {
        int order = counter[0]++;
        if (!p.hasType() || p.getType() == Consent.ConsentProvisionType.NULL) {
            throw new ConsentParseException(path + ".type", "is required (permit or deny)");
        }
        if (p.hasData()) {
            throw new ConsentParseException(path + ".data", "is not supported: restrict by data class, modality or dataPeriod");
        }
        if (p.hasSecurityLabel()) {
            throw new ConsentParseException(path + ".securityLabel", "is not supported");
        }
        boolean deny = p.getType() == Consent.ConsentProvisionType.DENY;
        long periodStart = FhirDates.start(p.getPeriod(), zone);
        long periodEnd = FhirDates.end(p.getPeriod(), zone);
        long dataStart = FhirDates.start(p.getDataPeriod(), zone);
        long dataEnd = FhirDates.end(p.getDataPeriod(), zone);

        Set<String> actors = new LinkedHashSet<>();
        boolean anyAi = false;
        for (int i = 0; i < p.getActor().size(); i++) {
            String loc = path + ".actor[" + i + "].reference";
            String a = actorKey(p.getActor().get(i).getReference(), loc);
            if (a == null) {
                anyAi = true;
            } else {
                actors.add(a);
            }
        }
        int purposeMask = 0;
        for (int i = 0; i < p.getPurpose().size(); i++) {
            purposeMask |= purposeOf(p.getPurpose().get(i), path + ".purpose[" + i + "]").bit();
        }
        int classMask = 0;
        boolean all = false;
        for (int i = 0; i < p.getClass_().size(); i++) {
            Coding coding = p.getClass_().get(i);
            DataClass dc = dataClassOf(coding, path + ".class[" + i + "]");
            if (dc == DataClass.ALL) {
                all = true;
            }
            classMask |= dc.bit();
        }
        if (all) {
            classMask = 0;
        }
        Set<String> mods = new LinkedHashSet<>();
        for (int i = 0; i < p.getCode().size(); i++) {
            List<Coding> codings = p.getCode().get(i).getCoding();
            for (int j = 0; j < codings.size(); j++) {
                mods.add(modalityOf(codings.get(j), path + ".code[" + i + "].coding[" + j + "]"));
            }
        }
        Boolean crossBorder = crossBorderOf(p, path);

        int actorRank = !actors.isEmpty() ? 2 : anyAi ? 1 : 0;
        int dims = in.dims
                | (classMask != 0 ? DIM_CLASS : 0)
                | (!mods.isEmpty() ? DIM_MODALITY : 0)
                | (dataStart != Long.MIN_VALUE || dataEnd != Long.MAX_VALUE ? DIM_DATA_PERIOD : 0)
                | (periodStart != Long.MIN_VALUE || periodEnd != Long.MAX_VALUE ? DIM_PERIOD : 0)
                | (purposeMask != 0 ? DIM_PURPOSE : 0)
                | (crossBorder != null ? DIM_CROSS_BORDER : 0);
        Inherited mine = new Inherited(Math.max(in.actorRank, actorRank), dims,
                crossBorder != null ? crossBorder : in.crossBorder, in.actor || actorRank > 0);
        int specificity = mine.actorRank + Integer.bitCount(dims);

        List<ProvisionComponent> kids = p.getProvision();
        Provision[] children = new Provision[kids.size()];
        for (int i = 0; i < kids.size(); i++) {
            children[i] = provision(kids.get(i), path + ".provision[" + i + "]", depth + 1, counter, mine, zone);
        }
        return new Provision(path.substring("Consent.".length()), deny, depth, order, periodStart, periodEnd,
                actors.toArray(new String[0]), anyAi, purposeMask, classMask, mods.toArray(new String[0]), dataStart,
                dataEnd, crossBorder, mine.crossBorder, mine.actor, specificity, children);
    }

    /** Returns the actor key, or null for "any AI firm". */
    static String actorKey(Reference ref, String loc) {
        if (ref == null || ref.isEmpty()) {
            throw new ConsentParseException(loc, "is required");
        }
        if (ref.hasIdentifier()) {
            Identifier id = ref.getIdentifier();
            if (ConsentCodes.ORG_SYSTEM.equals(id.getSystem()) && id.hasValue() && !id.getValue().isBlank()) {
                return id.getValue();
            }
            if (ConsentCodes.RECIPIENT_GROUP_SYSTEM.equals(id.getSystem()) && ConsentCodes.ANY_AI_FIRM.equals(id.getValue())) {
                return null;
            }
            throw new ConsentParseException(loc + ".identifier", "must be " + ConsentCodes.ORG_SYSTEM
                    + " with the organisation's id, or " + ConsentCodes.RECIPIENT_GROUP_SYSTEM + "|"
                    + ConsentCodes.ANY_AI_FIRM);
        }
        if (ref.hasReference()) {
            IdType id = new IdType(ref.getReference());
            if ("Organization".equals(id.getResourceType()) && id.hasIdPart() && !id.isAbsolute()) {
                return "Organization/" + id.getIdPart();
            }
            throw new ConsentParseException(loc + ".reference", "must be a relative Organization/<id> reference");
        }
        throw new ConsentParseException(loc, "needs an identifier or a reference to an Organization");
    }

    static Purpose purposeOf(Coding coding, String loc) {
        if (ConsentCodes.PURPOSE_SYSTEM.equals(coding.getSystem()) && ConsentCodes.PURPOSE_AI_TRAINING.equals(coding.getCode())) {
            return Purpose.AI_TRAINING;
        }
        if (ConsentCodes.V3_ACT_REASON.equals(coding.getSystem())) {
            if (ConsentCodes.HRESCH.equals(coding.getCode())) {
                return Purpose.AI_TRAINING;
            }
            if (ConsentCodes.TREAT.equals(coding.getCode())) {
                return Purpose.TREATMENT;
            }
        }
        throw new ConsentParseException(loc, "unknown purpose " + coding.getSystem() + "|" + coding.getCode()
                + " (known: " + ConsentCodes.PURPOSE_SYSTEM + "|ai-training, " + ConsentCodes.V3_ACT_REASON
                + "|HRESCH, " + ConsentCodes.V3_ACT_REASON + "|TREAT)");
    }

    static DataClass dataClassOf(Coding coding, String loc) {
        if (!ConsentCodes.DATA_CLASS_SYSTEM.equals(coding.getSystem())) {
            throw new ConsentParseException(loc + ".system", "must be " + ConsentCodes.DATA_CLASS_SYSTEM);
        }
        return DataClass.fromCode(coding.getCode()).orElseThrow(() -> new ConsentParseException(loc + ".code",
                "unknown data class '" + coding.getCode() + "'"));
    }

    static String modalityOf(Coding coding, String loc) {
        if (!ConsentCodes.DICOM_SYSTEM.equals(coding.getSystem())) {
            throw new ConsentParseException(loc + ".system", "must be " + ConsentCodes.DICOM_SYSTEM + " (imaging modality)");
        }
        if (!ConsentCodes.DICOM_MODALITIES.contains(coding.getCode())) {
            throw new ConsentParseException(loc + ".code", "unknown DICOM modality '" + coding.getCode() + "'");
        }
        return coding.getCode();
    }

    static Boolean crossBorderOf(ProvisionComponent p, String path) {
        List<Extension> exts = p.getExtensionsByUrl(ConsentCodes.CROSS_BORDER_EXTENSION);
        if (exts.isEmpty()) {
            return null;
        }
        if (exts.size() > 1) {
            throw new ConsentParseException(path + ".extension('cross-border')", "appears more than once");
        }
        if (!(exts.get(0).getValue() instanceof BooleanType b) || b.getValue() == null) {
            throw new ConsentParseException(path + ".extension('cross-border').value", "must be a valueBoolean");
        }
        return b.getValue();
    }
}
