package org.patientvault.vault.objects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MasterKeysTest {

    @TempDir
    Path dir;

    @Test
    void configuredKeyMustBeBase64OfExactly32Bytes() {
        byte[] key = new byte[32];
        key[0] = 7;
        assertThat(MasterKeys.decode(Base64.getEncoder().encodeToString(key) + "\n", "VAULT_MASTER_KEY"))
                .isEqualTo(key);
        assertThatThrownBy(() -> MasterKeys.decode(Base64.getEncoder().encodeToString(new byte[16]), "VAULT_MASTER_KEY"))
                .isInstanceOf(MasterKeys.MasterKeyException.class)
                .hasMessageContaining("VAULT_MASTER_KEY decodes to 16 bytes").hasMessageContaining("exactly 32");
        assertThatThrownBy(() -> MasterKeys.decode("not*base64!", "VAULT_MASTER_KEY"))
                .isInstanceOf(MasterKeys.MasterKeyException.class)
                .hasMessageContaining("not valid base64").hasMessageNotContaining("not*base64!");
    }

    @Test
    void generatedOnceWithOwnerOnlyPermissionsAndReusedAfterwards() throws Exception {
        Path file = dir.resolve("data").resolve(MasterKeys.FILE_NAME);
        MasterKeys.Loaded first = MasterKeys.loadOrCreate(file);
        assertThat(first.generated()).isTrue();
        assertThat(first.key()).hasSize(32);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");

        MasterKeys.Loaded second = MasterKeys.loadOrCreate(file);
        assertThat(second.generated()).isFalse();
        assertThat(second.key()).isEqualTo(first.key());
    }

    @Test
    void aDamagedKeyFileFailsStartWithItsName() throws Exception {
        Path file = dir.resolve(MasterKeys.FILE_NAME);
        Files.writeString(file, Base64.getEncoder().encodeToString(new byte[31]));
        assertThatThrownBy(() -> MasterKeys.loadOrCreate(file))
                .isInstanceOf(MasterKeys.MasterKeyException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("31 bytes");
    }
}
