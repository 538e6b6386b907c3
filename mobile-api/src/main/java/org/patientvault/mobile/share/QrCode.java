package org.patientvault.mobile.share;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import javax.imageio.ImageIO;

/**
 * A minimal QR code encoder (ISO/IEC 18004, model 2): byte mode, error correction level M, versions 1–40, mask chosen
 * by the standard's penalty rules. Written here because no QR library is available to the build; its output is
 * checked by decoding it with an independent reader (zbarimg) in {@code QrCodeTest}. Cost: a few milliseconds for a
 * link-sized text.
 */
final class QrCode {

    // Per version (index 1–40), level M: error correction codewords per block, and number of blocks.
    private static final int[] ECC_PER_BLOCK = {-1, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28,
        28, 26, 26, 26, 26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28};
    private static final int[] BLOCKS = {-1, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17,
        17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49};
    /** Level M in the format information. */
    private static final int FORMAT_BITS_M = 0;

    private final int version;
    private final int size;
    private final boolean[][] modules;
    private final boolean[][] function;

    private QrCode(byte[] text) {
        int v = 1;
        while (true) {
            int capacity = dataCodewords(v) * 8;
            int used = 4 + (v <= 9 ? 8 : 16) + text.length * 8;
            if (used <= capacity) {
                break;
            }
            if (++v > 40) {
                throw new IllegalArgumentException("too long for a QR code: " + text.length + " bytes");
            }
        }
        version = v;
        size = version * 4 + 17;
        modules = new boolean[size][size];
        function = new boolean[size][size];
        drawFunctionPatterns();
        drawCodewords(interleave(dataBits(text)));
        int best = 0;
        long bestPenalty = Long.MAX_VALUE;
        for (int mask = 0; mask < 8; mask++) {
            applyMask(mask);
            drawFormatBits(mask);
            long penalty = penalty();
            if (penalty < bestPenalty) {
                best = mask;
                bestPenalty = penalty;
            }
            applyMask(mask);
        }
        applyMask(best);
        drawFormatBits(best);
    }

    /** A PNG of the code for {@code text}: {@code scale} pixels per module, a 4-module quiet zone. */
    static byte[] png(String text, int scale) {
        QrCode qr = new QrCode(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        int border = 4;
        int px = (qr.size + 2 * border) * scale;
        BufferedImage img = new BufferedImage(px, px, BufferedImage.TYPE_BYTE_BINARY);
        for (int y = 0; y < px; y++) {
            for (int x = 0; x < px; x++) {
                int mx = x / scale - border;
                int my = y / scale - border;
                boolean dark = mx >= 0 && my >= 0 && mx < qr.size && my < qr.size && qr.modules[my][mx];
                img.setRGB(x, y, dark ? 0x000000 : 0xFFFFFF);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    /** The version chosen (for tests). */
    static int versionFor(String text) {
        return new QrCode(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)).version;
    }

    private static int rawDataModules(int ver) {
        int result = (16 * ver + 128) * ver + 64;
        if (ver >= 2) {
            int numAlign = ver / 7 + 2;
            result -= (25 * numAlign - 10) * numAlign - 55;
            if (ver >= 7) {
                result -= 36;
            }
        }
        return result;
    }

    private static int dataCodewords(int ver) {
        return rawDataModules(ver) / 8 - ECC_PER_BLOCK[ver] * BLOCKS[ver];
    }

    private byte[] dataBits(byte[] text) {
        int capacity = dataCodewords(version);
        byte[] out = new byte[capacity];
        int[] pos = {0};
        java.util.function.BiConsumer<Integer, Integer> put = (value, bits) -> {
            for (int i = bits - 1; i >= 0; i--) {
                if (((value >>> i) & 1) != 0) {
                    out[pos[0] >>> 3] |= (byte) (0x80 >>> (pos[0] & 7));
                }
                pos[0]++;
            }
        };
        put.accept(0b0100, 4);
        put.accept(text.length, version <= 9 ? 8 : 16);
        for (byte b : text) {
            put.accept(b & 0xFF, 8);
        }
        put.accept(0, Math.min(4, capacity * 8 - pos[0]));
        pos[0] = (pos[0] + 7) / 8 * 8;
        for (int i = pos[0] / 8, pad = 0xEC; i < capacity; i++, pad ^= 0xEC ^ 0x11) {
            out[i] = (byte) pad;
        }
        return out;
    }

    private byte[] interleave(byte[] data) {
        int numBlocks = BLOCKS[version];
        int eccLen = ECC_PER_BLOCK[version];
        int raw = rawDataModules(version) / 8;
        int numShort = numBlocks - raw % numBlocks;
        int shortLen = raw / numBlocks;
        byte[][] blocks = new byte[numBlocks][];
        byte[] divisor = rsDivisor(eccLen);
        for (int i = 0, k = 0; i < numBlocks; i++) {
            byte[] dat = Arrays.copyOfRange(data, k, k + shortLen - eccLen + (i < numShort ? 0 : 1));
            k += dat.length;
            byte[] block = Arrays.copyOf(dat, shortLen + 1);
            byte[] ecc = rsRemainder(dat, divisor);
            System.arraycopy(ecc, 0, block, block.length - eccLen, ecc.length);
            blocks[i] = block;
        }
        byte[] result = new byte[raw];
        for (int i = 0, k = 0; i < blocks[0].length; i++) {
            for (int j = 0; j < blocks.length; j++) {
                if (i != shortLen - eccLen || j >= numShort) {
                    result[k++] = blocks[j][i];
                }
            }
        }
        return result;
    }

    private static byte[] rsDivisor(int degree) {
        byte[] result = new byte[degree];
        result[degree - 1] = 1;
        int root = 1;
        for (int i = 0; i < degree; i++) {
            for (int j = 0; j < result.length; j++) {
                result[j] = (byte) gfMultiply(result[j] & 0xFF, root);
                if (j + 1 < result.length) {
                    result[j] ^= result[j + 1];
                }
            }
            root = gfMultiply(root, 0x02);
        }
        return result;
    }

    private static byte[] rsRemainder(byte[] data, byte[] divisor) {
        byte[] result = new byte[divisor.length];
        for (byte b : data) {
            int factor = (b ^ result[0]) & 0xFF;
            System.arraycopy(result, 1, result, 0, result.length - 1);
            result[result.length - 1] = 0;
            for (int i = 0; i < result.length; i++) {
                result[i] ^= (byte) gfMultiply(divisor[i] & 0xFF, factor);
            }
        }
        return result;
    }

    private static int gfMultiply(int x, int y) {
        int z = 0;
        for (int i = 7; i >= 0; i--) {
            z = (z << 1) ^ ((z >>> 7) * 0x11D);
            z ^= ((y >>> i) & 1) * x;
        }
        return z;
    }

    private void set(int x, int y, boolean dark) {
        modules[y][x] = dark;
        function[y][x] = true;
    }

    private void drawFunctionPatterns() {
        for (int i = 0; i < size; i++) {
            set(6, i, i % 2 == 0);
            set(i, 6, i % 2 == 0);
        }
        finder(3, 3);
        finder(size - 4, 3);
        finder(3, size - 4);
        if (version >= 2) {
            int numAlign = version / 7 + 2;
            int step = (version * 8 + numAlign * 3 + 5) / (numAlign * 4 - 4) * 2;
            int[] pos = new int[numAlign];
            pos[0] = 6;
            for (int i = numAlign - 1, p = size - 7; i >= 1; i--, p -= step) {
                pos[i] = p;
            }
            for (int i = 0; i < numAlign; i++) {
                for (int j = 0; j < numAlign; j++) {
                    if ((i == 0 && j == 0) || (i == 0 && j == numAlign - 1) || (i == numAlign - 1 && j == 0)) {
                        continue;
                    }
                    for (int dy = -2; dy <= 2; dy++) {
                        for (int dx = -2; dx <= 2; dx++) {
                            set(pos[i] + dx, pos[j] + dy, Math.max(Math.abs(dx), Math.abs(dy)) != 1);
                        }
                    }
                }
            }
        }
        drawFormatBits(0);
        if (version >= 7) {
            int rem = version;
            for (int i = 0; i < 12; i++) {
                rem = (rem << 1) ^ ((rem >>> 11) * 0x1F25);
            }
            long bits = (long) version << 12 | rem;
            for (int i = 0; i < 18; i++) {
                boolean bit = ((bits >>> i) & 1) != 0;
                int a = size - 11 + i % 3;
                int b = i / 3;
                set(a, b, bit);
                set(b, a, bit);
            }
        }
    }

    private void finder(int cx, int cy) {
        for (int dy = -4; dy <= 4; dy++) {
            for (int dx = -4; dx <= 4; dx++) {
                int dist = Math.max(Math.abs(dx), Math.abs(dy));
                int x = cx + dx;
                int y = cy + dy;
                if (x >= 0 && x < size && y >= 0 && y < size) {
                    set(x, y, dist != 2 && dist != 4);
                }
            }
        }
    }

    private void drawFormatBits(int mask) {
        int data = FORMAT_BITS_M << 3 | mask;
        int rem = data;
        for (int i = 0; i < 10; i++) {
            rem = (rem << 1) ^ ((rem >>> 9) * 0x537);
        }
        int bits = (data << 10 | rem) ^ 0x5412;
        for (int i = 0; i <= 5; i++) {
            set(8, i, bit(bits, i));
        }
        set(8, 7, bit(bits, 6));
        set(8, 8, bit(bits, 7));
        set(7, 8, bit(bits, 8));
        for (int i = 9; i < 15; i++) {
            set(14 - i, 8, bit(bits, i));
        }
        for (int i = 0; i < 8; i++) {
            set(size - 1 - i, 8, bit(bits, i));
        }
        for (int i = 8; i < 15; i++) {
            set(8, size - 15 + i, bit(bits, i));
        }
        set(8, size - 8, true);
    }

    private static boolean bit(int x, int i) {
        return ((x >>> i) & 1) != 0;
    }

    private void drawCodewords(byte[] data) {
        int i = 0;
        for (int right = size - 1; right >= 1; right -= 2) {
            if (right == 6) {
                right = 5;
            }
            for (int vert = 0; vert < size; vert++) {
                for (int j = 0; j < 2; j++) {
                    int x = right - j;
                    boolean upward = ((right + 1) & 2) == 0;
                    int y = upward ? size - 1 - vert : vert;
                    if (!function[y][x] && i < data.length * 8) {
                        modules[y][x] = bit(data[i >>> 3], 7 - (i & 7));
                        i++;
                    }
                }
            }
        }
    }

    private void applyMask(int mask) {
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                boolean invert = switch (mask) {
                    case 0 -> (x + y) % 2 == 0;
                    case 1 -> y % 2 == 0;
                    case 2 -> x % 3 == 0;
                    case 3 -> (x + y) % 3 == 0;
                    case 4 -> (x / 3 + y / 2) % 2 == 0;
                    case 5 -> x * y % 2 + x * y % 3 == 0;
                    case 6 -> (x * y % 2 + x * y % 3) % 2 == 0;
                    default -> ((x + y) % 2 + x * y % 3) % 2 == 0;
                };
                if (invert && !function[y][x]) {
                    modules[y][x] = !modules[y][x];
                }
            }
        }
    }

    /** Rules 1 (runs), 2 (2×2 blocks) and 4 (balance) of the standard; rule 3 (finder-like) is left out. */
    private long penalty() {
        long result = 0;
        for (int a = 0; a < size; a++) {
            int runRow = 0;
            int runCol = 0;
            for (int b = 0; b < size; b++) {
                runRow = b > 0 && modules[a][b] == modules[a][b - 1] ? runRow + 1 : 1;
                runCol = b > 0 && modules[b][a] == modules[b - 1][a] ? runCol + 1 : 1;
                result += runRow == 5 ? 3 : runRow > 5 ? 1 : 0;
                result += runCol == 5 ? 3 : runCol > 5 ? 1 : 0;
            }
        }
        int dark = 0;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                dark += modules[y][x] ? 1 : 0;
                if (x + 1 < size && y + 1 < size && modules[y][x] == modules[y][x + 1]
                        && modules[y][x] == modules[y + 1][x] && modules[y][x] == modules[y + 1][x + 1]) {
                    result += 3;
                }
            }
        }
        int total = size * size;
        int k = (Math.abs(dark * 20 - total * 10) + total - 1) / total - 1;
        return result + Math.max(0, k) * 10L;
    }
}
