package org.patientvault.mobile.export;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.awt.Color;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import org.apache.fontbox.ttf.TrueTypeCollection;
import org.apache.fontbox.ttf.TrueTypeFont;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType0Font;
import org.apache.pdfbox.pdmodel.graphics.image.LosslessFactory;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;

/**
 * Writes lines of text, line charts (vector graphics) and images to an A4 PDF with one embedded (subset) CJK TrueType
 * font, paging as needed. The document is built in memory (its size is the summary's, bounded by
 * {@code max-lab-rows}, {@code max-charts} and the previews' size), then written to the stream.
 */
final class SummaryPdf implements AutoCloseable {

    private static final float MARGIN = 50;
    private static final float WIDTH = PDRectangle.A4.getWidth() - 2 * MARGIN;

    private final PDDocument doc = new PDDocument();
    private final TrueTypeCollection collection;
    private final PDType0Font font;
    private PDPageContentStream page;
    private float y;

    /**
     * @throws IOException when the font cannot be read or is not a TrueType font/collection (the message names the
     *                     path and the setting)
     */
    SummaryPdf(Path fontFile) throws IOException {
        if (!Files.isReadable(fontFile)) {
            throw new IOException(missingFont(fontFile));
        }
        try {
            if (fontFile.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".ttc")) {
                collection = new TrueTypeCollection(fontFile.toFile());
                List<TrueTypeFont> fonts = new ArrayList<>();
                collection.processAllFonts(fonts::add);
                if (fonts.isEmpty()) {
                    throw new IOException("the font collection " + fontFile + " holds no font");
                }
                font = PDType0Font.load(doc, fonts.get(0), true);
            } else {
                collection = null;
                font = PDType0Font.load(doc, fontFile.toFile());
            }
        } catch (IOException | RuntimeException e) {
            doc.close();
            throw new IOException("The PDF font " + fontFile + " cannot be loaded (vault.mobile.export.font needs a "
                    + "TrueType .ttf or .ttc with CJK glyphs)", e);
        }
    }

    static String missingFont(Path fontFile) {
        return "The PDF summary's CJK font " + fontFile + " is missing: install the Debian package "
                + "fonts-wqy-microhei or set vault.mobile.export.font to a TrueType .ttf/.ttc with CJK glyphs";
    }

    void heading(String text) throws IOException {
        space(8);
        line(text, 14);
        space(2);
    }

    void title(String text) throws IOException {
        line(text, 18);
        space(6);
    }

    /** One line of body text; longer text is wrapped at the page width. */
    void text(String text) throws IOException {
        String rest = printable(text);
        while (!rest.isEmpty()) {
            int fit = fitting(rest, 10);
            line(rest.substring(0, fit), 10);
            rest = rest.substring(fit);
        }
    }

    /** One point of a chart: a day and a value in the chart's unit. */
    record Point(LocalDate date, BigDecimal value) {
    }

    private static final float CHART_HEIGHT = 110;
    private static final int MAX_IMAGE_PIXELS = 384;
    private static final float AXIS_GUTTER = 46;
    private static final Color BAND = new Color(0xDFF0D8);
    private static final Color LINE = new Color(0x1F5FA8);
    private static final Color OUT_OF_RANGE = new Color(0xC0392B);

    /**
     * A line chart of one analyte: its points by date (joined in date order), the reference range as a shaded band,
     * value labels on the y axis (lowest, highest and the band's edges) and the first and last dates on the x axis.
     * Drawn as vector graphics; a chart never breaks across pages.
     *
     * @param low  the reference range's low end in the chart's unit, or null
     * @param high its high end, or null
     */
    void chart(String title, List<Point> points, BigDecimal low, BigDecimal high) throws IOException {
        if (points.isEmpty()) {
            return;
        }
        ensure(14 * 1.4f + CHART_HEIGHT + 24);
        line(title, 11);
        double min = points.stream().mapToDouble(p -> p.value().doubleValue()).min().orElse(0);
        double max = points.stream().mapToDouble(p -> p.value().doubleValue()).max().orElse(0);
        if (low != null) {
            min = Math.min(min, low.doubleValue());
            max = Math.max(max, low.doubleValue());
        }
        if (high != null) {
            min = Math.min(min, high.doubleValue());
            max = Math.max(max, high.doubleValue());
        }
        double pad = max > min ? (max - min) * 0.08 : Math.max(Math.abs(max) * 0.1, 1);
        double yMin = min - pad;
        double yMax = max + pad;
        long d0 = points.get(0).date().toEpochDay();
        long d1 = points.get(points.size() - 1).date().toEpochDay();
        float left = MARGIN + AXIS_GUTTER;
        float width = WIDTH - AXIS_GUTTER - 10;
        float top = y - 6;
        float bottom = top - CHART_HEIGHT;
        java.util.function.DoubleUnaryOperator yOf = v -> bottom + (float) ((v - yMin) / (yMax - yMin)) * CHART_HEIGHT;
        java.util.function.LongFunction<Float> xOf = d -> d1 == d0 ? left + width / 2
                : left + (float) (d - d0) / (d1 - d0) * width;

        if (low != null || high != null) {
            float bandLow = (float) yOf.applyAsDouble(low == null ? yMin : low.doubleValue());
            float bandHigh = (float) yOf.applyAsDouble(high == null ? yMax : high.doubleValue());
            page.setNonStrokingColor(BAND);
            page.addRect(left, bandLow, width, bandHigh - bandLow);
            page.fill();
        }
        page.setStrokingColor(Color.DARK_GRAY);
        page.setLineWidth(0.6f);
        page.moveTo(left, top);
        page.lineTo(left, bottom);
        page.lineTo(left + width, bottom);
        page.stroke();

        java.util.TreeSet<Double> labels = new java.util.TreeSet<>(List.of(min, max));
        if (low != null) {
            labels.add(low.doubleValue());
        }
        if (high != null) {
            labels.add(high.doubleValue());
        }
        float lastLabel = Float.NEGATIVE_INFINITY;
        page.setNonStrokingColor(Color.DARK_GRAY);
        for (double v : labels) {
            float ly = (float) yOf.applyAsDouble(v);
            if (ly - lastLabel < 9) {
                continue; // labels closer than a line would overprint each other
            }
            lastLabel = ly;
            label(number(v), MARGIN, ly - 2.5f, 7);
            page.moveTo(left - 3, ly);
            page.lineTo(left, ly);
            page.stroke();
        }
        label(points.get(0).date().toString(), left, bottom - 10, 7);
        if (d1 != d0) {
            String last = points.get(points.size() - 1).date().toString();
            label(last, left + width - font.getStringWidth(last) / 1000 * 7, bottom - 10, 7);
        }

        page.setStrokingColor(LINE);
        page.setLineWidth(1.2f);
        for (int i = 0; i < points.size(); i++) {
            float px = xOf.apply(points.get(i).date().toEpochDay());
            float py = (float) yOf.applyAsDouble(points.get(i).value().doubleValue());
            if (i == 0) {
                page.moveTo(px, py);
            } else {
                page.lineTo(px, py);
            }
        }
        if (points.size() > 1) {
            page.stroke();
        }
        for (Point p : points) {
            double v = p.value().doubleValue();
            boolean out = low != null && v < low.doubleValue() || high != null && v > high.doubleValue();
            page.setNonStrokingColor(out ? OUT_OF_RANGE : LINE);
            float px = xOf.apply(p.date().toEpochDay());
            float py = (float) yOf.applyAsDouble(v);
            page.addRect(px - 2, py - 2, 4, 4);
            page.fill();
        }
        page.setNonStrokingColor(Color.BLACK);
        page.setStrokingColor(Color.BLACK);
        y = bottom - 18;
    }

    /**
     * A PNG image (a study's preview), scaled to fit {@code box} points square (at most 384 pixels a side are embedded), with
     * lines of caption text beside it.
     */
    void image(byte[] png, float box, List<String> caption) throws IOException {
        java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(png));
        if (img == null) {
            throw new IOException("not an image");
        }
        int side = Math.max(img.getWidth(), img.getHeight());
        if (side > MAX_IMAGE_PIXELS) {
            // A 4k radiograph would weigh megabytes in the PDF for a thumbnail-sized picture.
            int w = Math.max(1, img.getWidth() * MAX_IMAGE_PIXELS / side);
            int h = Math.max(1, img.getHeight() * MAX_IMAGE_PIXELS / side);
            java.awt.image.BufferedImage small = new java.awt.image.BufferedImage(w, h,
                    java.awt.image.BufferedImage.TYPE_INT_RGB);
            java.awt.Graphics2D g = small.createGraphics();
            g.setRenderingHint(java.awt.RenderingHints.KEY_INTERPOLATION,
                    java.awt.RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(img, 0, 0, w, h, null);
            g.dispose();
            img = small;
        }
        float scale = Math.min(box / Math.max(img.getWidth(), img.getHeight()), 16f);
        float w = img.getWidth() * scale;
        float h = img.getHeight() * scale;
        float needed = Math.max(h, caption.size() * 14f) + 8;
        ensure(needed);
        PDImageXObject x = LosslessFactory.createFromImage(doc, img);
        page.drawImage(x, MARGIN, y - h, w, h);
        float textY = y;
        for (String c : caption) {
            textY -= 14;
            String t = printable(c);
            int fit = fittingWidth(t, 10, WIDTH - box - 12);
            label(t.substring(0, fit), MARGIN + box + 12, textY, 10);
        }
        y -= needed;
    }

    private void label(String text, float x, float baseline, float size) throws IOException {
        page.beginText();
        page.setFont(font, size);
        page.newLineAtOffset(x, baseline);
        page.showText(printable(text));
        page.endText();
    }

    private static String number(double v) {
        BigDecimal b = BigDecimal.valueOf(v).setScale(Math.abs(v) >= 1000 ? 0 : Math.abs(v) >= 10 ? 1 : 2,
                java.math.RoundingMode.HALF_UP).stripTrailingZeros();
        return b.toPlainString();
    }

    /** Starts a new page unless {@code height} points still fit on this one. */
    private void ensure(float height) throws IOException {
        if (page == null || y - height < MARGIN) {
            newPage();
        }
    }

    private void newPage() throws IOException {
        if (page != null) {
            page.close();
        }
        PDPage p = new PDPage(PDRectangle.A4);
        doc.addPage(p);
        page = new PDPageContentStream(doc, p);
        y = PDRectangle.A4.getHeight() - MARGIN;
    }

    void save(OutputStream out) throws IOException {
        if (page != null) {
            page.close();
            page = null;
        }
        doc.save(out);
    }

    @Override
    public void close() throws IOException {
        try {
            if (page != null) {
                page.close();
            }
            doc.close();
        } finally {
            if (collection != null) {
                collection.close();
            }
        }
    }

    private void space(float points) {
        y -= points;
    }

    private void line(String text, float size) throws IOException {
        float leading = size * 1.4f;
        ensure(leading);
        y -= leading;
        page.beginText();
        page.setFont(font, size);
        page.newLineAtOffset(MARGIN, y);
        page.showText(printable(text));
        page.endText();
    }

    /** How many characters of {@code text} fit on one line (at least one). */
    private int fitting(String text, float size) throws IOException {
        return fittingWidth(text, size, WIDTH);
    }

    private int fittingWidth(String text, float size, float width) throws IOException {
        int end = text.length();
        while (end > 1 && font.getStringWidth(text.substring(0, end)) / 1000 * size > width) {
            end = text.offsetByCodePoints(end, -1);
        }
        return end;
    }

    /** Characters the font has no glyph for become '?': record text is free text and must not fail the export. */
    private String printable(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(cp -> {
            if (Character.isISOControl(cp)) {
                out.append(' ');
                return;
            }
            String s = new String(Character.toChars(cp));
            try {
                font.encode(s);
                out.append(s);
            } catch (IOException | IllegalArgumentException noGlyph) {
                out.append('?');
            }
        });
        return out.toString();
    }
}
