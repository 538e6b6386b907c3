package org.patientvault.web.patient;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.patientvault.mobile.support.Cursor;
import org.patientvault.mobile.support.Limits;
import org.patientvault.mobile.timeline.StudiesService;
import org.patientvault.mobile.timeline.TimelinePage;
import org.patientvault.mobile.timeline.TimelineService;
import org.patientvault.mobile.timeline.TrendService;
import org.patientvault.mobile.timeline.TrendView;
import org.patientvault.web.WebUi;
import org.patientvault.web.page.PageRefused;
import org.patientvault.web.port.StudyPreviews;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The patient's records: one timeline across hospitals with filters (more pages by htmx), a lab value's trend with
 * its reference band, and imaging studies with previews. Everything is read through mobile-api's services, as the
 * signed-in patient.
 */
@Controller
@RequestMapping(WebUi.BASE + "/patient")
class RecordsPages {

    static final List<String> KINDS = List.of("lab", "checkup", "imaging", "report");

    private final TimelineService timeline;
    private final TrendService trends;
    private final StudiesService studies;
    private final StudyPreviews previews;
    private final Limits limits;
    private final PatientDirectory directory;
    private final org.springframework.context.MessageSource messages;

    RecordsPages(TimelineService timeline, TrendService trends, StudiesService studies, StudyPreviews previews,
                      Limits limits, PatientDirectory directory, org.springframework.context.MessageSource messages) {
        this.messages = messages;
        this.timeline = timeline;
        this.trends = trends;
        this.studies = studies;
        this.previews = previews;
        this.limits = limits;
        this.directory = directory;
    }

    @GetMapping("/records")
    String records(@RequestParam(required = false) String hospital,
                   @RequestParam(required = false) List<String> kind,
                   @RequestParam(required = false) String from,
                   @RequestParam(required = false) String to,
                   @RequestParam(required = false) String text,
                   @RequestParam(required = false) String cursor,
                   @RequestHeader(value = "HX-Request", required = false) String htmx,
                   Model model) {
        Map<String, String> errors = new LinkedHashMap<>();
        LocalDate f = date("from", from, errors);
        LocalDate t = date("to", to, errors);
        if (f != null && t != null && f.isAfter(t)) {
            errors.put("to", "records.error.to-before-from");
        }
        List<String> kinds = kind == null ? List.of() : kind.stream().filter(KINDS::contains).toList();
        if (hospital != null && !hospital.isBlank() && !hospital.matches("[A-Za-z0-9._\\-]{1,64}")) {
            errors.put("hospital", "records.error.hospital");
        }
        if (text != null && text.length() > 100) {
            errors.put("text", "records.error.text");
        }
        model.addAttribute("hospital", blank(hospital));
        model.addAttribute("kinds", kinds);
        model.addAttribute("from", blank(from));
        model.addAttribute("to", blank(to));
        model.addAttribute("text", blank(text));
        model.addAttribute("allKinds", KINDS);
        model.addAttribute("errors", errors);
        if (!errors.isEmpty()) {
            model.addAttribute("page", null);
            model.addAttribute("hospitals", directory.hospitals());
            return "app/patient/records";
        }
        TimelinePage page = timeline.page(new TimelineService.Filters(blank(hospital),
                kinds.isEmpty() ? null : new java.util.HashSet<>(kinds), f, t, blank(text)),
                cursor == null || cursor.isBlank() ? null : Cursor.decode(cursor), limits.pageSize(null));
        model.addAttribute("page", page);
        model.addAttribute("moreQuery", moreQuery(hospital, kinds, from, to, text, page.nextCursor()));
        if (htmx != null && cursor != null) {
            return "app/patient/records :: days";
        }
        model.addAttribute("hospitals", directory.hospitals());
        return "app/patient/records";
    }

    @GetMapping("/labs/{loinc}")
    String trend(@PathVariable String loinc, Model model) {
        if (!loinc.matches("[0-9]{1,7}-[0-9]")) {
            throw new PageRefused(404, "error.not-found");
        }
        TrendView trend = trends.trend(loinc, TimelineService.Filters.parse(null, null, null, null, null));
        model.addAttribute("trend", trend);
        java.util.Locale locale = org.springframework.context.i18n.LocaleContextHolder.getLocale();
        model.addAttribute("chart", TrendChartData.of(trend, messages.getMessage("trend.value", null, locale),
                messages.getMessage("trend.low", null, locale), messages.getMessage("trend.high", null, locale)));
        return "app/patient/trend";
    }

    @GetMapping("/studies")
    String studies(@RequestParam(required = false) String cursor, Model model) {
        model.addAttribute("page", studies.page(TimelineService.Filters.parse(null, null, null, null, null),
                cursor == null || cursor.isBlank() ? null : Cursor.decode(cursor), limits.pageSize(null)));
        return "app/patient/studies";
    }

    @GetMapping("/studies/{study}/series/{series}/preview")
    ResponseEntity<byte[]> preview(@PathVariable String study, @PathVariable String series) {
        return previews.seriesPng(study, series)
                .map(png -> ResponseEntity.ok().contentType(MediaType.IMAGE_PNG)
                        .cacheControl(CacheControl.maxAge(java.time.Duration.ofMinutes(5)).cachePrivate())
                        .header("X-Content-Type-Options", "nosniff").body(png))
                .orElseGet(() -> ResponseEntity.notFound().build());
    }

    private static LocalDate date(String field, String value, Map<String, String> errors) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return LocalDate.parse(value.trim());
        } catch (DateTimeParseException e) {
            errors.put(field, "records.error.date");
            return null;
        }
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    /** The query of the "more" request: the same filters and the next cursor. */
    private static Map<String, Object> moreQuery(String hospital, List<String> kinds, String from, String to,
                                                 String text, String cursor) {
        Map<String, Object> q = new LinkedHashMap<>();
        if (blank(hospital) != null) {
            q.put("hospital", hospital.trim());
        }
        if (!kinds.isEmpty()) {
            q.put("kind", new ArrayList<>(kinds));
        }
        if (blank(from) != null) {
            q.put("from", from.trim());
        }
        if (blank(to) != null) {
            q.put("to", to.trim());
        }
        if (blank(text) != null) {
            q.put("text", text.trim());
        }
        q.put("cursor", cursor);
        return q;
    }
}
