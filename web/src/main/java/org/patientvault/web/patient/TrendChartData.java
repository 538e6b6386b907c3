package org.patientvault.web.patient;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.patientvault.mobile.timeline.TrendView;

/**
 * A trend as the page's chart script reads it (a JSON data block, no inline script): one label per point, the
 * values, and the reference band as low and high series where the points carry a range.
 */
record TrendChartData(List<String> labels, List<BigDecimal> values, List<BigDecimal> low, List<BigDecimal> high,
                      String unit, String valueLabel, String lowLabel, String highLabel) {

    /** {@code texts}: the legend's words for the value, the lower and the upper limit, in the page's language. */
    static TrendChartData of(TrendView trend, String... texts) {
        List<String> labels = new ArrayList<>();
        List<BigDecimal> values = new ArrayList<>();
        List<BigDecimal> low = new ArrayList<>();
        List<BigDecimal> high = new ArrayList<>();
        boolean band = false;
        List<TrendView.Point> points = trend.points(); // oldest first, as a chart reads
        for (TrendView.Point p : points) {
            labels.add(p.date());
            values.add(p.value());
            low.add(p.range() == null ? null : p.range().low());
            high.add(p.range() == null ? null : p.range().high());
            band |= p.range() != null && p.range().low() != null && p.range().high() != null;
        }
        return new TrendChartData(labels, values, band ? low : null, band ? high : null, trend.unit(), texts[0],
                texts[1], texts[2]);
    }
}
