package org.patientvault.mobile.support;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Comparator;
import java.util.regex.Pattern;

/**
 * An opaque page cursor: the sort key of the last item a page showed (its time and id). The next page starts strictly
 * after it in the list's order (newest first, then id), so items added meanwhile do not shift the pages. Clients must
 * not build or read cursors; a malformed one is a 400.
 */
public record Cursor(long epochMillis, String id) {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9/\\-.]{1,128}");

    /** Newest first, then by id: the order every paged list of this API uses. */
    public static final Comparator<Cursor> ORDER = Comparator.comparingLong(Cursor::epochMillis).reversed()
            .thenComparing(Cursor::id);

    public String encode() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("v1:" + epochMillis + ":" + id)
                .getBytes(StandardCharsets.UTF_8));
    }

    /** The cursor a client sent back; null for none. */
    public static Cursor decode(String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return null;
        }
        try {
            String s = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            String[] parts = s.split(":", 3);
            if (parts.length == 3 && parts[0].equals("v1") && ID.matcher(parts[2]).matches()) {
                return new Cursor(Long.parseLong(parts[1]), parts[2]);
            }
        } catch (IllegalArgumentException malformed) {
            // answered below
        }
        throw MobileProblem.badRequest("Parameter 'cursor' is not a cursor this API gave out");
    }

    /** Whether an item with this key comes after the cursor {@code after} (null: every item does). */
    public boolean isAfter(Cursor after) {
        return after == null || ORDER.compare(this, after) > 0;
    }
}
