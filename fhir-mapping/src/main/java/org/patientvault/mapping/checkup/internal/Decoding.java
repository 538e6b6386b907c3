package org.patientvault.mapping.checkup.internal;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Strict decoding that reports where the first invalid byte sequence is. */
public final class Decoding {

    /** Thrown with a message naming the byte, its offset and its line. */
    public static final class InvalidBytesException extends Exception {
        private static final long serialVersionUID = 1L;

        public InvalidBytesException(String message) {
            super(message);
        }
    }

    private Decoding() {
    }

    /** Decodes all of {@code bytes} as {@code cs}, refusing malformed or unmappable input. */
    public static String strict(byte[] bytes, int offset, Charset cs) throws InvalidBytesException {
        CharsetDecoder dec = cs.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, offset, bytes.length - offset);
        CharBuffer out = CharBuffer.allocate((int) Math.min(Integer.MAX_VALUE - 16L,
                (long) (bytes.length * (double) dec.maxCharsPerByte()) + 16));
        CoderResult r = dec.decode(in, out, true);
        if (r.isError()) {
            throw invalid(bytes, in.position(), cs);
        }
        r = dec.flush(out);
        if (r.isError()) {
            throw invalid(bytes, in.position(), cs);
        }
        out.flip();
        return out.toString();
    }

    /** True when the bytes are valid UTF-8 and contain at least one multi-byte character. */
    public static boolean isNonAsciiUtf8(byte[] bytes) {
        boolean nonAscii = false;
        for (byte b : bytes) {
            if (b < 0) {
                nonAscii = true;
                break;
            }
        }
        if (!nonAscii) {
            return false;
        }
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static InvalidBytesException invalid(byte[] bytes, int offset, Charset cs) {
        int line = 1;
        for (int i = 0; i < offset && i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                line++;
            }
        }
        String b = offset < bytes.length ? String.format("0x%02X", bytes[offset] & 0xFF) : "end of input";
        return new InvalidBytesException("byte " + b + " at offset " + offset + " (line " + line
                + ") is not valid " + cs.name());
    }
}
