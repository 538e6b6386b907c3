package org.patientvault.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ResidentIdTest {

    static final String BEIJING = "110101198503120025";
    static final String SHANGHAI = "310104197809210017";

    @Test
    void demoIdsAreValidAndDecoded() {
        ResidentId bj = ResidentId.parse(BEIJING);
        assertThat(bj.value()).isEqualTo(BEIJING);
        assertThat(bj.birthDate()).isEqualTo(LocalDate.of(1985, 3, 12));
        assertThat(bj.regionCode()).isEqualTo("110101");
        assertThat(bj.encodesMale()).isFalse();
        ResidentId sh = ResidentId.parse(SHANGHAI);
        assertThat(sh.birthDate()).isEqualTo(LocalDate.of(1978, 9, 21));
        assertThat(sh.encodesMale()).isTrue();
        assertThat(ResidentId.isValid(BEIJING)).isTrue();
        assertThat(ResidentId.isValid(SHANGHAI)).isTrue();
    }

    @Test
    void maskedFormHidesTheMiddle() {
        assertThat(ResidentId.parse(BEIJING).masked()).isEqualTo("1101**********0025");
        assertThat(ResidentId.parse(BEIJING).toString()).isEqualTo("1101**********0025");
    }

    @Test
    void lowerCaseXIsNormalised() {
        // 11010119900307001? -> compute a valid X id from 17 digits
        String base = "11010519491231002";
        char check = ResidentId.checkCharacter(base);
        String id = base + Character.toLowerCase(check);
        assertThat(ResidentId.parse(id).value()).isEqualTo(base + check);
    }

    @Test
    void identifierUsesTheResidentIdSystem() {
        assertThat(ResidentId.parse(BEIJING).toIdentifier().getSystem())
                .isEqualTo("https://patientvault.org/fhir/sid/cn-resident-id");
    }

    @ParameterizedTest
    @CsvSource({
            "'', MISSING",
            "11010119850312002, LENGTH",
            "1101011985031200255, LENGTH",
            "11010119850312A025, CHARACTERS",
            "11010119850312002Y, CHARACTERS",
            "010101198503120025, REGION",
            "110101198502300025, BIRTH_DATE",
            "110101180003120025, BIRTH_DATE",
            "110101198503120026, CHECK_DIGIT"})
    void eachCheckIsReportedPrecisely(String input, ResidentIdException.Failure expected) {
        assertThatThrownBy(() -> ResidentId.parse(input))
                .isInstanceOfSatisfying(ResidentIdException.class, e -> {
                    assertThat(e.failure()).isEqualTo(expected);
                    if (input.length() > 8) {
                        assertThat(e.getMessage()).doesNotContain(input);
                    }
                });
    }

    @Test
    void futureBirthDateIsRejected() {
        Clock before = Clock.fixed(Instant.parse("1985-03-11T00:00:00Z"), ZoneOffset.UTC);
        assertThatThrownBy(() -> ResidentId.parse(BEIJING, before))
                .isInstanceOfSatisfying(ResidentIdException.class,
                        e -> assertThat(e.failure()).isEqualTo(ResidentIdException.Failure.BIRTH_DATE));
    }

    @Test
    void messageNamesTheCheckAndMasksTheId() {
        assertThatThrownBy(() -> ResidentId.parse("110101198503120026"))
                .hasMessageContaining("1101**********0026").hasMessageContaining("check character")
                .hasMessageNotContaining("110101198503120026");
    }
}
