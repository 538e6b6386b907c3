package org.patientvault.mapping.deid.internal;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.patientvault.mapping.ResidentId;

/**
 * Detects the two direct identifiers that survive in free text most often in Chinese records: an 18-character resident
 * ID with a valid GB 11643 check character (validated by {@link ResidentId}, so an 18-digit lab number with a wrong
 * check character is not a hit) and a mainland mobile number ({@code 1[3-9]} + 9 digits, optionally {@code +86}, with
 * spaces or dashes in the usual 3-4-4 grouping), neither glued to further digits. Cost: one regex scan per pattern.
 */
public final class PiiPatterns {
    private static final Pattern RESIDENT_ID = Pattern.compile("(?<![0-9])[1-9][0-9]{16}[0-9Xx](?![0-9Xx])");
    private static final Pattern MOBILE = Pattern.compile(
            "(?<![0-9])(?:(?:\\+|00)?86[ -]?)?1[3-9][0-9](?:[ -]?[0-9]{4}){2}(?![0-9])");

    private PiiPatterns() {
    }

    /** What a string contains. */
    public enum Hit { NONE, RESIDENT_ID, MOBILE }

    /** The first kind of identifier found in {@code s}, resident IDs first. */
    public static Hit find(CharSequence s) {
        if (s == null || s.length() < 11 || !hasDigitRun(s)) {
            return Hit.NONE;
        }
        Matcher m = RESIDENT_ID.matcher(s);
        while (m.find()) {
            if (ResidentId.isValid(m.group())) {
                return Hit.RESIDENT_ID;
            }
        }
        return MOBILE.matcher(s).find() ? Hit.MOBILE : Hit.NONE;
    }

    /** Cheap pre-check: at least 11 digits in the string at all (most strings have none). */
    private static boolean hasDigitRun(CharSequence s) {
        int digits = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9' && ++digits >= 11) {
                return true;
            }
        }
        return false;
    }
}
