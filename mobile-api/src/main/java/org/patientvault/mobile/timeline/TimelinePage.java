package org.patientvault.mobile.timeline;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * One page of the timeline, newest first, grouped by date.
 *
 * @param days       the page's items by clinical date, newest day first
 * @param total      how many items match the filters in all (what the patient may see)
 * @param nextCursor pass as {@code cursor} for the next page; absent on the last page
 * @param truncated  true when a kind has more than {@code vault.mobile.max-records} records: the oldest are not listed
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TimelinePage(List<Day> days, int total, String nextCursor, Boolean truncated) {

    public record Day(String date, List<TimelineItem> items) {
    }
}
