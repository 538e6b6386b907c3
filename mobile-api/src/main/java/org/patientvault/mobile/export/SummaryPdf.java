package org.patientvault.mobile.export;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.fontbox.ttf.TrueTypeCollection;
import org.apache.fontbox.ttf.TrueTypeFont;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType0Font;

/**
 * Writes lines of text to an A4 PDF with one embedded (subset) CJK TrueType font, paging as needed. The document is
 * built in memory (its size is the summary's, bounded by {@code max-lab-rows}), then written to the stream.
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
        if (page == null || y - leading < MARGIN) {
            if (page != null) {
                page.close();
            }
            PDPage p = new PDPage(PDRectangle.A4);
            doc.addPage(p);
            page = new PDPageContentStream(doc, p);
            y = PDRectangle.A4.getHeight() - MARGIN;
        }
        y -= leading;
        page.beginText();
        page.setFont(font, size);
        page.newLineAtOffset(MARGIN, y);
        page.showText(printable(text));
        page.endText();
    }

    /** How many characters of {@code text} fit on one line (at least one). */
    private int fitting(String text, float size) throws IOException {
        int end = text.length();
        while (end > 1 && font.getStringWidth(text.substring(0, end)) / 1000 * size > WIDTH) {
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
