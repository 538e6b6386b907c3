package org.patientvault.mobile.timeline;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.patientvault.mobile.MobileApi;
import org.patientvault.mobile.support.Cursor;
import org.patientvault.mobile.support.Limits;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /timeline}, {@code /labs/{loinc}/trend} and {@code /studies}: the patient's records across hospitals. */
@RestController
@Tag(name = "records")
class TimelineController {

    private final TimelineService timeline;
    private final TrendService trends;
    private final StudiesService studies;
    private final Limits limits;

    TimelineController(TimelineService timeline, TrendService trends, StudiesService studies, Limits limits) {
        this.timeline = timeline;
        this.trends = trends;
        this.studies = studies;
        this.limits = limits;
    }

    @GetMapping(MobileApi.BASE + "/timeline")
    @Operation(summary = "One stream of lab results, checkups, imaging studies and reports across hospitals, newest "
            + "first, grouped by date")
    TimelinePage timeline(
            @Parameter(description = "only records sent by this hospital (its id, e.g. hosp-beijing)")
            @RequestParam(required = false) String hospital,
            @Parameter(description = "only these kinds: lab, checkup, imaging, report (repeat or comma-separate)")
            @RequestParam(required = false) List<String> kind,
            @Parameter(description = "from this clinical date (yyyy-MM-dd), inclusive")
            @RequestParam(required = false) String from,
            @Parameter(description = "until this clinical date (yyyy-MM-dd), inclusive")
            @RequestParam(required = false) String to,
            @Parameter(description = "words in the title, code, result text or hospital name")
            @RequestParam(required = false) String text,
            @Parameter(description = "the nextCursor of the previous page")
            @RequestParam(required = false) String cursor,
            @Parameter(description = "items per page (default 20, at most 100)")
            @RequestParam(required = false) Integer limit) {
        return timeline.page(TimelineService.Filters.parse(hospital, kind, from, to, text), Cursor.decode(cursor),
                limits.pageSize(limit));
    }

    @GetMapping(MobileApi.BASE + "/labs/{loinc}/trend")
    @Operation(summary = "One lab value over time across hospitals, normalised to one unit, originals kept")
    TrendView trend(@PathVariable String loinc,
                    @RequestParam(required = false) String from,
                    @RequestParam(required = false) String to) {
        return trends.trend(loinc, TimelineService.Filters.parse(null, null, from, to, null));
    }

    @GetMapping(MobileApi.BASE + "/studies")
    @Operation(summary = "The patient's imaging studies, newest first, with series, previews and download links")
    StudiesPage studies(@RequestParam(required = false) String hospital,
                        @RequestParam(required = false) String cursor,
                        @RequestParam(required = false) Integer limit) {
        return studies.page(TimelineService.Filters.parse(hospital, null, null, null, null), Cursor.decode(cursor),
                limits.pageSize(limit));
    }
}
