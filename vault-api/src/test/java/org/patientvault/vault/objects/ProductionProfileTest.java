package org.patientvault.vault.objects;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.mock.env.MockEnvironment;

/** VAULT_PROFILE=production refuses both embedded fallbacks of the object store and names what is missing. */
class ProductionProfileTest {

    @TempDir
    Path dataDir;

    private final MockEnvironment production = new MockEnvironment().withProperty("vault.profile", "production");
    private final ObjectStorageProperties noEndpoint = new ObjectStorageProperties(null, null, null, null, null, null,
            null, null, null, null, null, null, null, null, null, null, null, null, null);

    @Test
    void noEmbeddedS3InProduction() {
        assertThatThrownBy(() -> new ObjectStorageConfig().embeddedObjects(noEndpoint, production, dataDir))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("VAULT_S3_ENDPOINT").hasMessageContaining("object store");
    }

    @Test
    void noGeneratedMasterKeyInProduction() {
        assertThatThrownBy(() -> new ObjectStorageConfig().encryptedObjectStore(null, noEndpoint, production, "",
                dataDir, new org.patientvault.vault.VaultStartupReport()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("VAULT_MASTER_KEY").hasMessageContaining("master key");
    }

    @Test
    void aMalformedMasterKeyFailsStartWithoutEchoingIt() {
        assertThatThrownBy(() -> new ObjectStorageConfig().encryptedObjectStore(null, noEndpoint, production,
                "c2hvcnQ=", dataDir, new org.patientvault.vault.VaultStartupReport()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("VAULT_MASTER_KEY decodes to 5 bytes").hasMessageNotContaining("c2hvcnQ=");
    }
}
