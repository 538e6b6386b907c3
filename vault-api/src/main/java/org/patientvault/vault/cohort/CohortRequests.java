package org.patientvault.vault.cohort;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeResourceDefinition;
import ca.uhn.fhir.jpa.searchparam.MatchUrlService;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.net.URI;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Expression;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Range;
import org.hl7.fhir.r4.model.UriType;
import org.patientvault.consent.ConsentCodes;
import org.patientvault.consent.DataClass;
import org.springframework.stereotype.Component;

/**
 * Reads a firm's cohort {@code Group} into a {@link CohortRequest}, or refuses it with every problem named (422,
 * nothing stored). The messages quote only what the firm sent. Criteria are parsed by HAPI's own match-URL parser,
 * so "a valid search" means exactly what the server would accept; they run later as the system, restricted to
 * consenting patients, so search parameters that reach across records ({@code _has}, chains) and result-shaping ones
 * are refused here.
 */
@Component
class CohortRequests {

    /** Types a criterion may search: clinical records with a {@code patient} search parameter, and Patient. */
    static final Set<String> CRITERIA_TYPES = Set.of("Patient", "ImagingStudy", "Observation", "Condition",
            "DiagnosticReport", "Procedure", "MedicationRequest", "MedicationStatement", "Immunization",
            "AllergyIntolerance", "Encounter");
    /** Classes a cohort may ask for; documents carry free text the research profile cannot make safe. */
    static final Set<DataClass> OFFERED_CLASSES = Set.of(DataClass.IMAGING, DataClass.LABORATORY, DataClass.CHECKUP,
            DataClass.VITAL_SIGNS, DataClass.CONDITIONS, DataClass.MEDICATIONS);
    static final int MAX_CRITERIA = 10;

    private final FhirContext fhir;
    private final MatchUrlService matchUrls;
    private final CohortProperties props;
    private final ZoneId zone;

    CohortRequests(FhirContext fhir, MatchUrlService matchUrls, CohortProperties props,
                   org.patientvault.vault.VaultProperties vault) {
        this.fhir = fhir;
        this.matchUrls = matchUrls;
        this.props = props;
        this.zone = vault.zone();
    }

    CohortRequest read(Group g) {
        List<String> problems = new ArrayList<>();
        if (g.getType() != Group.GroupType.PERSON) {
            problems.add("Group.type must be 'person'");
        }
        if (!g.getActual()) {
            problems.add("Group.actual must be true");
        }
        if (g.hasMember()) {
            problems.add("Group.member is not accepted: members are chosen by the vault from consent and criteria");
        }
        if (g.hasCharacteristic()) {
            problems.add("Group.characteristic is not used: put criteria in member-filter extensions");
        }
        List<String> criteria = new ArrayList<>();
        for (Extension e : g.getModifierExtension()) {
            if (!CohortCodes.MEMBER_FILTER.equals(e.getUrl())) {
                problems.add("unknown modifier extension " + e.getUrl());
            } else if (!(e.getValue() instanceof Expression x) || !CohortCodes.FHIR_QUERY.equals(x.getLanguage())
                    || !x.hasExpression()) {
                problems.add("member-filter needs a valueExpression with language " + CohortCodes.FHIR_QUERY);
            } else {
                String problem = criterionProblem(x.getExpression().strip());
                if (problem != null) {
                    problems.add(problem);
                } else {
                    criteria.add(x.getExpression().strip());
                }
            }
        }
        if (criteria.size() > MAX_CRITERIA) {
            problems.add("at most " + MAX_CRITERIA + " member-filter criteria");
        }
        for (Extension e : g.getExtension()) {
            if (!CohortCodes.REQUEST_EXTENSIONS.contains(e.getUrl())) {
                problems.add("unknown extension " + e.getUrl());
            }
        }
        String purpose = code(g, CohortCodes.PURPOSE, problems);
        if (purpose == null) {
            problems.add("the purpose (" + CohortCodes.PURPOSE + ") is required; the vault offers 'ai-training'");
        } else if (!CohortCodes.AI_TRAINING.equals(purpose)) {
            problems.add("purpose '" + purpose + "' is not offered; the vault offers 'ai-training'");
        }
        Set<DataClass> classes = new LinkedHashSet<>();
        for (Extension e : g.getExtensionsByUrl(CohortCodes.DATA_CLASS)) {
            String c = e.getValue() instanceof CodeType t ? t.getValue() : null;
            DataClass dc = c == null ? null : DataClass.fromCode(c).orElse(null);
            if (dc == null || !OFFERED_CLASSES.contains(dc)) {
                problems.add("unknown data class '" + c + "'; offered: imaging, laboratory, checkup, vital-signs,"
                        + " conditions, medications");
            } else {
                classes.add(dc);
            }
        }
        if (classes.isEmpty() && g.getExtensionsByUrl(CohortCodes.DATA_CLASS).isEmpty()) {
            problems.add("name at least one data class (" + CohortCodes.DATA_CLASS + ")");
        }
        Set<String> modalities = new LinkedHashSet<>();
        for (Extension e : g.getExtensionsByUrl(CohortCodes.MODALITY)) {
            String m = e.getValue() instanceof CodeType t ? t.getValue() : null;
            if (m == null || !ConsentCodes.DICOM_MODALITIES.contains(m)) {
                problems.add("unknown modality '" + m + "' (DICOM modality codes such as CT, MR, US)");
            } else {
                modalities.add(m);
            }
        }
        if (!modalities.isEmpty() && !classes.contains(DataClass.IMAGING)) {
            problems.add("modalities are given but the data class 'imaging' is not asked for");
        }
        double minQuality = 0;
        Extension q = g.getExtensionByUrl(CohortCodes.MIN_QUALITY);
        if (q != null) {
            if (!(q.getValue() instanceof DecimalType d) || d.getValue() == null
                    || d.getValue().doubleValue() < 0 || d.getValue().doubleValue() > 1) {
                problems.add("the minimum quality score must be a decimal from 0 to 1");
            } else {
                minQuality = d.getValue().doubleValue();
            }
        }
        Integer minAge = null;
        Integer maxAge = null;
        Extension age = g.getExtensionByUrl(CohortCodes.AGE);
        if (age != null) {
            if (!(age.getValue() instanceof Range r)) {
                problems.add("the age filter must be a valueRange (years)");
            } else {
                minAge = r.hasLow() && r.getLow().hasValue() ? r.getLow().getValue().intValue() : null;
                maxAge = r.hasHigh() && r.getHigh().hasValue() ? r.getHigh().getValue().intValue() : null;
                if ((minAge != null && minAge < 0) || (maxAge != null && maxAge > 150)
                        || (minAge != null && maxAge != null && minAge > maxAge)) {
                    problems.add("the age range must be within 0..150 years, low ≤ high");
                }
            }
        }
        String sex = code(g, CohortCodes.SEX, problems);
        if (sex != null && !Set.of("male", "female", "other", "unknown").contains(sex)) {
            problems.add("sex must be male, female, other or unknown");
        }
        Instant start = null;
        Instant end = null;
        Extension period = g.getExtensionByUrl(CohortCodes.DATA_PERIOD);
        if (period != null) {
            if (!(period.getValue() instanceof Period p) || (!p.hasStart() && !p.hasEnd())) {
                problems.add("the data period must be a valuePeriod with a start or an end");
            } else {
                start = p.hasStart() ? p.getStartElement().getValue().toInstant() : null;
                end = p.hasEnd() ? endOf(p) : null;
                if (start != null && end != null && !start.isBefore(end)) {
                    problems.add("the data period must start before it ends");
                }
            }
        }
        boolean crossBorder = false;
        Extension cb = g.getExtensionByUrl(CohortCodes.CROSS_BORDER);
        if (cb != null) {
            if (!(cb.getValue() instanceof BooleanType b) || b.getValue() == null) {
                problems.add("cross-border must be a valueBoolean");
            } else {
                crossBorder = b.getValue();
            }
        }
        String title = null;
        String description = null;
        Extension project = g.getExtensionByUrl(CohortCodes.PROJECT);
        if (project != null) {
            Extension t = project.getExtensionByUrl("title");
            Extension d = project.getExtensionByUrl("description");
            title = t != null && t.getValue() != null ? t.getValue().primitiveValue() : null;
            description = d != null && d.getValue() != null ? d.getValue().primitiveValue() : null;
        }
        if (title == null || title.isBlank()) {
            problems.add("the project title (" + CohortCodes.PROJECT + " with a 'title' part) is required");
        }
        URI notify = null;
        Extension n = g.getExtensionByUrl(CohortCodes.NOTIFY);
        if (n != null) {
            String url = n.getValue() instanceof UriType u ? u.getValue() : null;
            try {
                notify = url == null ? null : URI.create(url);
            } catch (IllegalArgumentException e) {
                notify = null;
            }
            boolean https = notify != null && "https".equals(notify.getScheme()) && notify.getHost() != null;
            boolean http = notify != null && "http".equals(notify.getScheme()) && notify.getHost() != null;
            if (!https && !(http && props.allowInsecureCallbacks())) {
                problems.add("the notification endpoint must be an absolute https URL");
                notify = null;
            }
        }
        if (!problems.isEmpty()) {
            throw new UnprocessableEntityException("The cohort request is not valid: " + String.join("; ", problems));
        }
        return new CohortRequest(List.copyOf(criteria), Set.copyOf(classes), Set.copyOf(modalities), minQuality,
                minAge, maxAge, sex, start, end, crossBorder, title.strip(),
                description == null ? null : description.strip(), notify);
    }

    /** The search a criterion stands for, as HAPI parses it. */
    SearchParameterMap parse(String criterion) {
        int q = criterion.indexOf('?');
        String type = q < 0 ? criterion : criterion.substring(0, q);
        RuntimeResourceDefinition def = fhir.getResourceDefinition(type);
        return matchUrls.translateMatchUrl(criterion, def);
    }

    private String criterionProblem(String criterion) {
        int q = criterion.indexOf('?');
        String type = q < 0 ? criterion : criterion.substring(0, q);
        if (!CRITERIA_TYPES.contains(type)) {
            return "criterion '" + criterion + "': searches over " + String.join(", ", new java.util.TreeSet<>(
                    CRITERIA_TYPES)) + " are offered";
        }
        if (q < 0 || q == criterion.length() - 1) {
            return "criterion '" + criterion + "' names no search parameter";
        }
        for (String pair : criterion.substring(q + 1).split("&")) {
            String name = pair.split("=", 2)[0];
            if (name.startsWith("_") || name.contains(".")) {
                return "criterion '" + criterion + "': parameter '" + name + "' is not offered in cohort criteria"
                        + " (no _-parameters, chains or _has)";
            }
        }
        try {
            parse(criterion);
            return null;
        } catch (BaseServerResponseException | IllegalArgumentException e) {
            return "criterion '" + criterion + "' is not a valid search on this server";
        }
    }

    private static String code(Group g, String url, List<String> problems) {
        Extension e = g.getExtensionByUrl(url);
        if (e == null) {
            return null;
        }
        if (!(e.getValue() instanceof CodeType c) || !c.hasValue()) {
            problems.add(url + " must be a valueCode");
            return null;
        }
        return c.getValue();
    }

    /** The exclusive end of a period given as a date or dateTime (a date means the whole day). */
    private Instant endOf(Period p) {
        var e = p.getEndElement();
        if (e.getPrecision().compareTo(ca.uhn.fhir.model.api.TemporalPrecisionEnum.DAY) <= 0) {
            java.time.LocalDate d = java.time.LocalDate.parse(e.getValueAsString().length() == 4
                    ? e.getValueAsString() + "-12-31" : e.getValueAsString().length() == 7
                    ? java.time.YearMonth.parse(e.getValueAsString()).atEndOfMonth().toString() : e.getValueAsString());
            return d.plusDays(1).atStartOfDay(zone).toInstant();
        }
        return e.getValue().toInstant();
    }
}
