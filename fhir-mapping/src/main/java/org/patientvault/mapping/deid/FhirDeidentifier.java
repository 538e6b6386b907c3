package org.patientvault.mapping.deid;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementCompositeDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementDefinition;
import ca.uhn.fhir.context.FhirContext;
import java.time.LocalDate;
import java.time.Period;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Element;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.Property;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import org.patientvault.mapping.IdentitySystems;
import org.patientvault.mapping.deid.internal.DateShift;
import org.patientvault.mapping.deid.internal.PiiPatterns;

/**
 * Applies a {@link DeidProfile} to FHIR R4 resources of one {@link DeidRelease}.
 *
 * <p>Contract: {@link #deidentify(Resource, String)} never modifies its input; it returns a de-identified copy, or
 * empty when the profile excludes the resource type (Provenance, AuditEvent, ...). Every element is decided by the
 * first matching rule; afterwards every remaining {@code string}/{@code markdown} value is scanned for a resident ID
 * (valid GB 11643 check character) or a mobile number and removed when one is found. A required element emptied by
 * the rules gets the {@code data-absent-reason} extension ({@code masked}) so the output stays valid R4. The output
 * carries {@code meta.security} = the profile's label ({@code PSEUDED}) and a {@code meta.tag} marking the release,
 * which is how a second pass recognises it: de-identifying an output again changes nothing.
 *
 * <p>Cost: one copy and one walk of the resource; rule resolution is cached per element path, so the per-element cost
 * is a map lookup plus the method (an HMAC for identifiers and references). Thread-safe: share one instance per release.
 */
public final class FhirDeidentifier {
    /** Extension carrying the age group that replaces the birth date of the very old ({@code "90+"}). */
    public static final String AGE_GROUP_EXTENSION = IdentitySystems.EXTENSION_BASE + "age-group";
    /** The standard extension marking an element whose value was withheld. */
    public static final String DATA_ABSENT_REASON = "http://hl7.org/fhir/StructureDefinition/data-absent-reason";

    private final FhirContext ctx;
    private final DeidProfile profile;
    private final DeidRelease release;
    private final DeidReport report = new DeidReport();
    private final Rules rules;
    /** Element paths seen so far, as a tree: each node caches its path string and the rules that can match there. */
    private final Map<String, PathNode> roots = new ConcurrentHashMap<>();

    private static final class PathNode {
        private record Typed(String type, Rules.Match match) {
        }

        final String path;
        private final Map<String, PathNode> children = new ConcurrentHashMap<>();
        private volatile Typed typed;

        PathNode(String path) {
            this.path = path;
        }

        PathNode child(String name) {
            PathNode n = children.get(name);
            return n != null ? n : children.computeIfAbsent(name, k -> new PathNode(path + "." + k));
        }

        Rules.Match match(String type, Rules rules) {
            Typed t = typed;
            if (t != null && t.type.equals(type)) {
                return t.match;
            }
            Rules.Match m = rules.candidates(path, type);
            typed = new Typed(type, m);
            return m;
        }
    }

    private PathNode root(String type) {
        PathNode n = roots.get(type);
        return n != null ? n : roots.computeIfAbsent(type, PathNode::new);
    }

    public FhirDeidentifier(FhirContext ctx, DeidProfile profile, DeidRelease release) {
        this.ctx = Objects.requireNonNull(ctx, "ctx");
        this.profile = Objects.requireNonNull(profile, "profile");
        this.release = Objects.requireNonNull(release, "release");
        this.rules = new Rules(profile.rules());
    }

    /** Counts over every call so far (the release's report). */
    public DeidReport report() {
        return report;
    }

    public DeidProfile profile() {
        return profile;
    }

    /**
     * De-identifies {@code resource}, shifting its dates by the offset of the patient it belongs to (its own id for a
     * Patient, else its {@code subject}/{@code patient}/{@code beneficiary} reference; resources of no patient use a
     * release-wide offset). Prefer {@link #deidentify(Resource, String)} when the caller knows the patient.
     */
    public Optional<Resource> deidentify(Resource resource) {
        return deidentify(resource, patientOf(resource));
    }

    /**
     * De-identifies {@code resource} of the patient with logical id {@code patientId} (null: none).
     *
     * @return the de-identified copy, or empty when the resource type is never exported
     */
    public Optional<Resource> deidentify(Resource resource, String patientId) {
        report.resourceIn();
        String type = resource.fhirType();
        if (profile.excludedResourceTypes().contains(type)) {
            report.excluded("type:" + type);
            return Optional.empty();
        }
        boolean done = resource.hasMeta() && resource.getMeta().getTag(DeidRelease.RELEASE_TAG_SYSTEM,
                release.releaseTag()) != null;
        Walk walk = new Walk(done, release.shiftDays(patientId));
        Resource copy = resource.copy();
        walk.resource(copy);
        stamp(copy);
        report.resourceOut();
        return Optional.of(copy);
    }

    private void stamp(Resource r) {
        Meta meta = r.getMeta();
        DeidProfile.SecurityLabel label = profile.security();
        if (label != null && meta.getSecurity(label.system(), label.code()) == null) {
            meta.addSecurity(label.system(), label.code(), label.display());
        }
        if (meta.getTag(DeidRelease.RELEASE_TAG_SYSTEM, release.releaseTag()) == null) {
            meta.addTag(DeidRelease.RELEASE_TAG_SYSTEM, release.releaseTag(), null);
        }
    }

    private static String patientOf(Resource r) {
        if ("Patient".equals(r.fhirType())) {
            return r.getIdElement().getIdPart();
        }
        for (String name : new String[] {"subject", "patient", "beneficiary"}) {
            Property p = r.getNamedProperty(name);
            if (p != null) {
                for (Base v : p.getValues()) {
                    if (v instanceof Reference ref && ref.getReferenceElement().hasIdPart()
                            && "Patient".equals(ref.getReferenceElement().getResourceType())) {
                        return ref.getReferenceElement().getIdPart();
                    }
                }
            }
        }
        return null;
    }

    /** One resource's walk: whether it is already an output of this release, and its patient's shift. */
    private final class Walk {
        private final boolean alreadyDone;
        private final int shift;
        private int scrubOnly;

        Walk(boolean alreadyDone, int shift) {
            this.alreadyDone = alreadyDone;
            this.shift = shift;
        }

        void resource(Resource r) {
            String type = r.fhirType();
            if (r.hasIdElement() && r.getIdElement().hasIdPart()) {
                DeidProfile.Rule rule = match(root(type).child("id"), "id", r.getIdElement());
                if (rule != null) {
                    String idPart = r.getIdElement().getIdPart();
                    switch (rule.method()) {
                        case REDACT -> r.setIdElement(null);
                        case CRYPTO_HASH -> r.setId(release.isOwnPseudonym(idPart) ? idPart
                                : release.pseudonym("ref", type + "/" + idPart));
                        case SUBSTITUTE -> r.setId(rule.value());
                        default -> {
                        }
                    }
                    count(rule);
                }
            }
            composite(r, (BaseRuntimeElementCompositeDefinition<?>) ctx.getResourceDefinition(r), root(type), true);
        }

        @SuppressWarnings("unchecked")
        private void composite(IBase target, BaseRuntimeElementCompositeDefinition<?> def, PathNode path, boolean isResource) {
            for (BaseRuntimeChildDefinition child : def.getChildrenAndExtension()) {
                if (isResource && "id".equals(child.getElementName())) {
                    continue;
                }
                List<? extends IBase> live = child.getAccessor().getValues(target);
                if (live.isEmpty()) {
                    continue;
                }
                List<IBase> values = new ArrayList<>(live);
                List<IBase> kept = null;
                for (int i = 0; i < values.size(); i++) {
                    IBase v = values.get(i);
                    boolean keep;
                    if (v instanceof IBaseResource nested) {
                        keep = nestedResource((Resource) nested, "contained".equals(child.getElementName()));
                    } else {
                        BaseRuntimeElementDefinition<?> cdef = child.getChildElementDefinitionByDatatype(v.getClass());
                        String name = child.getChildNameByDatatype(v.getClass());
                        keep = cdef == null || element(v, cdef, path.child(name));
                    }
                    if (!keep && kept == null) {
                        kept = new ArrayList<>(values.subList(0, i));
                    } else if (keep && kept != null) {
                        kept.add(v);
                    }
                }
                if (kept != null) {
                    child.getMutator().setValue(target, null);
                    for (IBase k : kept) {
                        child.getMutator().addValue(target, k);
                    }
                }
                if (child.getMin() > 0 && scrubOnly == 0) {
                    List<? extends IBase> now = child.getAccessor().getValues(target);
                    if (now.isEmpty() || now.stream().allMatch(IBase::isEmpty)) {
                        markAbsent(target, child, now, values.get(0));
                    }
                }
            }
        }

        /** A required element the rules emptied: mark it withheld rather than ship invalid FHIR. */
        private void markAbsent(IBase target, BaseRuntimeChildDefinition child, List<? extends IBase> now, IBase original) {
            Element holder;
            if (!now.isEmpty() && now.get(0) instanceof Element e) {
                holder = e;
            } else {
                try {
                    holder = (Element) original.getClass().getDeclaredConstructor().newInstance();
                } catch (ReflectiveOperationException | ClassCastException e) {
                    return;
                }
                child.getMutator().setValue(target, holder);
            }
            holder.addExtension(DATA_ABSENT_REASON, new CodeType("masked"));
        }

        /** A contained resource keeps its local id: {@code #id} references inside the container point to it. */
        private boolean nestedResource(Resource nested, boolean contained) {
            if (profile.excludedResourceTypes().contains(nested.fhirType())) {
                report.excluded("type:" + nested.fhirType());
                return false;
            }
            String localId = contained ? nested.getIdElement().getIdPart() : null;
            resource(nested);
            if (contained) {
                nested.setId(localId);
            }
            return true;
        }

        /** Applies the rules to one element; false when it is to be removed. */
        private boolean element(IBase v, BaseRuntimeElementDefinition<?> def, PathNode path) {
            if (scrubOnly > 0) {
                return visitChildren(v, def, path);
            }
            DeidProfile.Rule rule = match(path, def.getName(), v);
            if (rule == null) {
                return visitChildren(v, def, path);
            }
            count(rule);
            switch (rule.method()) {
                case KEEP -> {
                    scrubOnly++;
                    try {
                        return visitChildren(v, def, path);
                    } finally {
                        scrubOnly--;
                    }
                }
                case REDACT -> {
                    return false;
                }
                case DATE_SHIFT -> {
                    return alreadyDone || shiftDate(v);
                }
                case CRYPTO_HASH -> {
                    return hash(v, rule);
                }
                case GENERALIZE -> {
                    return generalize(v, rule);
                }
                case SUBSTITUTE -> {
                    if (v instanceof IPrimitiveType<?> p) {
                        p.setValueAsString(rule.value());
                        return true;
                    }
                    return false;
                }
                default -> throw new IllegalStateException(rule.method().toString());
            }
        }

        /** Visits children of a composite, scans a string primitive and a primitive's extensions. */
        private boolean visitChildren(IBase v, BaseRuntimeElementDefinition<?> def, PathNode path) {
            if (def instanceof BaseRuntimeElementCompositeDefinition<?> c) {
                composite(v, c, path, false);
                return true;
            }
            if (v instanceof Element e && e.hasExtension()) {
                List<Extension> keptExt = new ArrayList<>();
                BaseRuntimeElementDefinition<?> extDef = ctx.getElementDefinition(Extension.class);
                for (Extension x : e.getExtension()) {
                    if (element(x, extDef, path.child("extension"))) {
                        keptExt.add(x);
                    }
                }
                e.getExtension().retainAll(keptExt);
            }
            if (v instanceof StringType s && s.getValue() != null) {
                return scrub(s.getValue());
            }
            return true;
        }

        private boolean scrub(String s) {
            switch (PiiPatterns.find(s)) {
                case RESIDENT_ID -> {
                    report.residentIdRemoved();
                    return false;
                }
                case MOBILE -> {
                    report.mobileRemoved();
                    return false;
                }
                default -> {
                    return true;
                }
            }
        }

        private boolean shiftDate(IBase v) {
            if (!(v instanceof IPrimitiveType<?> p) || p.getValueAsString() == null) {
                return true;
            }
            String shifted = DateShift.fhir(p.getValueAsString(), shift);
            if (shifted == null) {
                return false;
            }
            p.setValueAsString(shifted);
            return true;
        }

        private boolean hash(IBase v, DeidProfile.Rule rule) {
            if (v instanceof Identifier id) {
                return identifier(id, "dicom-uid".equals(rule.as()));
            }
            if (v instanceof Reference ref) {
                return reference(ref);
            }
            if (v instanceof IPrimitiveType<?> p) {
                String s = p.getValueAsString();
                if (s == null) {
                    return true;
                }
                String out;
                if ("dicom-uid".equals(rule.as())) {
                    out = s.startsWith("urn:oid:") ? "urn:oid:" + release.dicomUid(s.substring(8)) : release.dicomUid(s);
                } else if ("reference".equals(rule.as())) {
                    out = rewriteReference(s);
                } else {
                    out = release.isOwnPseudonym(s) ? s : release.pseudonym("value", s);
                }
                if (out == null) {
                    return false;
                }
                p.setValueAsString(out);
                return true;
            }
            return false;
        }

        private boolean identifier(Identifier id, boolean dicomUid) {
            if (!id.hasValue()) {
                return false;
            }
            String value = id.getValue();
            if (dicomUid) {
                id.setValue(value.startsWith("urn:oid:") ? "urn:oid:" + release.dicomUid(value.substring(8))
                        : release.dicomUid(value));
            } else if (!(DeidRelease.PSEUDONYM_SYSTEM.equals(id.getSystem()) && release.isOwnPseudonym(value))) {
                id.setValue(release.pseudonym("id", id.getSystem() + "|" + value));
                id.setSystem(DeidRelease.PSEUDONYM_SYSTEM);
            }
            id.setAssigner(null);
            id.setPeriod(null);
            id.getExtension().clear();
            id.getValueElement().getExtension().clear();
            if (id.hasType()) {
                id.getType().setText(null);
                id.getType().getExtension().clear();
            }
            return true;
        }

        private boolean reference(Reference ref) {
            ref.setDisplay(null);
            ref.getExtension().clear();
            if (ref.hasReference()) {
                String out = rewriteReference(ref.getReference());
                ref.setReference(out);
            }
            if (ref.hasIdentifier()) {
                identifier(ref.getIdentifier(), false);
            }
            return !ref.isEmpty();
        }

        /** {@code Type/id} (relative, absolute or versioned) to {@code Type/<pseudonym>}; null when not rewritable. */
        private String rewriteReference(String ref) {
            if (ref.startsWith("#")) {
                return ref;
            }
            if (ref.startsWith("urn:uuid:")) {
                String u = ref.substring(9).replace("-", "");
                String p = release.isOwnPseudonym(u) ? u : release.pseudonym("ref", ref);
                return "urn:uuid:" + p.substring(0, 8) + "-" + p.substring(8, 12) + "-" + p.substring(12, 16) + "-"
                        + p.substring(16, 20) + "-" + p.substring(20);
            }
            if (ref.indexOf('?') >= 0) {
                return null;
            }
            IdType id = new IdType(ref);
            String type = id.getResourceType();
            String idPart = id.getIdPart();
            if (type == null || idPart == null) {
                return null;
            }
            return type + "/" + (release.isOwnPseudonym(idPart) ? idPart : release.pseudonym("ref", type + "/" + idPart));
        }

        private boolean generalize(IBase v, DeidProfile.Rule rule) {
            if ("province".equals(rule.level())) {
                if (!(v instanceof Address a)) {
                    return false;
                }
                String state = a.getState();
                String country = a.getCountry();
                a.setText(null).setLine(null).setCity(null).setDistrict(null).setPostalCode(null).setPeriod(null);
                a.getExtension().clear();
                a.setId(null);
                boolean ok = (state == null || scrub(state)) && (country == null || scrub(country));
                return ok && !a.isEmpty();
            }
            if (!(v instanceof DateType d)) {
                return false;
            }
            if (d.getValue() == null) {
                return true;
            }
            int year = d.getYear();
            Integer top = rule.topCodeAge();
            if (top != null && age(d) >= top) {
                d.setValue(null);
                d.getExtension().clear();
                d.addExtension(AGE_GROUP_EXTENSION, new StringType(top + "+"));
                return true;
            }
            d.setValueAsString(String.format("%04d", year));
            return true;
        }

        private int age(DateType d) {
            LocalDate ref = release.referenceDate();
            if (d.getPrecision() == TemporalPrecisionEnum.YEAR) {
                return ref.getYear() - d.getYear();
            }
            if (d.getPrecision() == TemporalPrecisionEnum.MONTH) {
                return Period.between(LocalDate.of(d.getYear(), d.getMonth() + 1, 1), ref).getYears();
            }
            return Period.between(LocalDate.of(d.getYear(), d.getMonth() + 1, d.getDay()), ref).getYears();
        }
    }

    private DeidProfile.Rule match(PathNode path, String typeName, IBase v) {
        return path.match(typeName, rules).first(v);
    }

    private void count(DeidProfile.Rule rule) {
        if (rule.method() != DeidMethod.KEEP) {
            report.rule(rule.id());
        }
    }
}
