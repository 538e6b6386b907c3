package org.patientvault.mobile.share;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The QR encoder, checked by an independent decoder (zbarimg from the Debian package zbar-tools). */
class QrCodeTest {

    private static String decode(byte[] png) throws Exception {
        Path file = Files.createTempFile("qr", ".png");
        try {
            Files.write(file, png);
            Process p = new ProcessBuilder("zbarimg", "--raw", "-q", file.toString()).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor()).as("zbarimg found a code").isZero();
            return out.endsWith("\n") ? out.substring(0, out.length() - 1) : out;
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void decodersReadBackWhatWasEncodedAcrossVersions() throws Exception {
        StringBuilder b = new StringBuilder("shlink:/");
        for (int i = 0; b.length() < 900; i++) {
            b.append((char) ('A' + i % 26)).append(i % 10).append('_');
        }
        int[] lengths = {1, 14, 40, 120, 260, 420, 900};
        int lastVersion = 0;
        for (int n : lengths) {
            String text = b.substring(0, n);
            int version = QrCode.versionFor(text);
            assertThat(version).isGreaterThanOrEqualTo(lastVersion);
            lastVersion = version;
            assertThat(decode(QrCode.png(text, 4))).as("%d bytes, version %d", n, version).isEqualTo(text);
        }
        assertThat(lastVersion).as("versions with version information blocks are covered").isGreaterThanOrEqualTo(7);
    }
}
