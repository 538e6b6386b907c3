package org.patientvault.mapping.dicom;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.util.Locale;

/** Renders one frame of native pixel data to an 8-bit grey or RGB image. */
final class PixelRenderer {
    private PixelRenderer() {
    }

    /** The pixel format is outside what we render; becomes a "no preview" result. */
    public static final class Unsupported extends RuntimeException {
        public Unsupported(String message) {
            super(message);
        }
    }

    public static BufferedImage renderNative(DicomDataset ds, byte[] px, int frame) {
        int rows = ds.getInt(DicomTags.Rows, 0);
        int cols = ds.getInt(DicomTags.Columns, 0);
        int spp = ds.getInt(DicomTags.SamplesPerPixel, 1);
        int allocated = ds.getInt(DicomTags.BitsAllocated, 0);
        int frames = Math.max(1, ds.getInt(DicomTags.NumberOfFrames, 1));
        String photometric = ds.getString(DicomTags.PhotometricInterpretation, "").toUpperCase(Locale.ROOT);
        if (rows <= 0 || cols <= 0 || rows > 32768 || cols > 32768) {
            throw new Unsupported("implausible image size " + cols + "x" + rows);
        }
        if (frame < 0 || frame >= frames) {
            throw new Unsupported("frame " + frame + " out of range (" + frames + " frames)");
        }
        long frameBytes = (long) rows * cols * spp * (allocated / 8);
        if (allocated % 8 != 0 || frameBytes == 0) {
            throw new Unsupported("Bits Allocated " + allocated + " is not rendered");
        }
        long offset = frameBytes * frame;
        if (offset + frameBytes > px.length) {
            throw new Unsupported("Pixel Data has " + px.length + " bytes, frame " + frame + " needs "
                    + (offset + frameBytes));
        }
        if (photometric.equals("RGB") && spp == 3 && allocated == 8) {
            return rgb(px, (int) offset, rows, cols, ds.getInt(DicomTags.PlanarConfiguration, 0));
        }
        if ((photometric.equals("MONOCHROME1") || photometric.equals("MONOCHROME2")) && spp == 1
                && (allocated == 8 || allocated == 16)) {
            return mono(ds, px, (int) offset, rows, cols, allocated, photometric.equals("MONOCHROME1"));
        }
        throw new Unsupported("no preview for " + photometric + " with " + spp + " samples of " + allocated + " bits");
    }

    private static BufferedImage rgb(byte[] px, int offset, int rows, int cols, int planar) {
        BufferedImage img = new BufferedImage(cols, rows, BufferedImage.TYPE_INT_RGB);
        int n = rows * cols;
        for (int i = 0; i < n; i++) {
            int r;
            int g;
            int b;
            if (planar == 1) {
                r = px[offset + i] & 0xFF;
                g = px[offset + n + i] & 0xFF;
                b = px[offset + 2 * n + i] & 0xFF;
            } else {
                r = px[offset + 3 * i] & 0xFF;
                g = px[offset + 3 * i + 1] & 0xFF;
                b = px[offset + 3 * i + 2] & 0xFF;
            }
            img.setRGB(i % cols, i / cols, r << 16 | g << 8 | b);
        }
        return img;
    }

    private static BufferedImage mono(DicomDataset ds, byte[] px, int offset, int rows, int cols, int allocated,
            boolean invert) {
        int stored = ds.getInt(DicomTags.BitsStored, allocated);
        if (stored <= 0 || stored > allocated) {
            stored = allocated;
        }
        boolean signed = ds.getInt(DicomTags.PixelRepresentation, 0) == 1;
        double slope = ds.getDouble(DicomTags.RescaleSlope, 1);
        double intercept = ds.getDouble(DicomTags.RescaleIntercept, 0);
        if (slope == 0 || Double.isNaN(slope)) {
            slope = 1;
        }
        int n = rows * cols;
        double[] values = new double[n];
        int mask = (1 << stored) - 1;
        int signBit = 1 << (stored - 1);
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            int raw = allocated == 8 ? px[offset + i] & 0xFF
                    : (px[offset + 2 * i] & 0xFF) | (px[offset + 2 * i + 1] & 0xFF) << 8;
            raw &= mask;
            if (signed && (raw & signBit) != 0) {
                raw -= 1 << stored;
            }
            double v = raw * slope + intercept;
            values[i] = v;
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        double[] centers = ds.getDoubles(DicomTags.WindowCenter);
        double[] widths = ds.getDoubles(DicomTags.WindowWidth);
        BufferedImage img = new BufferedImage(cols, rows, BufferedImage.TYPE_BYTE_GRAY);
        byte[] out = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
        boolean window = centers.length > 0 && widths.length > 0 && widths[0] >= 1;
        for (int i = 0; i < n; i++) {
            double y;
            if (window) {
                y = voiLinear(values[i], centers[0], widths[0]);
            } else {
                y = max > min ? (values[i] - min) / (max - min) * 255.0 : 0;
            }
            int g = (int) Math.round(Math.max(0, Math.min(255, y)));
            out[i] = (byte) (invert ? 255 - g : g);
        }
        return img;
    }

    /** PS3.3 C.11.2.1.2.1 linear VOI function mapped to 0..255. */
    public static double voiLinear(double x, double c, double w) {
        if (x <= c - 0.5 - (w - 1) / 2) {
            return 0;
        }
        if (x > c - 0.5 + (w - 1) / 2) {
            return 255;
        }
        return ((x - (c - 0.5)) / (w - 1) + 0.5) * 255;
    }
}
