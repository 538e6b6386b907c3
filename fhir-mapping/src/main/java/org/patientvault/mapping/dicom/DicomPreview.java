package org.patientvault.mapping.dicom;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.SequenceInputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Renders a PNG preview of a series: the middle instance (by Instance Number, then SOP Instance UID) and, for
 * multi-frame instances, the middle frame.
 *
 * <p>Supported: native (uncompressed, incl. big endian and deflated) MONOCHROME1/2 with 8 or 16 bits allocated, signed
 * or unsigned, Modality LUT by Rescale Slope/Intercept, VOI by the first Window Center/Width of the header or else the
 * frame's min/max; native RGB 8-bit (either planar configuration); JPEG Baseline (1.2.840.10008.1.2.4.50) decoded with
 * {@code javax.imageio}. Everything else yields {@link DicomPreviewResult#noPreview(String)}, never an exception.
 *
 * <p>Cost: one frame is decoded; memory is about 4 bytes per pixel of that frame plus the PNG. The instance must have
 * been read with {@link DicomReadOptions.PixelDataMode#LOAD}; use {@link #middleIndex(List)} on metadata to load only
 * the instance that will be rendered. Stateless and thread-safe.
 */
public final class DicomPreview {

    /** Index (into {@code instances}) of the middle instance by Instance Number, then SOP Instance UID. */
    public static int middleIndex(List<DicomDataset> instances) {
        if (instances.isEmpty()) {
            throw new IllegalArgumentException("no instances");
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < instances.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingInt((Integer i) -> instanceNumber(instances.get(i)))
                .thenComparing(i -> instances.get(i).getString(DicomTags.SOPInstanceUID, "")));
        return order.get((order.size() - 1) / 2);
    }

    /** Renders the middle frame of the middle instance of a series. */
    public DicomPreviewResult renderSeries(List<DicomFile> instances) {
        if (instances.isEmpty()) {
            return DicomPreviewResult.noPreview("series has no instances");
        }
        List<DicomDataset> ds = new ArrayList<>();
        instances.forEach(f -> ds.add(f.dataset()));
        return render(instances.get(middleIndex(ds)));
    }

    /** Renders the middle frame of one instance. */
    public DicomPreviewResult render(DicomFile file) {
        int frames = Math.max(1, safeInt(file.dataset(), DicomTags.NumberOfFrames, 1));
        return render(file, (frames - 1) / 2);
    }

    /** Renders frame {@code frame} (0-based) of one instance. */
    public DicomPreviewResult render(DicomFile file, int frame) {
        DicomDataset ds = file.dataset();
        DicomElement px = ds.get(DicomTags.PixelData).orElse(null);
        if (px == null) {
            return DicomPreviewResult.noPreview("instance has no Pixel Data");
        }
        if (px.isBulkDataReference()) {
            return DicomPreviewResult.noPreview("Pixel Data was not loaded (read with PixelDataMode.LOAD)");
        }
        try {
            BufferedImage image;
            String ts = file.transferSyntaxUid();
            if (DicomTransferSyntax.isNative(ts)) {
                if (px.isEncapsulated()) {
                    return DicomPreviewResult.noPreview("encapsulated Pixel Data in a native transfer syntax");
                }
                image = PixelRenderer.renderNative(ds, px.bytes(), frame);
            } else if (DicomTransferSyntax.JPEG_BASELINE.equals(ts)) {
                image = renderJpeg(ds, px, frame);
            } else {
                return DicomPreviewResult.noPreview("no preview for transfer syntax " + ts);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (!ImageIO.write(image, "png", out)) {
                return DicomPreviewResult.noPreview("no PNG writer available");
            }
            return new DicomPreviewResult(out.toByteArray(), image.getWidth(), image.getHeight(),
                    ds.getString(DicomTags.SOPInstanceUID), frame, null);
        } catch (PixelRenderer.Unsupported e) {
            return DicomPreviewResult.noPreview(e.getMessage());
        } catch (DicomValueException e) {
            return DicomPreviewResult.noPreview("unreadable image attribute: " + e.getMessage());
        } catch (IOException | RuntimeException e) {
            // ImageIO reports corrupt JPEG streams with assorted runtime exceptions; a preview is best effort.
            return DicomPreviewResult.noPreview("could not decode image: " + e.getClass().getSimpleName() + ": "
                    + e.getMessage());
        }
    }

    private static BufferedImage renderJpeg(DicomDataset ds, DicomElement px, int frame) throws IOException {
        List<byte[]> fragments = px.fragments();
        int frames = Math.max(1, safeInt(ds, DicomTags.NumberOfFrames, 1));
        if (frame < 0 || frame >= frames) {
            throw new PixelRenderer.Unsupported("frame " + frame + " out of range (" + frames + " frames)");
        }
        List<byte[]> parts = frameFragments(fragments, frames, frame);
        List<ByteArrayInputStream> streams = new ArrayList<>();
        parts.forEach(p -> streams.add(new ByteArrayInputStream(p)));
        BufferedImage decoded = ImageIO.read(new SequenceInputStream(Collections.enumeration(streams)));
        if (decoded == null) {
            throw new PixelRenderer.Unsupported("JPEG fragment could not be decoded");
        }
        String photometric = ds.getString(DicomTags.PhotometricInterpretation, "").toUpperCase(Locale.ROOT);
        boolean mono = photometric.startsWith("MONOCHROME") || decoded.getColorModel().getNumComponents() == 1;
        BufferedImage out = new BufferedImage(decoded.getWidth(), decoded.getHeight(),
                mono ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        out.getGraphics().drawImage(decoded, 0, 0, null);
        if (photometric.equals("MONOCHROME1")) {
            byte[] data = ((java.awt.image.DataBufferByte) out.getRaster().getDataBuffer()).getData();
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) (255 - (data[i] & 0xFF));
            }
        }
        return out;
    }

    /** Fragments of one frame: all of them for single-frame images, else by offset table or one per frame. */
    private static List<byte[]> frameFragments(List<byte[]> fragments, int frames, int frame) {
        List<byte[]> data = fragments.subList(1, fragments.size());
        if (frames == 1) {
            return data;
        }
        byte[] bot = fragments.get(0);
        if (bot.length >= 4 * frames) {
            long start = u32(bot, frame * 4);
            long end = frame + 1 < frames ? u32(bot, (frame + 1) * 4) : Long.MAX_VALUE;
            List<byte[]> out = new ArrayList<>();
            long pos = 0;
            for (byte[] f : data) {
                if (pos >= start && pos < end) {
                    out.add(f);
                }
                pos += 8 + f.length;
            }
            if (!out.isEmpty()) {
                return out;
            }
        } else if (data.size() == frames) {
            return List.of(data.get(frame));
        }
        throw new PixelRenderer.Unsupported("cannot locate frame " + frame + " among " + data.size() + " fragments");
    }

    private static long u32(byte[] b, int at) {
        return (b[at] & 0xFFL) | (b[at + 1] & 0xFFL) << 8 | (b[at + 2] & 0xFFL) << 16 | (b[at + 3] & 0xFFL) << 24;
    }

    private static int instanceNumber(DicomDataset ds) {
        return safeInt(ds, DicomTags.InstanceNumber, Integer.MAX_VALUE);
    }

    private static int safeInt(DicomDataset ds, int tag, int def) {
        try {
            return ds.getInt(tag, def);
        } catch (DicomValueException e) {
            return def;
        }
    }
}
