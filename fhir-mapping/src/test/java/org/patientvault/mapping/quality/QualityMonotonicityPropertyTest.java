package org.patientvault.mapping.quality;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.List;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.patientvault.mapping.quality.QualityCorpus.Defect;

/** Property: on any clean checkup, adding defects one after another never raises the score; a new one lowers it. */
class QualityMonotonicityPropertyTest {
    private static final QualityScorer SCORER = QualityScorer.withDefaults();

    private static QualityReport score(QualityCorpus c) {
        QualityReport r = SCORER.score(c.bundle(), c.context());
        assertThat(r.checkFailures()).isEmpty();
        return r;
    }

    @Property(tries = 60)
    void addingADefectNeverRaisesTheScore(@ForAll("inPlaceDefects") List<Defect> defects, @ForAll long seed) {
        QualityCorpus c = QualityCorpus.clean(seed);
        c.patientKey = "vault-patient-" + (seed & 0xff);
        double previous = score(c).score();
        EnumSet<Defect> applied = EnumSet.noneOf(Defect.class);
        for (Defect d : defects) {
            c.apply(d, SCORER);
            QualityReport r = score(c);
            assertThat(r.score()).as("after %s (applied %s)", d, applied).isLessThanOrEqualTo(previous);
            if (applied.add(d)) {
                assertThat(r.score()).as("a new defect %s lowers the score", d).isLessThan(previous);
                assertThat(r.issues().stream().map(QualityIssue::checkId).collect(Collectors.toSet())).contains(d.expectedCheck);
            }
            previous = r.score();
        }
    }

    @Provide
    Arbitrary<List<Defect>> inPlaceDefects() {
        return Arbitraries.of(EnumSet.allOf(Defect.class).stream().filter(Defect::inPlace).toList())
                .list().ofMaxSize(10);
    }
}
