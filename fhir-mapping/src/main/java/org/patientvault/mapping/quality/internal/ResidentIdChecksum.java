package org.patientvault.mapping.quality.internal;

import java.time.DateTimeException;
import java.time.LocalDate;

/**
 * GB 11643-1999 citizen identity number, ISO 7064 MOD 11-2 check character. A deliberately small private duplicate
 * of the public resident-ID class owned by the identity work, so quality scoring has no build-order dependency on
 * it; both implement the same standard and the tests pin the same known-good numbers.
 */
public final class ResidentIdChecksum {
    private static final int[] WEIGHTS = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    private static final char[] CHECK = {'1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'};

    /** What is wrong with a resident ID, if anything. */
    public enum Problem { NONE, LENGTH, CHARACTERS, BIRTH_DATE, CHECK_DIGIT }

    private ResidentIdChecksum() {
    }

    /** The check character for the first 17 digits. Caller guarantees 17 ASCII digits. */
    public static char checkCharacter(CharSequence first17) {
        int sum = 0;
        for (int i = 0; i < 17; i++) {
            sum += (first17.charAt(i) - '0') * WEIGHTS[i];
        }
        return CHECK[sum % 11];
    }

    /** Validates an 18-character ID: digits, a real birth date in positions 7–14, and the check character. */
    public static Problem validate(String id) {
        if (id == null || id.length() != 18) {
            return Problem.LENGTH;
        }
        for (int i = 0; i < 17; i++) {
            char c = id.charAt(i);
            if (c < '0' || c > '9') {
                return Problem.CHARACTERS;
            }
        }
        char last = Character.toUpperCase(id.charAt(17));
        if (!(last >= '0' && last <= '9') && last != 'X') {
            return Problem.CHARACTERS;
        }
        try {
            LocalDate.of(Integer.parseInt(id.substring(6, 10)), Integer.parseInt(id.substring(10, 12)),
                    Integer.parseInt(id.substring(12, 14)));
        } catch (DateTimeException e) {
            return Problem.BIRTH_DATE;
        }
        return checkCharacter(id) == last ? Problem.NONE : Problem.CHECK_DIGIT;
    }
}
