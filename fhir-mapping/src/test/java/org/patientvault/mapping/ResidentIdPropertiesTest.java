package org.patientvault.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class ResidentIdPropertiesTest {

    @Provide
    Arbitrary<String> validIds() {
        Arbitrary<Integer> province = Arbitraries.of(11, 12, 13, 31, 32, 44, 50, 65);
        Arbitrary<Integer> area = Arbitraries.integers().between(1, 9999);
        Arbitrary<LocalDate> birth = Arbitraries.integers().between(0, 40000).map(d -> LocalDate.of(1910, 1, 1).plusDays(d));
        Arbitrary<Integer> seq = Arbitraries.integers().between(0, 999);
        return Combinators.combine(province, area, birth, seq).as((p, a, b, s) -> {
            String body = String.format("%02d%04d%04d%02d%02d%03d", p, a, b.getYear(), b.getMonthValue(),
                    b.getDayOfMonth(), s);
            return body + ResidentId.checkCharacter(body);
        });
    }

    @Property(tries = 300)
    void generatedIdsAreValid(@ForAll("validIds") String id) {
        assertThat(ResidentId.isValid(id)).isTrue();
        assertThat(ResidentId.parse(id).masked()).hasSize(18).startsWith(id.substring(0, 4)).endsWith(id.substring(14));
    }

    @Property(tries = 500)
    void changingAnySingleDigitInvalidates(@ForAll("validIds") String id, @ForAll @IntRange(min = 0, max = 17) int pos,
                                           @ForAll @IntRange(min = 1, max = 9) int delta) {
        char c = id.charAt(pos);
        if (c == 'X') {
            return; // the check character X has no digit neighbours; covered by replacing it below
        }
        char changed = (char) ('0' + (c - '0' + delta) % 10);
        String mutated = id.substring(0, pos) + changed + id.substring(pos + 1);
        assertThat(ResidentId.isValid(mutated)).as("mutated %s", ResidentId.mask(mutated)).isFalse();
    }

    @Property(tries = 200)
    void replacingTheCheckCharacterInvalidates(@ForAll("validIds") String id, @ForAll @IntRange(min = 0, max = 10) int k) {
        char replacement = "0123456789X".charAt(k);
        if (replacement == id.charAt(17)) {
            return;
        }
        assertThat(ResidentId.isValid(id.substring(0, 17) + replacement)).isFalse();
    }
}
