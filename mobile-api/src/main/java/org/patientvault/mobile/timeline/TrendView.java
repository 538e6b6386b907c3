package org.patientvault.mobile.timeline;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.math.BigDecimal;
import java.util.List;
import org.patientvault.mobile.support.Hospitals.Org;

/**
 * One analyte over time.
 *
 * @param loinc     the LOINC code asked for
 * @param name      its name in the request's language where known
 * @param unit      the unit every {@code value} is in: the analyte's canonical UCUM unit, else the unit of the first
 *                  result when no conversion table knows the analyte
 * @param points    oldest first
 * @param hospitals the hospitals the points come from
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TrendView(String loinc, String name, String unit, List<Point> points, List<Org> hospitals, Boolean truncated) {

    /**
     * One result.
     *
     * @param value         in {@code unit}; absent when the original unit cannot be converted (then only
     *                      {@code original} is given)
     * @param original      the value and unit as the hospital sent them
     * @param range         the reference range, converted like the value when possible
     * @param flag          high / low / normal / abnormal (see the timeline)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Point(String id, String date, String time, BigDecimal value, Original original, Range range, String flag,
                 String flagText, Org hospital) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Original(BigDecimal value, String unit) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Range(BigDecimal low, BigDecimal high, String text) {
    }
}
