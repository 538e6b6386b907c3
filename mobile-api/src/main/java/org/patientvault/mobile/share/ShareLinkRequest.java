package org.patientvault.mobile.share;

import java.util.List;

/**
 * What the patient shares, in app terms.
 *
 * @param what     {@code everything} (default) or {@code selected}
 * @param studies  for {@code selected}: Study Instance UIDs of the patient's imaging studies
 * @param reports  for {@code selected}: ids of the patient's DiagnosticReports
 * @param days     how long the link lives, 1 to {@code vault.mobile.share.max-days}; default 7
 * @param passcode required, 6–64 characters; the doctor types it (flag {@code P})
 * @param label    optional, at most 80 characters, shown to the recipient
 */
public record ShareLinkRequest(String what, List<String> studies, List<String> reports, Integer days,
                               String passcode, String label) {
}
