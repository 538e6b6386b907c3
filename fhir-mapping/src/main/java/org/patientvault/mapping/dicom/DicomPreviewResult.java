package org.patientvault.mapping.dicom;

/**
 * Outcome of {@link DicomPreview}: a PNG, or the reason there is none (an unsupported transfer syntax or pixel format
 * is a normal outcome, not an error).
 *
 * @param png             PNG bytes, or null when there is no preview
 * @param width           image width in pixels (0 without preview)
 * @param height          image height in pixels (0 without preview)
 * @param sopInstanceUid  the instance rendered (null without preview)
 * @param frame           the 0-based frame rendered (-1 without preview)
 * @param noPreviewReason why there is no preview, or null
 */
public record DicomPreviewResult(byte[] png, int width, int height, String sopInstanceUid, int frame,
        String noPreviewReason) {

    public static DicomPreviewResult noPreview(String reason) {
        return new DicomPreviewResult(null, 0, 0, null, -1, reason);
    }

    public boolean available() {
        return png != null;
    }
}
