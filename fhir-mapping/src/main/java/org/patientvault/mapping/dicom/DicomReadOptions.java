package org.patientvault.mapping.dicom;

/**
 * Reader limits and pixel-data handling.
 *
 * @param maxValueLength largest value (or encapsulated pixel data in total) the reader accepts, in bytes
 * @param maxDepth       deepest sequence nesting accepted (1 = sequences in the top-level dataset only)
 * @param pixelData      what to do with top-level Pixel Data (7FE0,0010)
 */
public record DicomReadOptions(long maxValueLength, int maxDepth, PixelDataMode pixelData) {
    /** Pixel data handling. */
    public enum PixelDataMode {
        /** Load pixel data into memory. */
        LOAD,
        /** Skip the bytes (constant memory) and record a bulk-data reference; continue with trailing elements. */
        SKIP,
        /** Stop before the pixel data value: the stream is left at its first byte. Cheapest for metadata. */
        STOP
    }

    public DicomReadOptions {
        if (maxValueLength <= 0 || maxDepth < 0 || pixelData == null) {
            throw new IllegalArgumentException("maxValueLength > 0, maxDepth >= 0 and pixelData are required");
        }
    }

    /** 1 GiB per value, depth 16, pixel data loaded. */
    public static DicomReadOptions defaults() {
        return new DicomReadOptions(1L << 30, 16, PixelDataMode.LOAD);
    }

    /** Defaults, but skipping pixel data: for metadata of arbitrarily large files. */
    public static DicomReadOptions metadataOnly() {
        return new DicomReadOptions(1L << 30, 16, PixelDataMode.SKIP);
    }

    public DicomReadOptions withPixelData(PixelDataMode mode) {
        return new DicomReadOptions(maxValueLength, maxDepth, mode);
    }

    public DicomReadOptions withMaxValueLength(long max) {
        return new DicomReadOptions(max, maxDepth, pixelData);
    }

    public DicomReadOptions withMaxDepth(int depth) {
        return new DicomReadOptions(maxValueLength, depth, pixelData);
    }
}
