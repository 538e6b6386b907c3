package org.patientvault.mapping;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.Locale;
import java.util.Objects;

import org.hl7.fhir.r4.model.Identifier;

/**
 * A validated 18-character Chinese resident ID (GB 11643-1999): 6-digit region, 8-digit birth date,
 * 3-digit sequence (odd = male), and a MOD 11-2 check character (0–9 or X).
 *
 * <p>Immutable value. {@link #toString()} returns the {@linkplain #masked() masked} form so that an ID
 * that slips into a log line or exception is not disclosed; use {@link #value()} where the full ID is
 * needed (identifiers, index lookups). Cost: O(18), no allocation beyond the instance.
 */
public final class ResidentId {

    private static final int[] WEIGHTS = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    private static final char[] CHECK = {'1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'};
    private static final LocalDate EARLIEST_BIRTH = LocalDate.of(1900, 1, 1);

    private final String value;
    private final LocalDate birthDate;

    private ResidentId(String value, LocalDate birthDate) {
        this.value = value;
        this.birthDate = birthDate;
    }

    /**
     * Parses and validates an ID, accepting a lower-case {@code x} (normalised to {@code X}) and
     * surrounding whitespace.
     *
     * @throws ResidentIdException naming the failed check; its message contains only the masked input
     */
    public static ResidentId parse(String raw) {
        return parse(raw, Clock.systemUTC());
    }

    /** As {@link #parse(String)}, with the clock used for the "birth date not in the future" check. */
    public static ResidentId parse(String raw, Clock clock) {
        if (raw == null || raw.isBlank()) {
            throw new ResidentIdException(ResidentIdException.Failure.MISSING, "(empty)", "no value given");
        }
        String s = raw.strip().toUpperCase(Locale.ROOT);
        String masked = mask(s);
        if (s.length() != 18) {
            throw new ResidentIdException(ResidentIdException.Failure.LENGTH, masked,
                    "must be 18 characters, got " + s.length());
        }
        for (int i = 0; i < 17; i++) {
            if (!isAsciiDigit(s.charAt(i))) {
                throw new ResidentIdException(ResidentIdException.Failure.CHARACTERS, masked,
                        "character " + (i + 1) + " must be a digit");
            }
        }
        char last = s.charAt(17);
        if (!isAsciiDigit(last) && last != 'X') {
            throw new ResidentIdException(ResidentIdException.Failure.CHARACTERS, masked,
                    "character 18 must be a digit or X");
        }
        // Province codes run 11..82; a zero first digit or a 00 province never occurs.
        int province = Integer.parseInt(s.substring(0, 2));
        if (province < 11 || province > 91) {
            throw new ResidentIdException(ResidentIdException.Failure.REGION, masked,
                    "region prefix (characters 1-6) has an impossible province code");
        }
        LocalDate birth;
        try {
            birth = LocalDate.of(Integer.parseInt(s.substring(6, 10)), Integer.parseInt(s.substring(10, 12)),
                    Integer.parseInt(s.substring(12, 14)));
        } catch (DateTimeException e) {
            throw new ResidentIdException(ResidentIdException.Failure.BIRTH_DATE, masked,
                    "characters 7-14 are not a calendar date");
        }
        if (birth.isBefore(EARLIEST_BIRTH) || birth.isAfter(LocalDate.now(clock))) {
            throw new ResidentIdException(ResidentIdException.Failure.BIRTH_DATE, masked,
                    "birth date in characters 7-14 is before 1900 or in the future");
        }
        if (checkCharacter(s) != last) {
            throw new ResidentIdException(ResidentIdException.Failure.CHECK_DIGIT, masked,
                    "check character (character 18) does not match the MOD 11-2 checksum");
        }
        return new ResidentId(s, birth);
    }

    /** True when {@link #parse(String)} would succeed. */
    public static boolean isValid(String raw) {
        try {
            parse(raw);
            return true;
        } catch (ResidentIdException e) {
            return false;
        }
    }

    /**
     * The GB 11643 MOD 11-2 check character for the first 17 digits of {@code s}.
     *
     * @throws IllegalArgumentException when {@code s} has fewer than 17 leading digits
     */
    public static char checkCharacter(String s) {
        if (s == null || s.length() < 17) {
            throw new IllegalArgumentException("need at least 17 digits to compute a check character");
        }
        int sum = 0;
        for (int i = 0; i < 17; i++) {
            char c = s.charAt(i);
            if (!isAsciiDigit(c)) {
                throw new IllegalArgumentException("character " + (i + 1) + " must be a digit");
            }
            sum += (c - '0') * WEIGHTS[i];
        }
        return CHECK[sum % 11];
    }

    /**
     * Masks any string the way resident IDs are shown in logs and messages: first 4 and last 4
     * characters kept, the rest replaced by {@code *}. Strings of 8 characters or fewer are fully masked.
     */
    public static String mask(String s) {
        if (s == null) {
            return "(null)";
        }
        if (s.length() <= 8) {
            return "*".repeat(s.length());
        }
        return s.substring(0, 4) + "*".repeat(s.length() - 8) + s.substring(s.length() - 4);
    }

    private static boolean isAsciiDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** The full, normalised 18-character ID. Do not log it. */
    public String value() {
        return value;
    }

    /** e.g. {@code 1101**********0025}. */
    public String masked() {
        return mask(value);
    }

    /** Birth date encoded in characters 7–14. */
    public LocalDate birthDate() {
        return birthDate;
    }

    /** Administrative-division code, characters 1–6. */
    public String regionCode() {
        return value.substring(0, 6);
    }

    /** True when the sequence number (character 17) is odd, which GB 11643 assigns to men. */
    public boolean encodesMale() {
        return (value.charAt(16) - '0') % 2 == 1;
    }

    /** A FHIR identifier with system {@link IdentitySystems#RESIDENT_ID} and use {@code official}. */
    public Identifier toIdentifier() {
        return new Identifier().setUse(Identifier.IdentifierUse.OFFICIAL)
                .setSystem(IdentitySystems.RESIDENT_ID).setValue(value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ResidentId other && other.value.equals(value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(value);
    }

    /** The masked form; never the full ID. */
    @Override
    public String toString() {
        return masked();
    }
}
