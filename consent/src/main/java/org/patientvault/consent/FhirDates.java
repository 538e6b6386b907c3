package org.patientvault.consent;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import java.time.LocalDate;
import java.time.ZoneId;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.Period;

/**
 * Converts FHIR dates to epoch-millisecond bounds. Partial dates (year, month, day) are resolved in an explicit zone
 * rather than HAPI's JVM default, so results do not depend on the machine. End bounds are exclusive and cover the
 * whole stated precision: an end of {@code 2024-12-31} includes that whole day.
 */
final class FhirDates {
    private FhirDates() {
    }

    static long lower(BaseDateTimeType dt, ZoneId zone) {
        if (dt == null || dt.getValue() == null) {
            return Long.MIN_VALUE;
        }
        TemporalPrecisionEnum p = dt.getPrecision();
        if (p == TemporalPrecisionEnum.YEAR || p == TemporalPrecisionEnum.MONTH || p == TemporalPrecisionEnum.DAY) {
            return localDate(dt).atStartOfDay(zone).toInstant().toEpochMilli();
        }
        return dt.getValue().getTime();
    }

    static long upperExclusive(BaseDateTimeType dt, ZoneId zone) {
        if (dt == null || dt.getValue() == null) {
            return Long.MAX_VALUE;
        }
        TemporalPrecisionEnum p = dt.getPrecision();
        LocalDate d = localDate(dt);
        return switch (p) {
            case YEAR -> LocalDate.of(d.getYear() + 1, 1, 1).atStartOfDay(zone).toInstant().toEpochMilli();
            case MONTH -> d.withDayOfMonth(1).plusMonths(1).atStartOfDay(zone).toInstant().toEpochMilli();
            case DAY -> d.plusDays(1).atStartOfDay(zone).toInstant().toEpochMilli();
            case MINUTE -> dt.getValue().getTime() + 60_000L;
            case SECOND -> dt.getValue().getTime() + 1_000L;
            default -> dt.getValue().getTime() + 1L;
        };
    }

    private static LocalDate localDate(BaseDateTimeType dt) {
        int year = dt.getYear();
        TemporalPrecisionEnum p = dt.getPrecision();
        int month = p == TemporalPrecisionEnum.YEAR ? 1 : dt.getMonth() + 1;
        int day = p == TemporalPrecisionEnum.YEAR || p == TemporalPrecisionEnum.MONTH ? 1 : dt.getDay();
        return LocalDate.of(year, month, day);
    }

    static long start(Period period, ZoneId zone) {
        return period == null || !period.hasStart() ? Long.MIN_VALUE : lower(period.getStartElement(), zone);
    }

    static long end(Period period, ZoneId zone) {
        return period == null || !period.hasEnd() ? Long.MAX_VALUE : upperExclusive(period.getEndElement(), zone);
    }
}
