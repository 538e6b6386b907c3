package org.patientvault.mapping.checkup.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * RFC 4180 tokenizer: comma separator, double-quoted fields with doubled quotes as escapes, line breaks
 * inside quotes allowed, CRLF / LF / CR line ends. Text outside quotes is kept as is (trimming is the
 * caller's decision).
 */
public final class CsvTokenizer {

    private CsvTokenizer() {
    }

    public static List<CsvRecord> parse(String text) throws CsvSyntaxException {
        List<CsvRecord> out = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int line = 1;
        int recordLine = 1;
        int quoteLine = 0;
        boolean inQuotes = false;
        boolean afterQuote = false;
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (inQuotes) {
                if (c == '"') {
                    if (i + 1 < n && text.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        inQuotes = false;
                        afterQuote = true;
                    }
                } else {
                    if (c == '\n' || (c == '\r' && (i + 1 >= n || text.charAt(i + 1) != '\n'))) {
                        line++;
                    }
                    field.append(c);
                }
                continue;
            }
            if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
                afterQuote = false;
            } else if (c == '\r' || c == '\n') {
                if (c == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') {
                    i++;
                }
                fields.add(field.toString());
                field.setLength(0);
                out.add(new CsvRecord(recordLine, fields));
                fields = new ArrayList<>();
                afterQuote = false;
                line++;
                recordLine = line;
            } else if (c == '"') {
                if (afterQuote || !field.toString().isBlank()) {
                    throw new CsvSyntaxException(line, "quote character inside an unquoted field; quote the whole field and double the inner quotes");
                }
                field.setLength(0);
                inQuotes = true;
                quoteLine = line;
            } else {
                if (afterQuote && !Character.isWhitespace(c)) {
                    throw new CsvSyntaxException(line, "text after the closing quote of a field");
                }
                if (!afterQuote) {
                    field.append(c);
                }
            }
        }
        if (inQuotes) {
            throw new CsvSyntaxException(quoteLine, "quoted field opened here is never closed");
        }
        if (field.length() > 0 || !fields.isEmpty()) {
            fields.add(field.toString());
            out.add(new CsvRecord(recordLine, fields));
        }
        return out;
    }
}
