package org.patientvault.mapping.deid.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 under one key. A {@link Mac} is not thread-safe and {@code Mac.getInstance} costs a provider lookup, so
 * each thread keeps its own initialised clone. The key is never exposed or printed.
 */
public final class Hmac {
    private final SecretKeySpec key;
    private final ThreadLocal<Mac> macs;

    public Hmac(byte[] key) {
        if (key == null || key.length < 16) {
            throw new IllegalArgumentException("an HMAC key needs at least 16 bytes");
        }
        this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
        this.macs = ThreadLocal.withInitial(this::newMac);
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** HMAC of {@code label 0x00 message} (UTF-8): the label separates the uses of one key. 32 bytes. */
    public byte[] mac(String label, String message) {
        Mac mac = macs.get();
        mac.update(label.getBytes(StandardCharsets.UTF_8));
        mac.update((byte) 0);
        return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
    }

    /** HMAC of {@code label 0x00 bytes}. */
    public byte[] mac(String label, byte[] message, int offset, int length) {
        Mac mac = macs.get();
        mac.update(label.getBytes(StandardCharsets.UTF_8));
        mac.update((byte) 0);
        mac.update(message, offset, length);
        return mac.doFinal();
    }

    /** Constant-time comparison of the first {@code n} bytes. */
    public static boolean equalPrefix(byte[] a, int aOff, byte[] b, int n) {
        byte[] x = new byte[n];
        System.arraycopy(a, aOff, x, 0, n);
        byte[] y = new byte[n];
        System.arraycopy(b, 0, y, 0, n);
        return MessageDigest.isEqual(x, y);
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    public static String hex(byte[] b, int offset, int length) {
        char[] c = new char[length * 2];
        for (int i = 0; i < length; i++) {
            int v = b[offset + i] & 0xFF;
            c[2 * i] = HEX[v >>> 4];
            c[2 * i + 1] = HEX[v & 0xF];
        }
        return new String(c);
    }

    /** Parses lower-case hex; null when {@code s} is not exactly {@code 2 * n} lower-case hex digits. */
    public static byte[] unhex(String s, int n) {
        if (s == null || s.length() != 2 * n) {
            return null;
        }
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            int hi = Character.digit(s.charAt(2 * i), 16);
            int lo = Character.digit(s.charAt(2 * i + 1), 16);
            if (hi < 0 || lo < 0 || Character.isUpperCase(s.charAt(2 * i)) || Character.isUpperCase(s.charAt(2 * i + 1))) {
                return null;
            }
            out[i] = (byte) (hi << 4 | lo);
        }
        return out;
    }
}
