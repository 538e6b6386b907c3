package org.patientvault.mapping.quality.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.patientvault.mapping.quality.internal.ResidentIdChecksum.Problem;

class ResidentIdChecksumTest {
    @Test
    void knownGoodNumbersPass() {
        // the GB 11643-1999 annex example and a widely published textbook example
        assertThat(ResidentIdChecksum.validate("11010519491231002X")).isEqualTo(Problem.NONE);
        assertThat(ResidentIdChecksum.validate("11010519491231002x")).isEqualTo(Problem.NONE);
        assertThat(ResidentIdChecksum.validate("440524188001010014")).isEqualTo(Problem.NONE);
    }

    @Test
    void eachKindOfDefectIsNamed() {
        assertThat(ResidentIdChecksum.validate("110105194912310021")).isEqualTo(Problem.CHECK_DIGIT);
        assertThat(ResidentIdChecksum.validate("11010519491231002")).isEqualTo(Problem.LENGTH);
        assertThat(ResidentIdChecksum.validate(null)).isEqualTo(Problem.LENGTH);
        assertThat(ResidentIdChecksum.validate("1101051949123100AX")).isEqualTo(Problem.CHARACTERS);
        assertThat(ResidentIdChecksum.validate("110105194913310021")).isEqualTo(Problem.BIRTH_DATE);
    }

    @Test
    void everySingleDigitChangeIsCaught() {
        String good = "440524188001010014";
        for (int i = 0; i < 17; i++) {
            for (char d = '0'; d <= '9'; d++) {
                if (d == good.charAt(i)) {
                    continue;
                }
                String bad = good.substring(0, i) + d + good.substring(i + 1);
                assertThat(ResidentIdChecksum.validate(bad)).as(bad).isNotEqualTo(Problem.NONE);
            }
        }
    }
}
