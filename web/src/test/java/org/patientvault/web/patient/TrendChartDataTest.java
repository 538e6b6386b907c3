package org.patientvault.web.patient;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.patientvault.mobile.timeline.TrendView;

class TrendChartDataTest {

    private static TrendView.Point point(String date, String value, TrendView.Range range) {
        return new TrendView.Point("Observation/" + date, date, date, new BigDecimal(value), null, range, null, null,
                null);
    }

    @Test
    void theReferenceBandIsDrawnOnlyWhenThePointsCarryOne() {
        TrendView.Range normal = new TrendView.Range(new BigDecimal("3.9"), new BigDecimal("6.1"), null);
        TrendView withBand = new TrendView("1558-6", "Glucose", "mmol/L",
                List.of(point("2024-01-02", "5.4", normal), point("2024-03-04", "6.6", null)), List.of(), null);
        TrendChartData chart = TrendChartData.of(withBand, "value", "low", "high");
        assertThat(chart.labels()).containsExactly("2024-01-02", "2024-03-04");
        assertThat(chart.values()).containsExactly(new BigDecimal("5.4"), new BigDecimal("6.6"));
        assertThat(chart.low()).containsExactly(new BigDecimal("3.9"), null);
        assertThat(chart.high()).containsExactly(new BigDecimal("6.1"), null);

        TrendView noBand = new TrendView("1558-6", "Glucose", "mmol/L", List.of(point("2024-01-02", "5.4", null)),
                List.of(), null);
        assertThat(TrendChartData.of(noBand, "value", "low", "high").low()).isNull();
    }
}
