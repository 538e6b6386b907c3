package org.patientvault.mapping.dicom;

/**
 * Limits for {@link DicomZipReader}, all measured on the bytes actually inflated (declared sizes are ignored).
 *
 * @param maxTotalUncompressed total inflated bytes over all members
 * @param maxEntryUncompressed inflated bytes of one member
 * @param maxCompressionRatio  inflated/compressed ratio, per member and overall; enforced once more than
 *                             {@code ratioGraceBytes} were inflated, so small, very compressible files pass
 * @param ratioGraceBytes      inflated bytes below which the ratio is not checked
 * @param maxEntries           zip entries of any kind, directories and ignored files included
 */
public record DicomZipLimits(long maxTotalUncompressed, long maxEntryUncompressed, double maxCompressionRatio,
        long ratioGraceBytes, int maxEntries) {

    public DicomZipLimits {
        if (maxTotalUncompressed <= 0 || maxEntryUncompressed <= 0 || maxCompressionRatio <= 1 || ratioGraceBytes < 0
                || maxEntries <= 0) {
            throw new IllegalArgumentException("zip limits must be positive (ratio > 1)");
        }
    }

    /** 8 GiB total, 2 GiB per member, ratio 200 beyond 1 MiB, 20 000 entries. */
    public static DicomZipLimits defaults() {
        return new DicomZipLimits(8L << 30, 2L << 30, 200, 1 << 20, 20_000);
    }
}
