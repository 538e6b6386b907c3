package org.patientvault.mapping.deid;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/** Properties of the engine over generated inputs. */
class DeidPropertiesTest {
    private static final FhirContext CTX = FhirContext.forR4Cached();
    private static final java.time.format.DateTimeFormatter FHIR =
            java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxxx");
    private static final LocalDate REFERENCE = LocalDate.of(2026, 12, 1);

    private static DeidRelease release(byte[] key) {
        return DeidRelease.fromKey(key, 180, REFERENCE);
    }

    @Provide
    Arbitrary<byte[]> keys() {
        return Arbitraries.bytes().array(byte[].class).ofSize(32);
    }

    @Property(tries = 200)
    void pseudonymsAreStableWithinAReleaseAndDifferAcrossReleases(@ForAll("keys") byte[] k1, @ForAll("keys") byte[] k2,
            @ForAll @StringLength(min = 1, max = 40) String value) {
        DeidRelease a = release(k1);
        DeidRelease aAgain = release(k1.clone());
        DeidRelease b = release(k2);
        String p = a.pseudonym("id", value);
        assertThat(aAgain.pseudonym("id", value)).isEqualTo(p).isEqualTo(a.pseudonym("id", value));
        assertThat(p).matches("[0-9a-f]{32}");
        assertThat(a.isOwnPseudonym(p)).isTrue();
        assertThat(a.dicomUid(value)).isEqualTo(aAgain.dicomUid(value)).matches("2\\.25\\.[1-9][0-9]*|2\\.25\\.0")
                .hasSizeLessThanOrEqualTo(44);
        if (!java.util.Arrays.equals(k1, k2)) {
            assertThat(b.pseudonym("id", value)).isNotEqualTo(p);
            assertThat(b.isOwnPseudonym(p)).isFalse();
            assertThat(b.dicomUid(value)).isNotEqualTo(a.dicomUid(value));
            assertThat(b.isOwnUid(a.dicomUid(value))).isFalse();
        }
        assertThat(a.isOwnUid(a.dicomUid(value))).isTrue();
    }

    @Property(tries = 200)
    void theSamePatientGetsTheSameReferenceEverywhereInARelease(@ForAll("keys") byte[] key,
            @ForAll @IntRange(min = 0, max = 5000) int p) {
        DeidRelease rel = release(key);
        FhirDeidentifier d = new FhirDeidentifier(CTX, DeidProfile.research(), rel);
        DeidCorpus c = DeidCorpus.of(p);
        String patientId = d.deidentify(c.resources.get(0)).orElseThrow().getIdElement().getIdPart();
        for (Resource r : c.resources.subList(1, 7)) {
            Resource out = d.deidentify(r).orElseThrow();
            Reference subject = (Reference) out.getNamedProperty("subject").getValues().get(0);
            assertThat(subject.getReference()).isEqualTo("Patient/" + patientId);
        }
    }

    @Provide
    Arbitrary<OffsetDateTime> instants() {
        return Combinators.combine(Arbitraries.longs().between(-1_500_000_000L, 2_000_000_000L),
                Arbitraries.integers().between(-12, 14)).as((s, h) -> OffsetDateTime.ofInstant(
                java.time.Instant.ofEpochSecond(s), ZoneOffset.ofHours(h)));
    }

    @Property(tries = 300)
    void dateIntervalsArePreservedAndShiftsStayWithinBounds(@ForAll("keys") byte[] key,
            @ForAll @StringLength(min = 1, max = 20) String patient, @ForAll("instants") OffsetDateTime a,
            @ForAll("instants") OffsetDateTime b) {
        DeidRelease rel = release(key);
        FhirDeidentifier d = new FhirDeidentifier(CTX, DeidProfile.research(), rel);
        Observation o = new Observation();
        o.setStatus(Observation.ObservationStatus.FINAL);
        o.getCode().addCoding().setSystem("http://loinc.org").setCode("2345-7");
        o.setEffective(new Period().setStartElement(new DateTimeType(a.format(FHIR)))
                .setEndElement(new DateTimeType(b.format(FHIR))));
        Observation out = (Observation) d.deidentify(o, patient).orElseThrow();
        OffsetDateTime sa = OffsetDateTime.parse(out.getEffectivePeriod().getStartElement().getValueAsString());
        OffsetDateTime sb = OffsetDateTime.parse(out.getEffectivePeriod().getEndElement().getValueAsString());
        assertThat(Duration.between(sa, sb)).isEqualTo(Duration.between(a, b));
        long shift = Duration.between(a, sa).toDays();
        assertThat(shift).isEqualTo(rel.shiftDays(patient)).isNotZero().isBetween(-180L, 180L);
        assertThat(sa.getOffset()).isEqualTo(a.getOffset());
    }

    @Property(tries = 150)
    void deidentifyingTwiceChangesNothingMore(@ForAll("keys") byte[] key, @ForAll @IntRange(min = 0, max = 5000) int p,
            @ForAll @IntRange(min = 0, max = 6) int which) {
        FhirDeidentifier d = new FhirDeidentifier(CTX, DeidProfile.research(), release(key));
        Resource in = DeidCorpus.of(p).resources.get(which);
        Resource once = d.deidentify(in).orElseThrow();
        Resource twice = d.deidentify(once).orElseThrow();
        String j1 = CTX.newJsonParser().encodeResourceToString(once);
        assertThat(CTX.newJsonParser().encodeResourceToString(twice)).isEqualTo(j1);
    }

    @Provide
    Arbitrary<List<QuasiIdentifiers>> cohorts() {
        Arbitrary<QuasiIdentifiers> one = Combinators.combine(
                Arbitraries.integers().between(1925, 2020).injectNull(0.02),
                Arbitraries.of("male", "female", "other").injectNull(0.02),
                Arbitraries.of("北京市", "上海市", "广东省", "四川省", "浙江省", "河北", "Jilin", "650000", "新疆", "台湾")
                        .injectNull(0.02)).as(QuasiIdentifiers::new);
        return one.list().ofMinSize(0).ofMaxSize(400);
    }

    @Property(tries = 300)
    void kAnonymityReleasesNoClassBelowK(@ForAll("cohorts") List<QuasiIdentifiers> cohort,
            @ForAll @IntRange(min = 1, max = 12) int k) {
        KAnonymityResult r = KAnonymity.guard(cohort, new KAnonymityConfig(k, true, true, true, 2026));
        Map<KAnonymity.Released, Integer> sizes = new HashMap<>();
        r.released().forEach(c -> {
            if (c != null) {
                sizes.merge(c, 1, Integer::sum);
            }
        });
        assertThat(sizes.values()).allSatisfy(s -> assertThat(s).isGreaterThanOrEqualTo(k));
        assertThat(r.suppressed()).isEqualTo((int) r.released().stream().filter(c -> c == null).count());
        assertThat(r.released()).hasSameSizeAs(cohort);
        if (r.suppressed() > 0) {
            assertThat(r.level()).isEqualTo(KAnonymity.Level.YEAR_10_REGION);
        }
        if (!sizes.isEmpty()) {
            assertThat(r.smallestClass()).isEqualTo(sizes.values().stream().mapToInt(Integer::intValue).min().orElseThrow());
        }
    }
}
