package org.patientvault.web.page;

import java.math.BigDecimal;
import java.text.NumberFormat;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.FormatStyle;
import java.util.Locale;
import org.patientvault.mobile.MobileProperties;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.stereotype.Component;

/**
 * Dates, times, numbers and sizes as the user's language writes them ({@code ${@fmt.date(...)}} in templates):
 * zh-CN "2024年3月12日 14:05", English "12 Mar 2024, 14:05"; instants in the vault's zone. Unparseable input is
 * shown as it came, never dropped.
 */
@Component("fmt")
public class Formats {

    private final ZoneId zone;

    Formats(MobileProperties mobile) {
        this.zone = mobile.zone();
    }

    private static Locale locale() {
        return LocaleContextHolder.getLocale();
    }

    private static boolean english() {
        return "en".equals(locale().getLanguage());
    }

    /** An ISO date ({@code 2024-03-12}), a partial date ({@code 2024-03}) or a date-time, as a date. */
    public String date(String iso) {
        if (iso == null || iso.isBlank()) {
            return "";
        }
        try {
            LocalDate d = iso.length() > 10 ? OffsetDateTime.parse(iso).atZoneSameInstant(zone).toLocalDate()
                    : LocalDate.parse(iso);
            return date(d);
        } catch (DateTimeParseException partial) {
            return iso;
        }
    }

    public String date(LocalDate d) {
        return d == null ? "" : d.format(english() ? DateTimeFormatter.ofPattern("d MMM yyyy", Locale.ENGLISH)
                : DateTimeFormatter.ofLocalizedDate(FormatStyle.LONG).withLocale(Locale.SIMPLIFIED_CHINESE));
    }

    /** An instant (or its ISO text) as date and minute in the vault's zone. */
    public String dateTime(Object instant) {
        Instant at;
        try {
            at = instant instanceof Instant i ? i : instant == null ? null : Instant.parse(instant.toString());
        } catch (DateTimeParseException e) {
            return instant.toString();
        }
        if (at == null) {
            return "";
        }
        var local = at.atZone(zone);
        return date(local.toLocalDate()) + (english() ? ", " : " ")
                + local.format(DateTimeFormatter.ofPattern("HH:mm"));
    }

    public String number(BigDecimal value) {
        if (value == null) {
            return "";
        }
        NumberFormat f = NumberFormat.getNumberInstance(english() ? Locale.ENGLISH : Locale.SIMPLIFIED_CHINESE);
        f.setMaximumFractionDigits(Math.max(0, value.scale()));
        f.setMinimumFractionDigits(Math.max(0, value.scale()));
        return f.format(value);
    }

    /** A size in bytes as KB/MB/GB with one decimal. */
    public String bytes(long n) {
        String[] units = {"B", "KB", "MB", "GB"};
        double v = n;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? n + " B" : String.format(english() ? Locale.ENGLISH : Locale.SIMPLIFIED_CHINESE, "%.1f %s",
                v, units[u]);
    }
}
