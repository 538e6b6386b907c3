package org.patientvault.mobile.timeline;

import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import jakarta.annotation.PreDestroy;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Resource;
import org.patientvault.mobile.port.CallerContexts;
import org.patientvault.mobile.support.Cursor;
import org.patientvault.mobile.support.Hospitals;
import org.patientvault.mobile.support.MobileProblem;
import org.patientvault.mobile.support.Records;
import org.springframework.stereotype.Service;

/**
 * The timeline: Observations (lab results: category {@code laboratory}, or an uncategorised LOINC analyte; checkups:
 * every other Observation), ImagingStudies and DiagnosticReports of the calling patient, across hospitals, newest
 * first. Every search runs as the patient through the port, so what is hidden from them is never counted.
 *
 * <p>Cost of a page of {@code n}: per FHIR type, a search sorted by its clinical date that starts at the cursor
 * ({@code _sort=-date}, {@code date=le<cursor time>}, {@code _count=n+1}), followed only while records of one instant
 * straddle its pages; the types' heads are merged here. The hospital and date filters are part of those searches.
 * Totals are counted by the database, one {@code _summary=count} per type on every page; without a date range, one more count per type of the records with a
 * clinical date tells whether any have none (FHIR sorts those last and a date bound leaves them out), and only then
 * are those read. The first requests of a page run at once, each as the caller. So a page costs O(n) records read,
 * not O(history). The text filter and a lab-only or checkup-only view are not FHIR searches: they read every record of
 * the kinds, bounded by {@code vault.mobile.max-records} each, as one sorted list. Pages stay consistent while records
 * arrive (see {@link Cursor}).
 */
@Service
public class TimelineService {

    static final Set<String> KINDS = Set.of("lab", "checkup", "imaging", "report");

    /** Concurrent first reads of one page: a few in-process FHIR requests at a time, never more than this. */
    private static final int READERS = 4;

    private final Records records;
    private final RecordViews views;
    private final CallerContexts contexts;
    private final ExecutorService pool;

    TimelineService(Records records, RecordViews views, CallerContexts contexts) {
        this.records = records;
        this.views = views;
        this.contexts = contexts;
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(READERS, r -> {
            Thread t = new Thread(r, "timeline-read-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @PreDestroy
    void close() {
        pool.shutdownNow();
    }

    /** Filters as the client sent them; null for none. */
    public record Filters(String hospital, Set<String> kinds, LocalDate from, LocalDate to, String text) {

        public static Filters parse(String hospital, List<String> kinds, String from, String to, String text) {
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

        /** Whether FHIR cannot apply these filters: text, or lab results without checkups (or the reverse). */
        boolean needsScan() {
            return text != null || (kinds != null && kinds.contains("lab") != kinds.contains("checkup"));
        }

        /** The filters on one item, as the client means them (the date range in the vault's zone). */
        boolean keeps(TimelineItem i) {
            return wants(i.kind()) && (text == null || i.searchText().contains(text))
                    && (from == null || (i.date() != null && i.date().compareTo(from.toString()) >= 0))
                    && (to == null || (i.date() != null && i.date().compareTo(to.toString()) <= 0));
        }
    }

    public TimelinePage page(Filters filters, Cursor after, int limit) {
        records.self();
        // One AuditEvent for the page (every search it made, what of the record it concerned), not one per search.
        return records.port().auditedAsOne("GET /mobile/v1/timeline", () -> read(filters, after, limit));
    }

    private TimelinePage read(Filters filters, Cursor after, int limit) {
        if (filters.needsScan()) {
            return scanned(filters, after, limit);
        }
        List<Kind> kinds = kinds(filters);
        boolean dateRange = filters.from() != null || filters.to() != null;
        // Per type, at once: the first sorted page; every match counted (on the first page the sorted search counts
        // them itself); without a date range, the dated ones counted too, so that records without a clinical date
        // are looked for only when there are some.
        List<Supplier<Bundle>> calls = new ArrayList<>();
        for (Kind k : kinds) {
            Map<String, List<String>> sorted = k.sorted(filters, after, chunk(limit));
            calls.add(() -> records.port().search(k.type().getSimpleName(), sorted));
            // Counted apart on every page, as a _summary=count (no record read): the sorted search stays a plain
            // LIMIT query.
            Map<String, List<String>> all = k.count(filters, false);
            calls.add(() -> records.port().search(k.type().getSimpleName(), all));
            if (!dateRange) {
                Map<String, List<String>> dated = k.count(filters, true);
                calls.add(() -> records.port().search(k.type().getSimpleName(), dated));
            }
        }
        List<Bundle> answers = concurrently(calls);
        List<Source> sources = new ArrayList<>();
        int total = 0;
        int at = 0;
        for (Kind k : kinds) {
            Bundle first = answers.get(at++);
            int all = total(answers.get(at++));
            total += all;
            sources.add(new Sorted(k, filters, after, first, chunk(limit)));
            if (!dateRange && all > total(answers.get(at++))) {
                sources.add(undated(k, filters, after));
            }
        }
        List<TimelineItem> page = new ArrayList<>(limit + 1);
        while (page.size() <= limit) {
            Source best = null;
            TimelineItem head = null;
            for (Source s : sources) {
                TimelineItem h = s.peek();
                if (h != null && (head == null || Cursor.ORDER.compare(h.key(), head.key()) < 0)) {
                    best = s;
                    head = h;
                }
            }
            if (best == null) {
                break;
            }
            page.add(best.poll());
        }
        return assemble(page, limit, total, false);
    }

    /**
     * Records read per type by a page's first search: twice what the page shows, because several records often share
     * one instant (a lab panel) and an instant that straddles the chunk's end costs a second search (see
     * {@link Sorted}); the first search is bounded by the database ({@code LIMIT}), so the extra rows are cheap.
     */
    static int chunk(int limit) {
        return 2 * (limit + 1);
    }

    private static int total(Bundle b) {
        return b.hasTotal() ? b.getTotal() : 0;
    }

    /**
     * Runs one page's independent port calls at once, each as the caller on a small pool (every call is one
     * in-process FHIR request through the same authorization, consent and audit), and returns their answers in order.
     * A refusal is rethrown as it was raised.
     */
    private <T> List<T> concurrently(List<Supplier<T>> calls) {
        CallerContexts.Captured caller = contexts.capture();
        List<Future<T>> futures = new ArrayList<>();
        for (Supplier<T> call : calls) {
            futures.add(pool.submit(() -> {
                List<T> out = new ArrayList<>(1);
                caller.run(() -> out.add(call.get()));
                return out.get(0);
            }));
        }
        List<T> answers = new ArrayList<>();
        try {
            for (Future<T> f : futures) {
                answers.add(f.get());
            }
        } catch (ExecutionException e) {
            futures.forEach(f -> f.cancel(true));
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            futures.forEach(f -> f.cancel(true));
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the timeline", e);
        }
        return answers;
    }

    /**
     * The text filter and a lab-only or checkup-only view cannot be expressed as a FHIR search, and the page's
     * {@code total} must count what they keep: those views read every record of the kinds (up to
     * {@code vault.mobile.max-records} each) and cut the page in memory.
     */
    private TimelinePage scanned(Filters filters, Cursor after, int limit) {
        List<TimelineItem> items = new ArrayList<>();
        boolean truncated = false;
        for (Kind k : kinds(filters)) {
            Records.Found<? extends Resource> found = records.all(k.type(), k.params(filters));
            for (Resource r : found.resources()) {
                views.item(r).filter(filters::keeps).ifPresent(items::add);
            }
            truncated |= found.truncated();
        }
        items.sort((a, b) -> Cursor.ORDER.compare(a.key(), b.key()));
        List<TimelineItem> page = items.stream().filter(i -> i.key().isAfter(after)).limit(limit + 1L).toList();
        return assemble(page, limit, items.size(), truncated);
    }

    private static TimelinePage assemble(List<TimelineItem> page, int limit, int total, boolean truncated) {
        String next = page.size() > limit ? page.get(limit - 1).key().encode() : null;
        Map<String, List<TimelineItem>> byDay = new LinkedHashMap<>();
        for (TimelineItem i : page.subList(0, Math.min(limit, page.size()))) {
            byDay.computeIfAbsent(i.date() == null ? "" : i.date(), d -> new ArrayList<>()).add(i);
        }
        List<TimelinePage.Day> days = new ArrayList<>();
        byDay.forEach((d, list) -> days.add(new TimelinePage.Day(d.isEmpty() ? null : d, list)));
        return new TimelinePage(days, total, next, truncated ? Boolean.TRUE : null);
    }

    private static List<Kind> kinds(Filters f) {
        List<Kind> out = new ArrayList<>();
        if (f.wants("lab") || f.wants("checkup")) {
            out.add(Kind.OBSERVATION);
        }
        if (f.wants("imaging")) {
            out.add(Kind.IMAGING);
        }
        if (f.wants("report")) {
            out.add(Kind.REPORT);
        }
        return out;
    }

    /**
     * The records of a kind that have no clinical date: FHIR's date sort puts them last, and a date bound leaves them
     * out, while the timeline places them by when they were issued or stored. Read (whole, bounded, sorted here) only
     * when the counts say there are some: HAPI answers {@code :missing} without an index of missing values, which is
     * slow (seconds on the benchmark's 50 patients).
     */
    private Source undated(Kind k, Filters f, Cursor after) {
        Map<String, List<String>> p = k.params(f);
        p.remove("_sort");
        p.put(k.dateParam() + ":missing", List.of("true"));
        List<TimelineItem> items = new ArrayList<>();
        for (Resource r : records.all(k.type(), p).resources()) {
            views.item(r).filter(f::keeps).filter(i -> i.key().isAfter(after)).ifPresent(items::add);
        }
        items.sort((a, b) -> Cursor.ORDER.compare(a.key(), b.key()));
        return new Listed(items);
    }

    /** The three FHIR types of the timeline, each with the search parameter of its clinical date. */
    enum Kind {
        OBSERVATION(Observation.class, "date"),
        IMAGING(ImagingStudy.class, "started"),
        REPORT(DiagnosticReport.class, "date");

        private final Class<? extends Resource> type;
        private final String dateParam;

        Kind(Class<? extends Resource> type, String dateParam) {
            this.type = type;
            this.dateParam = dateParam;
        }

        Class<? extends Resource> type() {
            return type;
        }

        String dateParam() {
            return dateParam;
        }

        /**
         * The sorted search of a page: from the cursor on, the first {@code chunk} records. {@code _offset=0} makes HAPI answer it synchronously with a database {@code LIMIT}: no persisted search
         * and no prefetch of hundreds of ids into the search cache, which a page never reads. Reading on past the
         * chunk is {@link #following}'s.
         */
        Map<String, List<String>> sorted(Filters f, Cursor after, int chunk) {
            Map<String, List<String>> p = following(f, after, chunk);
            p.put("_offset", List.of("0"));
            return p;
        }

        /** The same sorted search as a paged one ({@code next} links), for reading on past the first chunk. */
        Map<String, List<String>> following(Filters f, Cursor after, int chunk) {
            Map<String, List<String>> p = params(f);
            p.put("_count", List.of(Integer.toString(chunk)));
            List<String> dates = new ArrayList<>(p.getOrDefault(dateParam, List.of()));
            // Always bounded, on the first page too: only dated records are read here (undated ones are a source of
            // their own), so the first page's search has the same shape as a later page's.
            dates.add(after == null ? "le9999-12-31" : "le" + Instant.ofEpochMilli(after.epochMillis()));
            p.put(dateParam, dates);
            return p;
        }

        /** A count of the matches ({@code _summary=count}: no record is read); {@code dated}: only those with a date. */
        Map<String, List<String>> count(Filters f, boolean dated) {
            Map<String, List<String>> p = params(f);
            p.remove("_sort");
            p.put("_summary", List.of("count"));
            if (dated) {
                List<String> dates = new ArrayList<>(p.getOrDefault(dateParam, List.of()));
                dates.add("le9999-12-31");
                p.put(dateParam, dates);
            }
            return p;
        }

        /** The filters FHIR can apply: hospital and date range, newest first. */
        Map<String, List<String>> params(Filters f) {
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
            return p;
        }

        /**
         * The instant FHIR sorts this record by (the low end of its indexed clinical date), when it is the one the
         * timeline places it by too; null when the record has no such date or it is one the timeline does not read
         * (an instant or a schedule: it is shown, but does not move the read frontier).
         */
        Long sortTime(Resource r) {
            BaseDateTimeType t = null;
            if (r instanceof Observation o) {
                t = o.hasEffectiveDateTimeType() ? o.getEffectiveDateTimeType() : o.hasEffectivePeriod()
                        && o.getEffectivePeriod().hasStartElement() ? o.getEffectivePeriod().getStartElement() : null;
            } else if (r instanceof DiagnosticReport d) {
                t = d.hasEffectiveDateTimeType() ? d.getEffectiveDateTimeType() : d.hasEffectivePeriod()
                        && d.getEffectivePeriod().hasStartElement() ? d.getEffectivePeriod().getStartElement() : null;
            } else if (r instanceof ImagingStudy s) {
                t = s.hasStartedElement() ? s.getStartedElement() : null;
            }
            return t == null || t.getValue() == null ? null : t.getValue().getTime();
        }

        /** Whether FHIR indexes a clinical date for this record (else it is one of the undated). */
        boolean dated(Resource r) {
            if (r instanceof Observation o) {
                return o.hasEffective();
            }
            if (r instanceof DiagnosticReport d) {
                return d.hasEffective();
            }
            return r instanceof ImagingStudy s && s.hasStarted();
        }
    }

    /** Items in the timeline's order, one at a time. */
    private interface Source {
        /** The next item, or null when there is none. */
        TimelineItem peek();

        TimelineItem poll();
    }

    private static final class Listed implements Source {
        private final java.util.ArrayDeque<TimelineItem> items;

        Listed(List<TimelineItem> items) {
            this.items = new java.util.ArrayDeque<>(items);
        }

        @Override
        public TimelineItem peek() {
            return items.peekFirst();
        }

        @Override
        public TimelineItem poll() {
            return items.pollFirst();
        }
    }

    /**
     * One kind's dated records, newest first, read from a FHIR search sorted by the clinical date that starts at the
     * cursor ({@code <date>=le<cursor time>}) and fetched {@code chunk} records at a time. FHIR orders records of
     * the same instant arbitrarily while the timeline orders them by id, so an item is handed out only once every
     * record of its instant has been read: when it is strictly newer than the oldest record read so far (the
     * frontier), or the search is exhausted.
     */
    private final class Sorted implements Source {
        private final Kind kind;
        private final Filters filters;
        private final Cursor after;
        private final PriorityQueue<TimelineItem> buffer =
                new PriorityQueue<>((a, b) -> Cursor.ORDER.compare(a.key(), b.key()));
        /** Ids read so far: the paged search that follows the first chunk reads that chunk again. */
        private final Set<String> seen = new java.util.HashSet<>();
        private final int chunk;
        private Bundle last;
        private boolean firstChunk = true;
        private boolean exhausted;
        private long frontier = Long.MAX_VALUE;

        /** {@code first}: the answer to {@link Kind#sorted} with {@code chunk}. */
        Sorted(Kind kind, Filters filters, Cursor after, Bundle first, int chunk) {
            this.kind = kind;
            this.filters = filters;
            this.after = after;
            this.chunk = chunk;
            absorb(first);
        }

        @Override
        public TimelineItem peek() {
            while (true) {
                TimelineItem head = buffer.peek();
                if (head != null && (exhausted || head.key().epochMillis() > frontier)) {
                    return head;
                }
                if (exhausted) {
                    return null;
                }
                fetch();
            }
        }

        @Override
        public TimelineItem poll() {
            TimelineItem head = peek();
            return head == null ? null : buffer.poll();
        }

        private void fetch() {
            if (firstChunk) {
                // The first chunk was a synchronous search (no paging links that stay valid while records arrive):
                // read on with the same search as a paged one, which starts again at the top; ids read are skipped.
                firstChunk = false;
                absorb(records.port().search(kind.type().getSimpleName(), kind.following(filters, after, chunk)));
                return;
            }
            Optional<Bundle> next = records.port().nextPage(last);
            if (next.isEmpty()) {
                exhausted = true;
                return;
            }
            absorb(next.get());
        }

        private void absorb(Bundle page) {
            last = page;
            for (Bundle.BundleEntryComponent e : page.getEntry()) {
                Resource r = e.getResource();
                if (!kind.type().isInstance(r) || (e.hasSearch() && e.getSearch().getMode() != null
                        && e.getSearch().getMode() != Bundle.SearchEntryMode.MATCH) || !kind.dated(r)
                        || !seen.add(r.getIdElement().getIdPart())) {
                    continue;
                }
                Long t = kind.sortTime(r);
                if (t != null) {
                    frontier = Math.min(frontier, t);
                }
                views.item(r).filter(filters::keeps).filter(i -> i.key().isAfter(after)).ifPresent(buffer::add);
            }
            // The first chunk's own next link (an _offset link) is not followed: fetch() pages a search instead.
            if (page.getLink(Bundle.LINK_NEXT) == null && (!firstChunk || page.getEntry().size() < chunk)) {
                exhausted = true;
            }
        }
    }
}
