package org.patientvault.vault.edge;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Expression;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Range;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Type;
import org.patientvault.mobile.port.CallerRecordsException;
import org.patientvault.vault.caller.FhirDispatch;
import org.patientvault.web.port.CohortConsole;
import org.springframework.stereotype.Component;

/**
 * {@link CohortConsole} on the {@code /fhir} Group routes, dispatched in-process as the current (signed-in) caller
 * ({@link FhirDispatch}): the cohort provider decides who may file, read, build and decide, and another firm's id is
 * answered like an unknown one. The Group is written and read in the documented shape ({@code docs/cohorts.md}).
 */
@Component
class FhirCohortConsole implements CohortConsole {

    private static final String SD = "https://patientvault.org/fhir/StructureDefinition/";
    private static final String MEMBER_FILTER = "http://hl7.org/fhir/uv/bulkdata/StructureDefinition/member-filter";
    /** Request and file ids are UUIDs; anything else never reaches the dispatch. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9\\-]{1,64}");

    private final FhirDispatch dispatch;
    private final FhirContext ctx;
    private final ObjectMapper json = new ObjectMapper();

    FhirCohortConsole(FhirDispatch dispatch, FhirContext ctx) {
        this.dispatch = dispatch;
        this.ctx = ctx;
    }

    @Override
    public String file(Draft d) {
        Group g = new Group().setType(Group.GroupType.PERSON).setActual(true).setName(d.name());
        for (String c : d.criteria()) {
            g.addModifierExtension(new Extension(MEMBER_FILTER, new Expression()
                    .setLanguage("application/x-fhir-query").setExpression(c)));
        }
        g.addExtension(SD + "cohort-purpose", new CodeType(d.purpose()));
        d.classes().forEach(c -> g.addExtension(SD + "cohort-data-class", new CodeType(c)));
        d.modalities().forEach(m -> g.addExtension(SD + "cohort-modality", new CodeType(m)));
        if (d.minQuality() != null) {
            g.addExtension(SD + "cohort-min-quality", new DecimalType(d.minQuality()));
        }
        if (d.ageLow() != null || d.ageHigh() != null) {
            Range r = new Range();
            if (d.ageLow() != null) {
                r.setLow(new Quantity(d.ageLow()));
            }
            if (d.ageHigh() != null) {
                r.setHigh(new Quantity(d.ageHigh()));
            }
            g.addExtension(SD + "cohort-age", r);
        }
        if (d.sex() != null) {
            g.addExtension(SD + "cohort-sex", new CodeType(d.sex()));
        }
        if (d.periodStart() != null || d.periodEnd() != null) {
            Period p = new Period();
            if (d.periodStart() != null) {
                p.setStartElement(new org.hl7.fhir.r4.model.DateTimeType(d.periodStart().toString()));
            }
            if (d.periodEnd() != null) {
                p.setEndElement(new org.hl7.fhir.r4.model.DateTimeType(d.periodEnd().toString()));
            }
            g.addExtension(SD + "cohort-data-period", p);
        }
        g.addExtension(SD + "cohort-cross-border", new BooleanType(d.crossBorder()));
        Extension project = g.addExtension().setUrl(SD + "cohort-project");
        project.addExtension("title", new StringType(d.projectTitle()));
        if (d.projectDescription() != null) {
            project.addExtension("description", new StringType(d.projectDescription()));
        }
        FhirDispatch.Answer answer = dispatch.post(request(), "Group",
                ctx.newJsonParser().encodeResourceToString(g).getBytes(StandardCharsets.UTF_8));
        if (answer.status() == 400 || answer.status() == 422) {
            // "The cohort request is not valid: a; b; c" names every problem; the page lists them one by one.
            List<String> problems = new ArrayList<>();
            for (String why : diagnostics(answer)) {
                int colon = why.indexOf(": ");
                problems.addAll(List.of((colon < 0 ? why : why.substring(colon + 2)).split("; ")));
            }
            throw new Invalid(problems);
        }
        return parse(answer, Group.class).getIdElement().getIdPart();
    }

    @Override
    public List<Request> list(String status) {
        FhirDispatch.Answer answer = dispatch.get(request(), "Group",
                status == null ? Map.of() : Map.of("status", new String[] {status}));
        return parse(answer, Bundle.class).getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
                .filter(Group.class::isInstance).map(r -> request((Group) r)).toList();
    }

    @Override
    public Optional<Request> get(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            return Optional.empty();
        }
        FhirDispatch.Answer answer = dispatch.get(request(), "Group/" + id, Map.of());
        return answer.status() == 404 || answer.status() == 403 ? Optional.empty()
                : Optional.of(request(parse(answer, Group.class)));
    }

    @Override
    public void build(String id) {
        known(id);
        FhirDispatch.Answer answer = dispatch.get(request(), "Group/" + id + "/$export",
                Map.of(), Map.of("Prefer", "respond-async"));
        if (answer.status() != 202) {
            throw refused(answer);
        }
    }

    @Override
    public Optional<Manifest> manifest(String id) {
        Optional<String> job = releaseJob(id);
        if (job.isEmpty()) {
            return Optional.empty();
        }
        FhirDispatch.Answer answer = dispatch.get(request(), "$cohort-status",
                Map.of("_jobId", new String[] {job.get()}));
        if (answer.status() != 200) {
            return Optional.empty();
        }
        try {
            JsonNode m = json.readTree(answer.body());
            JsonNode about = m.path("extension").path(SD + "cohort-release");
            List<File> files = new ArrayList<>();
            for (String list : List.of("output", "error", "deleted")) {
                for (JsonNode f : m.path(list)) {
                    fileId(f.path("url").asText()).ifPresent(fid -> files.add(new File(f.path("type").asText(),
                            fid, f.has("count") ? f.path("count").asInt() : null)));
                }
            }
            int dicom = 0;
            for (JsonNode f : about.path("dicom")) {
                Optional<String> fid = fileId(f.path("url").asText());
                if (fid.isPresent()) {
                    files.add(new File("DICOM", fid.get(), null));
                    dicom++;
                }
            }
            return Optional.of(new Manifest(about.path("release").asInt(), about.path("patients").asText(),
                    about.hasNonNull("expires") ? Instant.parse(about.path("expires").asText()) : null, files, dicom));
        } catch (IOException | java.time.format.DateTimeParseException e) {
            throw new IllegalStateException("The release's manifest could not be read", e);
        }
    }

    @Override
    public boolean download(String fileId, Function<String, OutputStream> target) {
        if (fileId == null || !ID.matcher(fileId).matches()) {
            return false;
        }
        FhirDispatch.Answer answer = dispatch.stream(request(), "$cohort-file",
                Map.of("file", new String[] {fileId}), (status, contentType) -> status == 200
                        ? target.apply(contentType == null ? "application/octet-stream" : contentType) : null);
        return switch (answer.status()) {
            case 200 -> true;
            // Unknown, another firm's, expired: one answer.
            case 403, 404, 410 -> false;
            default -> throw refused(answer);
        };
    }

    @Override
    public List<Withdrawal> withdrawals(String id) {
        known(id);
        FhirDispatch.Answer answer = dispatch.get(request(),
                "Group/" + id + "/$withdrawals", Map.of());
        List<Withdrawal> out = new ArrayList<>();
        for (Parameters.ParametersParameterComponent p : parse(answer, Parameters.class).getParameter()) {
            int release = 0;
            int detected = 0;
            String pseudonym = null;
            for (Parameters.ParametersParameterComponent part : p.getPart()) {
                switch (part.getName()) {
                    case "release" -> release = ((IntegerType) part.getValue()).getValue();
                    case "detectedIn" -> detected = ((IntegerType) part.getValue()).getValue();
                    case "pseudonym" -> pseudonym = part.getValue().primitiveValue();
                    default -> { }
                }
            }
            out.add(new Withdrawal(release, pseudonym, detected));
        }
        return out;
    }

    @Override
    public void decide(String id, boolean approve, String reason) {
        known(id);
        Parameters in = new Parameters();
        in.addParameter().setName("reason").setValue(new StringType(reason));
        FhirDispatch.Answer answer = dispatch.post(request(),
                "Group/" + id + "/$" + (approve ? "approve" : "reject"),
                ctx.newJsonParser().encodeResourceToString(in).getBytes(StandardCharsets.UTF_8));
        if (answer.status() != 200) {
            throw refused(answer);
        }
    }

    /** The job id of the request's latest release (from the Group's {@code cohort-release} statusUrl). */
    private Optional<String> releaseJob(String id) {
        FhirDispatch.Answer answer = dispatch.get(request(), "Group/" + id, Map.of());
        if (answer.status() != 200) {
            return Optional.empty();
        }
        Extension rel = parse(answer, Group.class).getExtensionByUrl(SD + "cohort-release");
        Extension url = rel == null ? null : rel.getExtensionByUrl("statusUrl");
        if (url == null) {
            return Optional.empty();
        }
        String s = url.getValue().primitiveValue();
        return Optional.of(s.substring(s.indexOf("_jobId=") + "_jobId=".length()));
    }

    private Request request(Group g) {
        List<String> criteria = new ArrayList<>();
        for (Extension e : g.getModifierExtension()) {
            if (MEMBER_FILTER.equals(e.getUrl()) && e.getValue() instanceof Expression x) {
                criteria.add(x.getExpression());
            }
        }
        Range age = g.getExtensionByUrl(SD + "cohort-age") != null
                && g.getExtensionByUrl(SD + "cohort-age").getValue() instanceof Range r ? r : null;
        Period period = g.getExtensionByUrl(SD + "cohort-data-period") != null
                && g.getExtensionByUrl(SD + "cohort-data-period").getValue() instanceof Period p ? p : null;
        Extension project = g.getExtensionByUrl(SD + "cohort-project");
        Draft draft = new Draft(g.getName(), criteria, codes(g, "cohort-data-class"), codes(g, "cohort-modality"),
                value(g, "cohort-min-quality") instanceof DecimalType q ? q.getValue() : null,
                age != null && age.hasLow() ? age.getLow().getValue().intValue() : null,
                age != null && age.hasHigh() ? age.getHigh().getValue().intValue() : null,
                text(value(g, "cohort-sex")),
                period != null && period.hasStart() ? LocalDate.parse(period.getStartElement().getValueAsString()
                        .substring(0, 10)) : null,
                period != null && period.hasEnd() ? LocalDate.parse(period.getEndElement().getValueAsString()
                        .substring(0, 10)) : null,
                value(g, "cohort-cross-border") instanceof BooleanType b && b.booleanValue(),
                text(value(g, "cohort-purpose")),
                project == null ? null : text(project.getExtensionByUrl("title") == null ? null
                        : project.getExtensionByUrl("title").getValue()),
                project == null ? null : text(project.getExtensionByUrl("description") == null ? null
                        : project.getExtensionByUrl("description").getValue()));
        Extension rel = g.getExtensionByUrl(SD + "cohort-release");
        Release release = rel == null ? null : new Release(
                rel.getExtensionByUrl("number") == null ? 0 : ((IntegerType) rel.getExtensionByUrl("number")
                        .getValue()).getValue(),
                text(rel.getExtensionByUrl("status") == null ? null : rel.getExtensionByUrl("status").getValue()),
                rel.getExtensionByUrl("progress") == null ? 0 : ((IntegerType) rel.getExtensionByUrl("progress")
                        .getValue()).getValue(),
                text(rel.getExtensionByUrl("message") == null ? null : rel.getExtensionByUrl("message").getValue()));
        return new Request(g.getIdElement().getIdPart(), g.hasManagingEntity() ? g.getManagingEntity().getDisplay()
                : null, g.getMeta().getLastUpdated() == null ? null : g.getMeta().getLastUpdated().toInstant(),
                g.getName(), text(value(g, "cohort-status")), text(value(g, "cohort-status-reason")), draft, release);
    }

    private static List<String> codes(Group g, String name) {
        return g.getExtensionsByUrl(SD + name).stream().map(e -> text(e.getValue())).toList();
    }

    private static Type value(Group g, String name) {
        Extension e = g.getExtensionByUrl(SD + name);
        return e == null ? null : e.getValue();
    }

    private static String text(Type t) {
        return t == null ? null : t.primitiveValue();
    }

    private static Optional<String> fileId(String url) {
        int at = url.indexOf("file=");
        if (at < 0) {
            return Optional.empty();
        }
        String rest = url.substring(at + "file=".length());
        int amp = rest.indexOf('&');
        return Optional.of(URLDecoder.decode(amp < 0 ? rest : rest.substring(0, amp), StandardCharsets.UTF_8));
    }

    private static void known(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new CallerRecordsException(404, "Resource Group/" + id
                    + " is not known");
        }
    }

    private <T extends Resource> T parse(FhirDispatch.Answer answer, Class<T> type) {
        if (answer.status() / 100 != 2) {
            throw refused(answer);
        }
        try {
            return ctx.newJsonParser().parseResource(type, new String(answer.body(), StandardCharsets.UTF_8));
        } catch (DataFormatException | ClassCastException e) {
            throw new CallerRecordsException(502,
                    "The FHIR server's answer could not be read");
        }
    }

    private List<String> diagnostics(FhirDispatch.Answer answer) {
        List<String> out = new ArrayList<>();
        try {
            OperationOutcome oo = ctx.newJsonParser().parseResource(OperationOutcome.class,
                    new String(answer.body(), StandardCharsets.UTF_8));
            oo.getIssue().stream().filter(OperationOutcome.OperationOutcomeIssueComponent::hasDiagnostics)
                    .forEach(i -> out.add(i.getDiagnostics()));
        } catch (DataFormatException | ClassCastException notAnOutcome) {
            // the status alone
        }
        if (out.isEmpty()) {
            out.add("The vault answered " + answer.status());
        }
        return out;
    }

    /** A refusal as the pages' error handling knows it: the status and the server's own (request-derived) text. */
    private CallerRecordsException refused(FhirDispatch.Answer answer) {
        return new CallerRecordsException(answer.status(),
                diagnostics(answer).get(0));
    }

    private static jakarta.servlet.http.HttpServletRequest request() {
        return CurrentRequest.of("CohortConsole");
    }
}
