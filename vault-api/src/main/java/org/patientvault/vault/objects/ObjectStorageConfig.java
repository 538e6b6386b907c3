package org.patientvault.vault.objects;

import ca.uhn.fhir.context.FhirContext;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.sql.DataSource;
import org.patientvault.storage.EncryptedObjectStore;
import org.patientvault.storage.MinioObjectStore;
import org.patientvault.storage.S3Settings;
import org.patientvault.storage.StorageConfigException;
import org.patientvault.storage.VaultBinaryStorageSvc;
import org.patientvault.vault.VaultProfile;
import org.patientvault.vault.VaultStartupReport;
import org.patientvault.vault.caller.ResourceOwners;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The object store (DESIGN §3): the configured S3 server, or S3Proxy embedded on loopback under
 * {@code $VAULT_DATA_DIR/objects}; the master key from {@code VAULT_MASTER_KEY}, or generated once into
 * {@code $VAULT_DATA_DIR/master.key}; HAPI's binary storage on the encrypted store; the orphan sweep.
 * {@code VAULT_PROFILE=production} refuses both embedded fallbacks. Interceptors are registered in
 * {@code FhirServerConfig}.
 */
@Configuration(proxyBeanMethods = false)
class ObjectStorageConfig {

    private static final Logger LOG = LoggerFactory.getLogger(ObjectStorageConfig.class);

    @Bean(destroyMethod = "close")
    EmbeddedObjects embeddedObjects(ObjectStorageProperties props, Environment env,
                                    @Value("${vault.data-dir:./data}") Path dataDir) {
        if (props.external()) {
            return EmbeddedObjects.NONE;
        }
        VaultProfile.requireExternal(env, "VAULT_S3_ENDPOINT", "object store");
        // Fresh credentials per start: the embedded server listens on loopback for this process only.
        return new EmbeddedObjects(dataDir.resolve("objects").toAbsolutePath(), randomHex(16), randomHex(32)).start();
    }

    @Bean(destroyMethod = "close")
    MinioObjectStore objectStore(ObjectStorageProperties p, EmbeddedObjects embedded, VaultStartupReport report) {
        S3Settings settings = embedded.embedded()
                ? S3Settings.of(embedded.endpoint().toString(), embedded.accessKey(), embedded.secretKey(), p.bucket())
                : S3Settings.of(p.endpoint(), p.accessKey(), p.secretKey(), p.bucket());
        settings = settings.withRegion(p.region())
                .withTimeouts(p.connectTimeout(), p.readTimeout(), p.writeTimeout())
                .withRetries(p.maxAttempts(), p.initialBackoff(), p.maxBackoff())
                .withPartSize(p.partSize().toBytes())
                .withMaxObjectSize(p.maxObjectSize().toBytes());
        report.part("objects", embedded.embedded()
                ? "embedded S3Proxy at " + embedded.endpoint() + " storing under " + embedded.directory()
                : "external S3 " + settings.endpoint() + " bucket " + settings.bucket());
        return new MinioObjectStore(settings);
    }

    @Bean
    EncryptedObjectStore encryptedObjectStore(MinioObjectStore objects, ObjectStorageProperties p, Environment env,
                                              @Value("${vault.master-key:}") String configuredKey,
                                              @Value("${vault.data-dir:./data}") Path dataDir,
                                              VaultStartupReport report) {
        byte[] key;
        if (configuredKey != null && !configuredKey.isBlank()) {
            key = MasterKeys.decode(configuredKey, "VAULT_MASTER_KEY");
            report.part("master key", "from VAULT_MASTER_KEY");
        } else {
            VaultProfile.requireExternal(env, "VAULT_MASTER_KEY", "master key");
            Path file = dataDir.resolve(MasterKeys.FILE_NAME).toAbsolutePath();
            MasterKeys.Loaded loaded = MasterKeys.loadOrCreate(file);
            key = loaded.key();
            LOG.warn("Using the {} master key in {}: whoever can read that file can decrypt every stored object."
                    + " Set VAULT_MASTER_KEY from a secret store in production.",
                    loaded.generated() ? "newly generated" : "generated", file);
            report.part("master key", "generated, in " + file);
        }
        long segment = p.segmentSize().toBytes();
        if (segment > Integer.MAX_VALUE) {
            throw new StorageConfigException("vault.s3.segment-size is too large: " + p.segmentSize());
        }
        try {
            return new EncryptedObjectStore(objects, key, (int) segment, p.maxObjectSize().toBytes(), p.ownerKeyTtl());
        } finally {
            java.util.Arrays.fill(key, (byte) 0);
        }
    }

    @Bean
    BinaryOwners binaryOwners(ResourceOwners owners) {
        return new BinaryOwners(owners);
    }

    /** Replaces HAPI's database binary storage. */
    @Bean
    VaultBinaryStorageSvc binaryStorageSvc(FhirContext ctx, EncryptedObjectStore store, BinaryOwners owners,
                                           ObjectStorageProperties p) {
        long threshold = p.inlineThreshold().toBytes();
        if (threshold > Integer.MAX_VALUE) {
            throw new StorageConfigException("vault.s3.inline-threshold is too large: " + p.inlineThreshold());
        }
        // Expunged blobs are deleted only once the expunge committed (AfterCommit).
        return new VaultBinaryStorageSvc(ctx, store, owners, (int) threshold,
                Math.min(p.maxBinarySize().toBytes(), store.maxObjectSize()), new AfterCommit());
    }

    @Bean
    BinaryStreaming binaryStreaming(VaultBinaryStorageSvc binaries) {
        return new BinaryStreaming(binaries);
    }

    @Bean(destroyMethod = "close")
    BinaryReconciliation binaryReconciliation(MinioObjectStore objects, DataSource dataSource,
                                              ObjectStorageProperties p,
                                              org.springframework.beans.factory.ObjectProvider<ReconciledPrefix> others) {
        return new BinaryReconciliation(objects, dataSource, p.reconcileInterval(), p.orphanGrace(),
                () -> others.orderedStream().toList());
    }

    private static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
