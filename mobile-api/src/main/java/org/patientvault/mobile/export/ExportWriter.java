package org.patientvault.mobile.export;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.Deflater;
import java.util.zip.ZipOutputStream;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.patientvault.mapping.dicom.DicomDataset;
import org.patientvault.mapping.dicom.DicomPreview;
import org.patientvault.mapping.dicom.DicomPreviewResult;
import org.patientvault.mapping.dicom.DicomReader;
import org.patientvault.mapping.dicom.DicomTags;
import org.patientvault.mapping.dicom.DicomVr;
import org.patientvault.mobile.port.CallerImages;
import org.patientvault.mobile.port.CallerRecords;
import org.patientvault.mobile.support.Hospitals;
import org.patientvault.mobile.support.Texts;
import org.patientvault.mobile.timeline.RecordViews;
import org.patientvault.mobile.timeline.TimelineItem;

/**
 * Writes one patient's export zip, as the patient (it runs inside a captured caller, so every read passes the
 * {@code /fhir} authorization, consent and audit path; DICOM comes through the WADO guard):
 * <ul>
 *   <li>{@code fhir/everything.json}: a {@code collection} Bundle of everything {@code Patient/$everything} returns;</li>
 *   <li>{@code fhir/<Type>.ndjson}: the same resources, one file per type, one resource per line;</li>
 *   <li>{@code dicom/<study>/<series>/<instance>.dcm}: the original instances, byte for byte;</li>
 *   <li>{@code summary.pdf}: a readable summary in the request's language, with lab trend charts and a preview per
 *   study (written last, after the DICOM it previews).</li>
 * </ul>
 * Heap stays flat: pages of 200 resources are spooled to part files, then copied into the zip; DICOM is streamed.
 * Only what the summary lists is kept in memory (the Patient, Organizations, Observations and ImagingStudies), plus
 * one instance per study while its preview is rendered (at most {@code max-preview-size}); the PNGs wait on disk.
 */
final class ExportWriter {

    private static final int PAGE = 200;
    private static final DicomPreview PREVIEW = new DicomPreview();
    private static final String ORIGINAL_DICOM = "urn:dicom:uid";

    private final CallerRecords records;
    private final CallerImages images;
    private final RecordViews views;
    private final Texts texts;
    private final ExportProperties props;
    private final IParser json = FhirContext.forR4Cached().newJsonParser();

    ExportWriter(CallerRecords records, CallerImages images, RecordViews views, Texts texts, ExportProperties props) {
        this.records = records;
        this.images = images;
        this.views = views;
        this.texts = texts;
        this.props = props;
    }

    /** Progress callbacks of one job. */
    interface Progress {
        void total(long items);

        void done(long items);
    }

    /** Writes the zip to {@code zip} (parts beside it in {@code work}, deleted by the caller). */
    void write(String patientId, Path work, Path zip, Progress progress) throws IOException {
        Files.createDirectories(work);
        Path bundleFile = work.resolve("everything.json");
        Map<String, Path> ndjson = new TreeMap<>();
        Map<String, Writer> writers = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        Summary summary = new Summary();
        long done = 0;
        try (Writer bundle = new BufferedWriter(Files.newBufferedWriter(bundleFile, StandardCharsets.UTF_8))) {
            bundle.write("{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"timestamp\":\"" + Instant.now()
                    + "\",\"entry\":[");
            Bundle page = records.everything(patientId, PAGE);
            progress.total(page.hasTotal() ? page.getTotal() + 1 : 1);
            while (true) {
                for (Bundle.BundleEntryComponent e : page.getEntry()) {
                    Resource r = e.getResource();
                    if (r == null || !seen.add(r.fhirType() + "/" + r.getIdElement().getIdPart())) {
                        continue;
                    }
                    String encoded = json.encodeResourceToString(r);
                    bundle.write((seen.size() > 1 ? "," : "") + "{\"fullUrl\":\"" + jsonString(e.hasFullUrl()
                            ? e.getFullUrl() : r.fhirType() + "/" + r.getIdElement().getIdPart())
                            + "\",\"resource\":" + encoded + "}");
                    Writer w = writers.get(r.fhirType());
                    if (w == null) {
                        Path p = work.resolve(r.fhirType() + ".ndjson");
                        ndjson.put(r.fhirType(), p);
                        w = Files.newBufferedWriter(p, StandardCharsets.UTF_8);
                        writers.put(r.fhirType(), w);
                    }
                    w.write(encoded);
                    w.write('\n');
                    summary.keep(r, patientId);
                    progress.done(++done);
                }
                Optional<Bundle> next = records.nextPage(page);
                if (next.isEmpty()) {
                    break;
                }
                page = next.get();
            }
            bundle.write("]}");
        } finally {
            for (Writer w : writers.values()) {
                w.close();
            }
        }
        long instances = summary.studies.stream().mapToLong(ExportWriter::instanceCount).sum();
        long total = done + instances + 1;
        progress.total(total);

        try (ZipOutputStream out = new ZipOutputStream(new BufferedOutputStream(Files.newOutputStream(zip), 1 << 16),
                StandardCharsets.UTF_8)) {
            copy(out, "fhir/everything.json", bundleFile);
            for (Map.Entry<String, Path> e : ndjson.entrySet()) {
                copy(out, "fhir/" + e.getKey() + ".ndjson", e.getValue());
            }
            long[] counter = {done};
            Map<String, Path> previews = new HashMap<>();
            for (ImagingStudy s : summary.studies) {
                String uid = studyUid(s);
                if (uid == null) {
                    continue;
                }
                String[] target = previewTarget(s);
                boolean[] taken = {false};
                images.eachInstance(uid, (series, sop, in) -> {
                    // Images are stored as deflate's "stored" blocks: compressing them cost most of an export's
                    // time (profiled) and DICOM pixel data gains little from deflate. The files stay byte-identical.
                    out.setLevel(Deflater.NO_COMPRESSION);
                    out.putNextEntry(new ZipEntry("dicom/" + safe(uid) + "/" + safe(series) + "/" + safe(sop)
                            + ".dcm"));
                    if (!taken[0] && (target == null || target[0].equals(series) && target[1].equals(sop))) {
                        // The instance the DICOMweb preview of this series shows: read whole (bounded), written to
                        // the zip as read, and rendered by the same renderer.
                        taken[0] = true;
                        int limit = (int) props.maxPreviewSize().toBytes();
                        byte[] head = in.readNBytes(limit + 1);
                        out.write(head);
                        if (head.length > limit) {
                            copyImage(in, out);
                        } else {
                            preview(head, work.resolve("preview-" + previews.size() + ".png"))
                                    .ifPresent(png -> previews.put(uid, png));
                        }
                    } else {
                        copyImage(in, out);
                    }
                    out.closeEntry();
                    progress.done(++counter[0]);
                });
            }
            // Last, so that it can show the studies' previews; zip readers do not care about the order.
            out.setLevel(Deflater.DEFAULT_COMPRESSION);
            out.putNextEntry(new ZipEntry("summary.pdf"));
            writePdf(summary, previews, new FilterOutputStream(out) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                }

                @Override
                public void close() {
                    // the zip is closed by its own try
                }
            });
            out.closeEntry();
            progress.done(++counter[0]);
            progress.total(counter[0]);
        }
    }

    /**
     * The series and SOP Instance UID whose preview stands for the study: the middle instance (the DICOMweb
     * {@code rendered} choice, {@link DicomPreview#middleIndex}) of the first series that lists instances; null when the
     * study lists none (then the first instance streamed is used).
     */
    private static String[] previewTarget(ImagingStudy s) {
        for (ImagingStudy.ImagingStudySeriesComponent se : s.getSeries()) {
            if (!se.hasUid() || se.getInstance().isEmpty()) {
                continue;
            }
            List<DicomDataset> stubs = new ArrayList<>();
            for (ImagingStudy.ImagingStudySeriesInstanceComponent i : se.getInstance()) {
                DicomDataset d = new DicomDataset();
                d.putString(DicomTags.SOPInstanceUID, DicomVr.UI, i.getUid() == null ? "" : i.getUid());
                if (i.hasNumber()) {
                    d.putString(DicomTags.InstanceNumber, DicomVr.IS, Integer.toString(i.getNumber()));
                }
                stubs.add(d);
            }
            ImagingStudy.ImagingStudySeriesInstanceComponent middle = se.getInstance()
                    .get(DicomPreview.middleIndex(stubs));
            if (middle.hasUid()) {
                return new String[] {se.getUid(), middle.getUid()};
            }
        }
        return null;
    }

    /** Renders one instance as DICOMweb's {@code rendered} does; empty (never an exception) when it cannot. */
    private static Optional<Path> preview(byte[] dicom, Path png) {
        try {
            DicomPreviewResult r = PREVIEW.render(new DicomReader().read(new java.io.ByteArrayInputStream(dicom)));
            if (!r.available()) {
                return Optional.empty();
            }
            Files.write(png, r.png());
            return Optional.of(png);
        } catch (IOException | RuntimeException e) {
            // A record that cannot be previewed is still exported; the PDF says "no preview".
            return Optional.empty();
        }
    }

    /**
     * Copies an image in large blocks: the object store hands out decrypted chunks of 256 KiB, and
     * {@link InputStream#transferTo}'s 8 KiB buffer would cut each into 32 reads, deflater calls and CRC updates.
     */
    private static void copyImage(InputStream in, OutputStream out) throws IOException {
        byte[] buf = new byte[IMAGE_BUFFER];
        int n;
        while ((n = in.read(buf)) >= 0) {
            out.write(buf, 0, n);
        }
    }

    private static final int IMAGE_BUFFER = 256 * 1024;

    private static void copy(ZipOutputStream out, String name, Path file) throws IOException {
        out.putNextEntry(new ZipEntry(name));
        try (InputStream in = Files.newInputStream(file)) {
            in.transferTo(out);
        }
        out.closeEntry();
    }

    /** UIDs are digits and dots; anything else must not shape a path inside the zip. */
    private static String safe(String uid) {
        return uid == null ? "unknown" : uid.replaceAll("[^0-9A-Za-z.\\-]", "_");
    }

    private static String jsonString(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    static String studyUid(ImagingStudy s) {
        for (Identifier i : s.getIdentifier()) {
            if (ORIGINAL_DICOM.equals(i.getSystem()) && i.hasValue()) {
                return i.getValue().replaceFirst("^urn:oid:", "");
            }
        }
        return null;
    }

    private static long instanceCount(ImagingStudy s) {
        return s.hasNumberOfInstances() ? s.getNumberOfInstances() : s.getSeries().stream()
                .mapToLong(se -> se.hasNumberOfInstances() ? se.getNumberOfInstances() : se.getInstance().size()).sum();
    }

    /** What the PDF lists. */
    private static final class Summary {
        Patient patient;
        final Map<String, Organization> organizations = new LinkedHashMap<>();
        final List<Observation> observations = new ArrayList<>();
        final List<ImagingStudy> studies = new ArrayList<>();

        void keep(Resource r, String patientId) {
            if (r instanceof Patient p && patientId.equals(p.getIdElement().getIdPart())) {
                patient = p;
            } else if (r instanceof Organization o) {
                organizations.put(o.getIdElement().getIdPart(), o);
            } else if (r instanceof Observation o) {
                observations.add(o);
            } else if (r instanceof ImagingStudy s) {
                studies.add(s);
            }
        }
    }

    private void writePdf(Summary s, Map<String, Path> previews, OutputStream out) throws IOException {
        try (SummaryPdf pdf = new SummaryPdf(props.font())) {
            pdf.title(texts.text("export.pdf.title"));
            pdf.text(texts.text("export.pdf.generated", Instant.now().toString()));
            pdf.heading(texts.text("export.pdf.patient"));
            if (s.patient != null) {
                Patient p = s.patient;
                pdf.text(p.hasName() ? p.getNameFirstRep().getNameAsSingleString() : "-");
                if (p.hasGender()) {
                    pdf.text(texts.text("export.pdf.gender") + ": " + p.getGender().toCode());
                }
                if (p.hasBirthDate()) {
                    pdf.text(texts.text("export.pdf.birthDate") + ": " + p.getBirthDateElement().getValueAsString());
                }
                for (Identifier i : p.getIdentifier()) {
                    pdf.text(texts.text("export.pdf.identifiers") + ": " + i.getValue()
                            + (i.hasAssigner() && i.getAssigner().hasDisplay() ? " (" + i.getAssigner().getDisplay()
                            + ")" : ""));
                }
            }
            pdf.heading(texts.text("export.pdf.hospitals"));
            Set<String> hospitals = new java.util.TreeSet<>();
            for (Observation o : s.observations) {
                hospitals.add(hospital(o));
            }
            for (ImagingStudy st : s.studies) {
                hospitals.add(hospital(st));
            }
            hospitals.remove("");
            if (hospitals.isEmpty()) {
                pdf.text(texts.text("export.pdf.none"));
            }
            for (String h : hospitals) {
                pdf.text(h);
            }

            List<Observation> newest = new ArrayList<>(s.observations);
            newest.sort(Comparator.comparing(ExportWriter::when, Comparator.nullsLast(Comparator.reverseOrder())));
            String latestDate = newest.isEmpty() ? null : day(newest.get(0));
            pdf.heading(texts.text("export.pdf.latestCheckup", latestDate == null ? "-" : latestDate));
            if (latestDate == null) {
                pdf.text(texts.text("export.pdf.none"));
            }
            for (Observation o : newest) {
                if (latestDate != null && latestDate.equals(day(o))) {
                    pdf.text(row(o, false));
                }
            }
            pdf.heading(texts.text("export.pdf.labs"));
            int listed = 0;
            for (Observation o : newest) {
                if (!"lab".equals(RecordViews.kindOf(o))) {
                    continue;
                }
                if (listed == props.maxLabRows()) {
                    pdf.text(texts.text("export.pdf.truncated", props.maxLabRows()));
                    break;
                }
                pdf.text(row(o, true));
                listed++;
            }
            if (listed == 0) {
                pdf.text(texts.text("export.pdf.none"));
            }
            trends(pdf, newest);
            pdf.heading(texts.text("export.pdf.imaging"));
            if (s.studies.isEmpty()) {
                pdf.text(texts.text("export.pdf.none"));
            }
            for (ImagingStudy st : s.studies) {
                Set<String> modalities = new java.util.LinkedHashSet<>();
                st.getModality().forEach(m -> modalities.add(texts.find("modality." + m.getCode()).orElse(m.getCode())));
                st.getSeries().forEach(se -> {
                    if (se.hasModality()) {
                        modalities.add(texts.find("modality." + se.getModality().getCode())
                                .orElse(se.getModality().getCode()));
                    }
                });
                modalities.remove(null);
                String uid = studyUid(st);
                List<String> caption = List.of(
                        (st.hasStarted() ? st.getStartedElement().getValueAsString().substring(0, 10) + "  " : "")
                                + String.join("/", modalities) + (st.hasDescription() ? " " + st.getDescription() : ""),
                        texts.text("export.pdf.series", st.getSeries().size(), instanceCount(st)),
                        hospital(st),
                        "UID " + uid);
                Path png = uid == null ? null : previews.get(uid);
                boolean shown = false;
                if (png != null) {
                    try {
                        pdf.image(Files.readAllBytes(png), 110, caption);
                        shown = true;
                    } catch (IOException unreadable) {
                        // fall through to the text line
                    }
                }
                if (!shown) {
                    pdf.text(String.join("  ", caption) + "  (" + texts.text("export.pdf.noPreview") + ")");
                }
            }
            pdf.save(out);
        }
    }

    /**
     * One chart per lab analyte (LOINC) with a numeric result: the values in the analyte's canonical UCUM unit (as the
     * trend route shows them), by date, and the newest reference range converted into that unit as a band. The
     * analytes with the most results come first, at most {@code max-charts}.
     */
    private void trends(SummaryPdf pdf, List<Observation> newestFirst) throws IOException {
        Map<String, List<Observation>> byLoinc = new LinkedHashMap<>();
        for (Observation o : newestFirst) {
            String loinc = RecordViews.loinc(o.getCode());
            if (loinc != null && "lab".equals(RecordViews.kindOf(o)) && when(o) != null) {
                byLoinc.computeIfAbsent(loinc, k -> new ArrayList<>()).add(o);
            }
        }
        List<TrendChart> charts = new ArrayList<>();
        for (Map.Entry<String, List<Observation>> e : byLoinc.entrySet()) {
            TrendChart.of(e.getKey(), e.getValue(), views).ifPresent(charts::add);
        }
        pdf.heading(texts.text("export.pdf.trends"));
        if (charts.isEmpty() || props.maxCharts() == 0) {
            pdf.text(texts.text("export.pdf.none"));
            return;
        }
        charts.sort(Comparator.comparingInt((TrendChart c) -> -c.points().size()).thenComparing(TrendChart::loinc));
        for (TrendChart c : charts.subList(0, Math.min(charts.size(), props.maxCharts()))) {
            Observation sample = byLoinc.get(c.loinc()).get(0);
            pdf.chart(texts.text("export.pdf.trendChart", views.title(sample.getCode(), c.loinc()), c.unit()),
                    c.points(), c.low(), c.high());
        }
        if (charts.size() > props.maxCharts()) {
            pdf.text(texts.text("export.pdf.trendsTruncated", props.maxCharts()));
        }
    }

    private String row(Observation o, boolean withDate) {
        String loinc = RecordViews.loinc(o.getCode());
        TimelineItem.Result r = views.result(o, loinc);
        StringBuilder b = new StringBuilder();
        if (withDate) {
            b.append(Optional.ofNullable(day(o)).orElse("-")).append("  ");
        }
        b.append(views.title(o.getCode(), loinc)).append(": ");
        if (r.value() != null) {
            b.append(r.value().toPlainString()).append(r.unit() == null ? "" : " " + r.unit());
        } else if (r.text() != null) {
            b.append(r.text());
        }
        if (r.range() != null && (r.range().low() != null || r.range().high() != null)) {
            b.append("  (").append(texts.text("export.pdf.range")).append(' ')
                    .append(r.range().low() == null ? "" : r.range().low().toPlainString()).append('–')
                    .append(r.range().high() == null ? "" : r.range().high().toPlainString())
                    .append(r.range().unit() == null ? "" : " " + r.range().unit()).append(')');
        }
        if (r.flagText() != null) {
            b.append("  ").append(r.flagText());
        }
        String h = hospital(o);
        return h.isEmpty() ? b.toString() : b.append("  ").append(h).toString();
    }

    private String hospital(Resource r) {
        for (Coding tag : r.getMeta().getTag()) {
            if (Hospitals.SUBMITTER.equals(tag.getSystem()) && tag.hasCode()) {
                return texts.find("org." + tag.getCode()).orElse(tag.getCode());
            }
        }
        return "";
    }

    private static java.util.Date when(Observation o) {
        BaseDateTimeType t = o.hasEffectiveDateTimeType() ? o.getEffectiveDateTimeType()
                : o.hasEffectivePeriod() && o.getEffectivePeriod().hasStartElement()
                ? o.getEffectivePeriod().getStartElement() : o.hasIssuedElement() ? o.getIssuedElement() : null;
        return t == null ? null : t.getValue();
    }

    private static String day(Observation o) {
        BaseDateTimeType t = o.hasEffectiveDateTimeType() ? o.getEffectiveDateTimeType()
                : o.hasEffectivePeriod() && o.getEffectivePeriod().hasStartElement()
                ? o.getEffectivePeriod().getStartElement() : o.hasIssuedElement() ? o.getIssuedElement() : null;
        String s = t == null ? null : t.getValueAsString();
        return s == null ? null : s.substring(0, Math.min(10, s.length()));
    }
}
