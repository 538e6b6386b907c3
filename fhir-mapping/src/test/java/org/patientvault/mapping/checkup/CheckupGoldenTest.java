package org.patientvault.mapping.checkup;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import ca.uhn.fhir.context.FhirContext;
import org.patientvault.mapping.terminology.ObservationNormalizer;
import org.patientvault.mapping.terminology.TerminologyMaps;
import org.patientvault.mapping.terminology.TerminologyUnmappedCode;
import org.patientvault.mapping.terminology.UcumUnits;

/**
 * Golden files: the UTF-8 and GB18030 versions of the same CSV must give the same Bundle, equal to
 * {@code csv/checkup-expected.json}. To regenerate after an intended change, run with
 * {@code -Dpv.golden.update=true} and review the diff.
 */
class CheckupGoldenTest {

    static final FhirContext CTX = FhirContext.forR4Cached();
    static final CheckupSource CLINIC = new CheckupSource("yanqing-clinic", "https://yanqing-clinic.example.cn/mrn",
            "https://yanqing-clinic.example.cn/lab-codes");
    static final ObservationNormalizer NORMALIZER =
            new ObservationNormalizer(TerminologyMaps.starter(CTX), UcumUnits.standard());

    static Supplier<UUID> sequentialIds() {
        AtomicLong n = new AtomicLong();
        return () -> new UUID(0L, n.incrementAndGet());
    }

    static byte[] resource(String name) throws IOException {
        try (InputStream in = CheckupGoldenTest.class.getResourceAsStream("/csv/" + name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }

    static CheckupBundle build(String file, String charset) throws IOException {
        List<CheckupRow> rows = new CheckupCsvParser(1 << 20).parse(resource(file), charset);
        return new CheckupBundleBuilder(NORMALIZER, sequentialIds()).build(rows, CLINIC);
    }

    @ParameterizedTest
    @CsvSource({"checkup-utf8.csv, utf-8", "checkup-gb18030.csv, gb18030"})
    void bundleMatchesGoldenFile(String file, String charset) throws IOException {
        String json = CTX.newJsonParser().setPrettyPrint(true).encodeResourceToString(build(file, charset).bundle()) + "\n";
        if (Boolean.getBoolean("pv.golden.update")) {
            Files.writeString(Path.of("src/test/resources/csv/checkup-expected.json"), json, StandardCharsets.UTF_8);
        }
        assertThat(json).isEqualTo(new String(resource("checkup-expected.json"), StandardCharsets.UTF_8));
    }

    @Test
    void bundleStructure() throws IOException {
        CheckupBundle cb = build("checkup-utf8.csv", "utf-8");
        Bundle b = cb.bundle();
        assertThat(b.getType()).isEqualTo(Bundle.BundleType.TRANSACTION);
        assertThat(b.getEntry()).allSatisfy(e -> {
            assertThat(e.getFullUrl()).startsWith("urn:uuid:");
            assertThat(e.getRequest().getMethod()).isEqualTo(Bundle.HTTPVerb.POST);
        });
        List<Patient> patients = resources(b, Patient.class);
        assertThat(patients).hasSize(3);
        // rows with only the MRN joined the patient whose other rows carry MRN + resident ID
        Bundle.BundleEntryComponent first = b.getEntry().get(0);
        assertThat(first.getRequest().getIfNoneExist())
                .isEqualTo("identifier=https://patientvault.org/fhir/sid/cn-resident-id|110101198503120025");
        assertThat(b.getEntry().stream().filter(e -> e.getResource() instanceof Patient)
                .map(e -> e.getRequest().getIfNoneExist()).toList())
                .containsExactly("identifier=https://patientvault.org/fhir/sid/cn-resident-id|110101198503120025",
                        "identifier=https://yanqing-clinic.example.cn/mrn|YQ-0077", null);

        List<DiagnosticReport> reports = resources(b, DiagnosticReport.class);
        assertThat(reports).hasSize(4); // 王芳 on two dates, 李建国, 赵小红
        assertThat(reports.get(0).getResult()).hasSize(7);
        assertThat(reports.get(0).getSubject().getReference()).isEqualTo(first.getFullUrl());
        List<Observation> obs = resources(b, Observation.class);
        assertThat(obs).hasSize(11);
        // every result reference resolves to an Observation entry in the bundle
        for (DiagnosticReport r : reports) {
            for (Reference ref : r.getResult()) {
                assertThat(b.getEntry()).anyMatch(e -> e.getFullUrl().equals(ref.getReference())
                        && e.getResource() instanceof Observation);
            }
        }
        Observation glucose = obs.get(0);
        assertThat(glucose.getCode().getCoding()).extracting(Coding::getCode).containsExactly("GLU", "2345-7");
        assertThat(glucose.getValueQuantity().getValue()).isEqualByComparingTo("101");
        assertThat(glucose.getCategoryFirstRep().getCodingFirstRep().getCode()).isEqualTo("laboratory");
        assertThat(glucose.getReferenceRangeFirstRep().getHigh().getValue()).isEqualByComparingTo("110");
        Observation protein = obs.get(4);
        assertThat(protein.getValueStringType().getValue()).isEqualTo("阴性");
        Observation sbp = obs.get(5);
        assertThat(sbp.getCategoryFirstRep().getCodingFirstRep().getCode()).isEqualTo("vital-signs");
        assertThat(sbp.getValueQuantity().getCode()).isEqualTo("mm[Hg]");
        Observation weight = obs.get(9);
        assertThat(weight.getValueQuantity().getValue()).isEqualByComparingTo("55.0");
        assertThat(((Quantity) weight.getValueQuantity().getExtensionByUrl(ObservationNormalizer.ORIGINAL_QUANTITY)
                .getValue()).getUnit()).isEqualTo("斤");

        assertThat(cb.terminology().observations()).isEqualTo(11);
        assertThat(cb.terminology().mapped()).isEqualTo(10);
        assertThat(cb.terminology().unmapped()).containsExactly(new TerminologyUnmappedCode(
                CLINIC.localCodeSystem(), "X-42", "自定义检查, 待映射"));
        assertThat(obs.get(7).getEffectiveDateTimeType().getValueAsString()).isEqualTo("2026-11-27T08:30:00+08:00");
    }

    private static <T> List<T> resources(Bundle b, Class<T> type) {
        return b.getEntry().stream().map(Bundle.BundleEntryComponent::getResource).filter(type::isInstance)
                .map(type::cast).toList();
    }
}
