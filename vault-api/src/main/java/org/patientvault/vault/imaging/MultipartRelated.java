package org.patientvault.vault.imaging;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Streaming reader of a {@code multipart/related} body (RFC 2387 / RFC 2046 §5.1): parts are handed out one at a time
 * as streams that end at the next delimiter, so a part is never held in memory.
 *
 * <p>Cost: one 64 KiB buffer; the delimiter search is a scan of every byte. A part's headers are limited to 16 KiB.
 * Not thread-safe; read each part to its end (or let {@link #next()} skip the rest) before asking for the next.
 */
final class MultipartRelated {

    /** The body is not a well-formed multipart body. */
    static final class MalformedMultipartException extends IOException {
        MalformedMultipartException(String message) {
            super(message);
        }
    }

    /** One part: its headers (names lower case) and its content, ending at the delimiter. */
    record Part(Map<String, String> headers, InputStream body) {
        String contentType() {
            return headers.get("content-type");
        }
    }

    private static final int BUFFER = 64 * 1024;
    private static final int MAX_HEADERS = 16 * 1024;

    private final InputStream in;
    private final byte[] delimiter;
    private final byte[] buf;
    private int pos;
    private int limit;
    /** No delimiter starts in buf[pos, clean): spares rescanning on small reads. */
    private int clean;
    private boolean eof;
    private boolean finished;
    private PartStream current;

    MultipartRelated(InputStream in, String boundary) {
        this.in = in;
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        this.buf = new byte[BUFFER + delimiter.length];
        // The first delimiter may open the body without a preceding CRLF: pretend there was one.
        buf[0] = '\r';
        buf[1] = '\n';
        limit = 2;
    }

    /**
     * The {@code boundary} parameter of a multipart Content-Type, or null when there is none or it is not a legal
     * boundary (1 to 70 characters, RFC 2046).
     */
    static String boundaryOf(String contentType) {
        String b = parameter(contentType, "boundary");
        return b == null || b.isEmpty() || b.length() > 70 ? null : b;
    }

    /** A parameter of a media type (quoted or not), or null. Names are compared case-insensitively. */
    static String parameter(String contentType, String name) {
        if (contentType == null) {
            return null;
        }
        String[] parts = contentType.split(";");
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].strip();
            int eq = p.indexOf('=');
            if (eq > 0 && p.substring(0, eq).strip().equalsIgnoreCase(name)) {
                String v = p.substring(eq + 1).strip();
                if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                    v = v.substring(1, v.length() - 1);
                }
                return v;
            }
        }
        return null;
    }

    /** The media type without parameters, lower case; "" for null. */
    static String mediaType(String contentType) {
        if (contentType == null) {
            return "";
        }
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
    }

    /** The next part, or null after the close delimiter. */
    Part next() throws IOException {
        if (finished) {
            return null;
        }
        if (current == null) {
            // Preamble: everything before the first delimiter is ignored.
            skipToDelimiter();
        } else {
            current.skipRest();
        }
        // After a delimiter: "--" closes; otherwise optional whitespace, then CRLF.
        if (!ensure(2)) {
            throw new MalformedMultipartException("body ends right after a boundary");
        }
        if (buf[pos] == '-' && buf[pos + 1] == '-') {
            finished = true;
            return null;
        }
        while (ensure(1) && (buf[pos] == ' ' || buf[pos] == '\t')) {
            pos++;
        }
        if (!ensure(2) || buf[pos] != '\r' || buf[pos + 1] != '\n') {
            throw new MalformedMultipartException("boundary line is not followed by CRLF");
        }
        pos += 2;
        Map<String, String> headers = readHeaders();
        current = new PartStream();
        return new Part(headers, current);
    }

    private Map<String, String> readHeaders() throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int total = 0;
        String last = null;
        while (true) {
            if (!ensure(1)) {
                throw new MalformedMultipartException("body ends inside part headers");
            }
            byte b = buf[pos++];
            if (++total > MAX_HEADERS) {
                throw new MalformedMultipartException("part headers exceed " + MAX_HEADERS + " bytes");
            }
            if (b != '\n') {
                line.write(b);
                continue;
            }
            String text = line.toString(StandardCharsets.ISO_8859_1);
            line.reset();
            if (text.endsWith("\r")) {
                text = text.substring(0, text.length() - 1);
            }
            if (text.isEmpty()) {
                return headers;
            }
            if ((text.startsWith(" ") || text.startsWith("\t")) && last != null) {
                headers.put(last, headers.get(last) + " " + text.strip());
                continue;
            }
            int colon = text.indexOf(':');
            if (colon <= 0) {
                throw new MalformedMultipartException("malformed part header line");
            }
            last = text.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            headers.put(last, text.substring(colon + 1).strip());
        }
    }

    private void skipToDelimiter() throws IOException {
        byte[] scratch = new byte[8192];
        PartStream preamble = new PartStream();
        while (preamble.read(scratch, 0, scratch.length) >= 0) {
            // discard
        }
    }

    /** Makes at least {@code n} bytes available from {@code pos}; false when the body ends first. */
    private boolean ensure(int n) throws IOException {
        if (limit - pos >= n) {
            return true;
        }
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, limit - pos);
            limit -= pos;
            clean = Math.max(0, clean - pos);
            pos = 0;
        }
        while (limit - pos < n && !eof) {
            int r = in.read(buf, limit, buf.length - limit);
            if (r < 0) {
                eof = true;
            } else {
                limit += r;
            }
        }
        return limit - pos >= n;
    }

    /** Index of the delimiter in buf[pos, limit), or -1. */
    private int find() {
        byte first = delimiter[0];
        int last = limit - delimiter.length;
        outer:
        for (int i = Math.max(pos, clean); i <= last; i++) {
            if (buf[i] != first) {
                continue;
            }
            for (int j = 1; j < delimiter.length; j++) {
                if (buf[i + j] != delimiter[j]) {
                    continue outer;
                }
            }
            clean = i;
            return i;
        }
        clean = Math.max(clean, last + 1);
        return -1;
    }

    /** The content of one part: ends (and consumes the delimiter) at the next delimiter. */
    private final class PartStream extends InputStream {
        private boolean done;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            // Enough bytes to see a whole delimiter, unless the body ends.
            ensure(Math.min(buf.length, delimiter.length + 1));
            int at = find();
            int available;
            if (at == pos) {
                pos += delimiter.length;
                done = true;
                return -1;
            } else if (at > pos) {
                available = at - pos;
            } else {
                if (eof && limit - pos < delimiter.length + 1) {
                    throw new MalformedMultipartException("body ends without a closing boundary");
                }
                // A delimiter may start in the last delimiter.length - 1 bytes: keep them.
                available = limit - pos - (delimiter.length - 1);
                if (available <= 0) {
                    if (!ensure(limit - pos + 1)) {
                        throw new MalformedMultipartException("body ends without a closing boundary");
                    }
                    return read(b, off, len);
                }
            }
            int n = Math.min(len, available);
            System.arraycopy(buf, pos, b, off, n);
            pos += n;
            return n;
        }

        void skipRest() throws IOException {
            byte[] scratch = new byte[8192];
            while (read(scratch, 0, scratch.length) >= 0) {
                // discard
            }
        }
    }
}
