package org.patientvault.mobile.timeline;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.Observation;
import org.patientvault.mapping.terminology.UcumUnits;
import org.patientvault.mobile.support.Hospitals;
import org.patientvault.mobile.support.MobileProblem;
import org.patientvault.mobile.support.Records;
import org.patientvault.mobile.support.Texts;
import org.springframework.stereotype.Service;

/**
 * A lab trend: every Observation of the patient with one LOINC code (a {@code code} search as the patient), each value
 * converted into one unit with fhir-mapping's UCUM table ({@link UcumUnits}), the original kept beside it. Cost: one
 * FHIR search per 200 results.
 */
@Service
public class TrendService {

    private static final Pattern LOINC = Pattern.compile("\\d{1,7}-\\d");

    private final Records records;
    private final RecordViews views;
    private final Texts texts;

    TrendService(Records records, RecordViews views, Texts texts) {
        this.records = records;
        this.views = views;
        this.texts = texts;
    }

    public TrendView trend(String loinc, TimelineService.Filters filters) {
        if (!LOINC.matcher(loinc).matches()) {
            throw MobileProblem.badRequest("'" + (loinc.length() > 20 ? loinc.substring(0, 20) + "…" : loinc)
                    + "' is not a LOINC code (such as 1558-6)");
        }
        records.self();
        Map<String, List<String>> p = new LinkedHashMap<>();
        p.put("code", List.of(RecordViews.LOINC + "|" + loinc));
        p.put("_sort", List.of("date"));
        List<String> dates = new ArrayList<>();
        if (filters.from() != null) {
            dates.add("ge" + filters.from());
        }
        if (filters.to() != null) {
            dates.add("le" + filters.to());
        }
        if (!dates.isEmpty()) {
            p.put("date", dates);
        }
        Records.Found<Observation> found = records.all(Observation.class, p);
        String unit = RecordViews.canonicalUnit(loinc).orElse(null);
        List<TimelineItem> items = new ArrayList<>();
        List<Observation> observations = new ArrayList<>();
        for (Observation o : found.resources()) {
            views.item(o).ifPresent(i -> {
                items.add(i);
                observations.add(o);
            });
        }
        if (unit == null) {
            unit = items.stream().map(i -> i.result() == null ? null : i.result().unit())
                    .filter(u -> u != null).findFirst().orElse(null);
        }
        List<TrendView.Point> points = new ArrayList<>();
        Map<String, Hospitals.Org> hospitals = new LinkedHashMap<>();
        List<Integer> order = new ArrayList<>();
        for (int n = 0; n < items.size(); n++) {
            order.add(n);
        }
        // Oldest first by clinical time, then id: a stable order whatever the searches returned.
        order.sort((a, b) -> -org.patientvault.mobile.support.Cursor.ORDER.compare(items.get(a).key(),
                items.get(b).key()));
        for (int n : order) {
            TimelineItem i = items.get(n);
            TimelineItem.Result r = i.result();
            if (r == null) {
                continue;
            }
            BigDecimal value = r.normalizedValue() != null && r.normalizedUnit().equals(unit) ? r.normalizedValue()
                    : r.value() != null && r.unit() != null && r.unit().equals(unit) ? r.value() : null;
            TrendView.Range range = null;
            Observation o = observations.get(n);
            if (o.hasReferenceRange()) {
                Observation.ObservationReferenceRangeComponent rr = o.getReferenceRangeFirstRep();
                range = new TrendView.Range(
                        RecordViews.inUnit(loinc, rr.hasLow() ? rr.getLow() : null, unit).map(BigDecimal::stripTrailingZeros)
                                .orElse(null),
                        RecordViews.inUnit(loinc, rr.hasHigh() ? rr.getHigh() : null, unit)
                                .map(BigDecimal::stripTrailingZeros).orElse(null),
                        rr.hasText() ? rr.getText() : null);
            }
            if (i.hospital() != null) {
                hospitals.putIfAbsent(i.hospital().id(), i.hospital());
            }
            points.add(new TrendView.Point(i.id(), i.date(), i.time(), value,
                    r.value() == null && r.text() == null ? null : new TrendView.Original(r.value(),
                            r.value() == null ? null : r.unit()),
                    range, r.flag(), r.flagText(), i.hospital()));
        }
        return new TrendView(loinc, texts.find("loinc." + loinc).orElse(loinc), unit, points,
                List.copyOf(hospitals.values()), found.truncated() ? Boolean.TRUE : null);
    }
}
