package org.patientvault.mobile.export;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * {@code vault.mobile.export.*}: the patient's "export everything".
 *
 * @param dir         where finished zips (and the parts of running ones) are written; default
 *                    {@code ${java.io.tmpdir}/patient-vault-exports}. Never the heap: a zip is streamed to disk
 * @param linkTtl     how long a finished export may be downloaded before it is deleted; default 1h
 * @param font        a TrueType font (.ttf) or collection (.ttc) with CJK glyphs, embedded in the PDF summary;
 *                    default {@code /usr/share/fonts/truetype/wqy/wqy-microhei.ttc} (Debian fonts-wqy-microhei)
 * @param threads     exports running at once; default 1 (they are I/O bound and share the FHIR server)
 * @param maxLabRows  most lab results listed in the PDF (newest first); default 500. The zip's FHIR files are complete
 * @param maxCharts   most lab trend charts in the PDF (the analytes with the most results); default 24
 * @param maxPreviewSize largest DICOM instance read into memory to render a study's preview in the PDF; default 64MB.
 *                    A larger one is still exported, only without a preview
 */
@ConfigurationProperties("vault.mobile.export")
public record ExportProperties(Path dir, Duration linkTtl, Path font, Integer threads, Integer maxLabRows,
                               Integer maxCharts, DataSize maxPreviewSize) {

    public ExportProperties {
        dir = dir == null ? Path.of(System.getProperty("java.io.tmpdir"), "patient-vault-exports") : dir;
        linkTtl = linkTtl == null ? Duration.ofHours(1) : linkTtl;
        font = font == null ? Path.of("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc") : font;
        threads = threads == null ? 1 : threads;
        maxLabRows = maxLabRows == null ? 500 : maxLabRows;
        maxCharts = maxCharts == null ? 24 : maxCharts;
        maxPreviewSize = maxPreviewSize == null ? DataSize.ofMegabytes(64) : maxPreviewSize;
        if (threads < 1 || linkTtl.isNegative() || linkTtl.isZero() || maxLabRows < 1 || maxCharts < 0
                || maxPreviewSize.isNegative() || maxPreviewSize.toBytes() > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("vault.mobile.export: need threads >= 1, a positive link-ttl, "
                    + "max-lab-rows >= 1, max-charts >= 0 and 0 <= max-preview-size < 2GB");
        }
    }
}
