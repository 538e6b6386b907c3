package org.patientvault.mapping.linking;

import com.ibm.icu.text.Transliterator;
import java.text.Normalizer;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.StringType;

/**
 * Comparison keys for weak-evidence matching (claim candidates only, never a link): two names match when they share a
 * key, two phones when their keys are equal.
 * <ul>
 *   <li>Names: NFKC (full-width forms become ASCII), hanzi to pinyin with ICU's {@code Han-Latin/Names} (surname
 *       readings, e.g. 单 as Shan), accents dropped, lower case, everything but letters and digits removed. A
 *       {@link HumanName} gives its text and both orders of its parts, so {@code 王 丽}, {@code 王丽},
 *       {@code Wang Li} and family {@code Wang} + given {@code Li} share the key {@code wangli}.</li>
 *   <li>Phones: digits only, without a leading China country code ({@code +86}/{@code 0086}).</li>
 * </ul>
 * Pure and thread-safe (one transliterator per thread). Cost: linear in the text; the first use per thread compiles
 * the transliterator (tens of milliseconds).
 */
public final class NameKeys {

    private static final ThreadLocal<Transliterator> TO_LATIN = ThreadLocal.withInitial(() ->
            Transliterator.getInstance("Han-Latin/Names; Latin-ASCII"));

    private NameKeys() {
    }

    /** The key of one written name; "" for none (which matches nothing). */
    public static String key(String name) {
        if (name == null || name.isBlank()) {
            return "";
        }
        String s = Normalizer.normalize(name, Normalizer.Form.NFKC).strip();
        if (s.codePoints().anyMatch(c -> c > 0x7f)) {
            s = TO_LATIN.get().transliterate(s);
        }
        StringBuilder out = new StringBuilder(s.length());
        s.toLowerCase(Locale.ROOT).codePoints().filter(Character::isLetterOrDigit).forEach(out::appendCodePoint);
        return out.toString();
    }

    /** The keys of a structured name: its text, family + given and given + family. */
    public static Set<String> keys(HumanName n) {
        Set<String> out = new LinkedHashSet<>();
        if (n == null) {
            return out;
        }
        add(out, n.getText());
        StringBuilder given = new StringBuilder();
        for (StringType g : n.getGiven()) {
            if (g.getValue() != null) {
                given.append(g.getValue()).append(' ');
            }
        }
        String family = n.hasFamily() ? n.getFamily() : "";
        add(out, family + " " + given);
        add(out, given + " " + family);
        return out;
    }

    /** The key of a phone number; "" for none. */
    public static String phoneKey(String phone) {
        if (phone == null) {
            return "";
        }
        String d = phone.replaceAll("\\D", "");
        if (d.startsWith("0086") && d.length() > 13) {
            d = d.substring(4);
        } else if (d.startsWith("86") && d.length() == 13) {
            d = d.substring(2);
        }
        return d;
    }

    private static void add(Set<String> out, String name) {
        String k = key(name);
        if (!k.isEmpty()) {
            out.add(k);
        }
    }
}
