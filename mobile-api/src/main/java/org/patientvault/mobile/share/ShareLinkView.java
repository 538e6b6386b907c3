package org.patientvault.mobile.share;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * A share link as the app shows it.
 *
 * @param shlink    the {@code shlink:/} URI to hand to the doctor
 * @param qrPng     the {@code shlink} as a QR code, a {@code data:image/png;base64,} URI (level M, 6 px per module)
 * @param resources how many resources the shared file holds
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ShareLinkView(String id, String shlink, String expiresAt, String what, List<String> studies,
                            List<String> reports, int resources, String label, String qrPng) {
}
