package org.patientvault.vault.imaging;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * {@code vault.imaging.*}: DICOMweb in and out ({@code docs/imaging.md}).
 *
 * @param publicBaseUrl       the vault's URL as clients see it (e.g. {@code https://vault.example.org}), used in
 *                            RetrieveURLs and the ImagingStudy's Endpoint; empty = taken from each request. Default empty
 * @param maxHeaderSize       largest part of an instance before its Pixel Data (read twice: once to find the patient,
 *                            once while storing); larger instances fail with 0xA700. Default 16MB
 * @param maxZipSize          largest total inflated size of a zip upload; default 8GB
 * @param maxZipEntrySize     largest inflated member of a zip upload; default 2GB
 * @param maxZipRatio         largest inflated/compressed ratio (per member and overall, after 1 MiB); default 200
 * @param maxZipEntries       most entries in a zip upload; default 20000
 * @param maxPreviewSize      largest instance loaded to render a preview (the whole instance is read into memory);
 *                            larger ones get "no preview". Default 256MB
 */
@ConfigurationProperties("vault.imaging")
record ImagingProperties(String publicBaseUrl, DataSize maxHeaderSize, DataSize maxZipSize,
                         DataSize maxZipEntrySize, Double maxZipRatio, Integer maxZipEntries,
                         DataSize maxPreviewSize) {

    ImagingProperties {
        publicBaseUrl = publicBaseUrl == null ? "" : publicBaseUrl.strip().replaceAll("/+$", "");
        maxHeaderSize = maxHeaderSize == null ? DataSize.ofMegabytes(16) : maxHeaderSize;
        maxZipSize = maxZipSize == null ? DataSize.ofGigabytes(8) : maxZipSize;
        maxZipEntrySize = maxZipEntrySize == null ? DataSize.ofGigabytes(2) : maxZipEntrySize;
        maxZipRatio = maxZipRatio == null ? 200.0 : maxZipRatio;
        maxZipEntries = maxZipEntries == null ? 20_000 : maxZipEntries;
        maxPreviewSize = maxPreviewSize == null ? DataSize.ofMegabytes(256) : maxPreviewSize;
        if (maxHeaderSize.toBytes() < 1024 || maxHeaderSize.toBytes() > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("vault.imaging.max-header-size must be 1KB..2GB, was " + maxHeaderSize);
        }
    }
}
