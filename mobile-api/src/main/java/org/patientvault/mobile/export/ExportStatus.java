package org.patientvault.mobile.export;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * An export as the app shows it: progress while it runs, then a download link until it expires.
 *
 * @param status     {@code queued}, {@code running}, {@code done}, {@code failed} or {@code expired}
 * @param percent    0–100 (100 only when done)
 * @param itemsDone  records and DICOM instances written so far
 * @param itemsTotal the number expected (grows once the record has been read: the studies' instances are counted then)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ExportStatus(String id, String status, int percent, long itemsDone, long itemsTotal,
                           Instant createdAt, Instant finishedAt, Download download, String error) {

    /** Where and until when the zip can be fetched (with the same bearer token). */
    public record Download(String url, Instant expiresAt, long bytes) {
    }
}
