package org.patientvault.mobile.timeline;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Resource;
import org.patientvault.mobile.support.Cursor;
import org.patientvault.mobile.support.Hospitals;
import org.patientvault.mobile.support.MobileProblem;
import org.patientvault.mobile.support.Records;
import org.springframework.stereotype.Service;

/**
 * The timeline: Observations (lab results: category {@code laboratory}, or an uncategorised LOINC analyte; checkups:
 * every other Observation), ImagingStudies and DiagnosticReports of the calling patient, across hospitals, newest
 * first. The hospital and date filters are pushed into the FHIR searches; kind and text are applied here. Every search
 * runs as the patient through the port, so what is hidden from them is never counted.
 *
 * <p>Cost: one FHIR search per kind and 200 records (bounded by {@code vault.mobile.max-records} per kind), then an
 * in-memory sort; the page itself is cut from that. Pages stay consistent while records arrive (see {@link Cursor}).
 */
@Service
class TimelineService {

    static final Set<String> KINDS = Set.of("lab", "checkup", "imaging", "report");

    private final Records records;
    private final RecordViews views;

    TimelineService(Records records, RecordViews views) {
        this.records = records;
        this.views = views;
    }

    /** Filters as the client sent them; null for none. */
    record Filters(String hospital, Set<String> kinds, LocalDate from, LocalDate to, String text) {

        static Filters parse(String hospital, List<String> kinds, String from, String to, String text) {
            if (hospital != null && !hospital.matches("[A-Za-z0-9._\\-]{1,64}")) {
                throw MobileProblem.badRequest("Parameter 'hospital' must be a hospital id such as hosp-beijing");
            }
            Set<String> k = null;
            if (kinds != null && !kinds.isEmpty()) {
                k = new java.util.HashSet<>();
                for (String kind : kinds) {
                    for (String one : kind.split(",")) {
                        if (!KINDS.contains(one.trim())) {
                            throw MobileProblem.badRequest("Parameter 'kind' must be among lab, checkup, imaging, "
                                    + "report");
                        }
                        k.add(one.trim());
                    }
                }
            }
            LocalDate f = date("from", from);
            LocalDate t = date("to", to);
            if (f != null && t != null && t.isBefore(f)) {
                throw MobileProblem.badRequest("Parameter 'to' is before 'from'");
            }
            if (text != null && text.length() > 100) {
                throw MobileProblem.badRequest("Parameter 'text' is longer than 100 characters");
            }
            return new Filters(hospital, k, f, t, text == null || text.isBlank() ? null
                    : text.strip().toLowerCase(Locale.ROOT));
        }

        private static LocalDate date(String name, String value) {
            if (value == null || value.isEmpty()) {
                return null;
            }
            try {
                return LocalDate.parse(value);
            } catch (DateTimeParseException e) {
                throw MobileProblem.badRequest("Parameter '" + name + "' must be a date (yyyy-MM-dd)");
            }
        }

        boolean wants(String kind) {
            return kinds == null || kinds.contains(kind);
        }
    }

    TimelinePage page(Filters filters, Cursor after, int limit) {
        records.self();
        List<TimelineItem> items = new ArrayList<>();
        boolean truncated = false;
        if (filters.wants("lab") || filters.wants("checkup")) {
            truncated |= collect(Observation.class, "date", filters, items);
        }
        if (filters.wants("imaging")) {
            truncated |= collect(ImagingStudy.class, "started", filters, items);
        }
        if (filters.wants("report")) {
            truncated |= collect(DiagnosticReport.class, "date", filters, items);
        }
        items.sort((a, b) -> Cursor.ORDER.compare(a.key(), b.key()));
        int total = items.size();
        List<TimelineItem> page = items.stream().filter(i -> i.key().isAfter(after)).limit(limit + 1L).toList();
        String next = page.size() > limit ? page.get(limit - 1).key().encode() : null;
        Map<String, List<TimelineItem>> byDay = new LinkedHashMap<>();
        for (TimelineItem i : page.subList(0, Math.min(limit, page.size()))) {
            byDay.computeIfAbsent(i.date() == null ? "" : i.date(), d -> new ArrayList<>()).add(i);
        }
        List<TimelinePage.Day> days = new ArrayList<>();
        byDay.forEach((d, list) -> days.add(new TimelinePage.Day(d.isEmpty() ? null : d, list)));
        return new TimelinePage(days, total, next, truncated ? Boolean.TRUE : null);
    }

    private <T extends Resource> boolean collect(Class<T> type, String dateParam, Filters f, List<TimelineItem> out) {
        Map<String, List<String>> p = new LinkedHashMap<>();
        p.put("_sort", List.of("-" + dateParam));
        if (f.hospital() != null) {
            p.put("_tag", List.of(Hospitals.SUBMITTER + "|" + f.hospital()));
        }
        List<String> dates = new ArrayList<>();
        if (f.from() != null) {
            dates.add("ge" + f.from());
        }
        if (f.to() != null) {
            dates.add("le" + f.to());
        }
        if (!dates.isEmpty()) {
            p.put(dateParam, dates);
        }
        Records.Found<T> found = records.all(type, p);
        for (T r : found.resources()) {
            views.item(r).filter(i -> f.wants(i.kind()))
                    .filter(i -> f.text() == null || i.searchText().contains(f.text()))
                    .filter(i -> f.from() == null || (i.date() != null && i.date().compareTo(f.from().toString()) >= 0))
                    .filter(i -> f.to() == null || (i.date() != null && i.date().compareTo(f.to().toString()) <= 0))
                    .ifPresent(out::add);
        }
        return found.truncated();
    }
}
