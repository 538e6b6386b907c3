package org.patientvault.mobile.support;

import java.text.MessageFormat;
import java.util.Locale;
import java.util.MissingResourceException;
import java.util.Optional;
import java.util.ResourceBundle;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Display texts of the patient API in Simplified Chinese or English, chosen by the request's {@code Accept-Language}
 * (zh-CN when it names neither, or names none: the app is Chinese first). Texts come from the bundle
 * {@code mobile/messages} (UTF-8 properties): kinds, flags, quality words, modalities, data classes, consent
 * explanations, LOINC display names and the demo hospitals' names. Cost: a header parse and a map lookup.
 */
@Component
public class Texts {

    public static final Locale ZH = Locale.SIMPLIFIED_CHINESE;
    public static final Locale EN = Locale.ENGLISH;

    /**
     * Request attribute by which an edge that lets its user choose the language (the browser UI) overrides the
     * {@code Accept-Language} header: a {@link Locale}, zh-CN or English.
     */
    public static final String CHOSEN_LOCALE = Texts.class.getName() + ".chosenLocale";

    /** The language of the current request. */
    public Locale locale() {
        if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes a) {
            if (a.getRequest().getAttribute(CHOSEN_LOCALE) instanceof Locale chosen) {
                return EN.getLanguage().equals(chosen.getLanguage()) ? EN : ZH;
            }
            return choose(a.getRequest().getHeader("Accept-Language"));
        }
        return ZH;
    }

    /** zh-CN or en from an {@code Accept-Language} value; zh-CN if it is absent, malformed or names neither. */
    public static Locale choose(String acceptLanguage) {
        if (acceptLanguage == null || acceptLanguage.isBlank()) {
            return ZH;
        }
        try {
            for (Locale.LanguageRange range : Locale.LanguageRange.parse(acceptLanguage)) {
                if (range.getWeight() <= 0) {
                    continue;
                }
                String tag = range.getRange().toLowerCase(Locale.ROOT);
                if (tag.startsWith("zh")) {
                    return ZH;
                }
                if (tag.startsWith("en")) {
                    return EN;
                }
            }
        } catch (IllegalArgumentException malformed) {
            return ZH;
        }
        return ZH;
    }

    /** The text for {@code key} in the request's language, formatted with {@code args}; the key itself if unknown. */
    public String text(String key, Object... args) {
        return find(key, args).orElse(key);
    }

    /** The text for {@code key}, if the bundle has one. */
    public Optional<String> find(String key, Object... args) {
        Locale locale = locale();
        try {
            String pattern = ResourceBundle.getBundle("mobile/messages", locale, CONTROL).getString(key);
            return Optional.of(args.length == 0 ? pattern : new MessageFormat(pattern, locale).format(args));
        } catch (MissingResourceException e) {
            return Optional.empty();
        }
    }

    /** The language tag of the request's language ({@code zh-CN} or {@code en}), for {@code Content-Language}. */
    public String languageTag() {
        return locale().toLanguageTag();
    }

    /** No fallback to the JVM's default locale: an English request must not get Chinese because the host is Chinese. */
    private static final ResourceBundle.Control CONTROL =
            ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES);
}
