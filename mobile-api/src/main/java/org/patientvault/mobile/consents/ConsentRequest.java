package org.patientvault.mobile.consents;

import java.util.List;

/**
 * A consent in app terms, as the app sends it ({@code POST /consents}).
 *
 * @param kind        {@code share} (a hospital may see the records for treatment) or {@code ai-training}
 * @param hospital    for {@code share}: the hospital's id (e.g. {@code hosp-shanghai})
 * @param days        how long it lasts from today; required for {@code share} (1–3650), optional for
 *                    {@code ai-training} (absent: until revoked)
 * @param dataClasses which data: {@code imaging}, {@code laboratory}, {@code checkup}, {@code vital-signs},
 *                    {@code conditions}, {@code medications}, {@code documents} or {@code all} (the default)
 * @param purposes    for {@code ai-training}: {@code ai-training} (the default) and/or {@code research}
 * @param aiFirm      for {@code ai-training}: one AI firm's id; absent for any approved AI firm
 * @param crossBorder whether the data may leave the country (default false: domestic use only)
 */
public record ConsentRequest(String kind, String hospital, Integer days, List<String> dataClasses, List<String> purposes,
                      String aiFirm, Boolean crossBorder) {
}
