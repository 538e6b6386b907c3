package org.patientvault.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.binary.api.StoredDetails;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.PayloadTooLargeException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.util.HapiExtensions;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.patientvault.storage.testing.PatternStream;

class VaultBinaryStorageSvcTest {

    static FhirContext ctx;
    final InMemoryObjectStore raw = new InMemoryObjectStore();
    final EncryptedObjectStore store = new EncryptedObjectStore(raw, EncryptedObjectStoreTest.bytes(32, 1), 4096,
            1L << 30, Duration.ofSeconds(30));
    final AtomicReference<String> patient = new AtomicReference<>("pat-1");
    final VaultBinaryStorageSvc svc = new VaultBinaryStorageSvc(ctx, store, rd -> patient.get(), 64 * 1024, 1 << 20);
    final IdType binaryId = new IdType("Binary", "b1");

    @BeforeAll
    static void context() {
        ctx = FhirContext.forR4Cached();
    }

    @Test
    void storesEncryptedUnderThePatientsKeyAndStreamsBack() throws Exception {
        byte[] data = EncryptedObjectStoreTest.bytes(200_000, 4);
        StoredDetails d = svc.storeBinaryContent(binaryId, null, "application/dicom", new ByteArrayInputStream(data),
                (RequestDetails) null);

        assertThat(d.getBytes()).isEqualTo(data.length);
        assertThat(d.getHash()).isEqualTo(EncryptedObjectStoreTest.sha256(data));
        assertThat(svc.isValidBinaryContentId(d.getBinaryContentId())).isTrue();
        assertThat(raw.stat(VaultBinaryStorageSvc.objectKey(d.getBinaryContentId())).metadata())
                .containsEntry("pv-owner", "pat-1");

        StoredDetails fetched = svc.fetchBinaryContentDetails(binaryId, d.getBinaryContentId());
        assertThat(fetched.getBytes()).isEqualTo(data.length);
        assertThat(fetched.getHash()).isEqualTo(d.getHash());
        assertThat(fetched.getContentType()).isEqualTo("application/dicom");

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(svc.writeBinaryContent(binaryId, d.getBinaryContentId(), out)).isTrue();
        assertThat(out.toByteArray()).isEqualTo(data);
        assertThat(svc.fetchBinaryContent(binaryId, d.getBinaryContentId())).isEqualTo(data);
        assertThat(svc.openRange(d.getBinaryContentId(), 70_000, 10).readAllBytes())
                .isEqualTo(Arrays.copyOfRange(data, 70_000, 70_010));

        Binary binary = new Binary();
        binary.setId(binaryId);
        binary.getDataElement().addExtension(HapiExtensions.EXT_EXTERNALIZED_BINARY_ID,
                new StringType(d.getBinaryContentId()));
        assertThat(svc.fetchDataByteArrayFromBinary(binary)).isEqualTo(data);
    }

    @Test
    void thresholdsAndIds() {
        assertThat(svc.shouldStoreBinaryContent(64 * 1024 - 1, binaryId, "x")).isFalse();
        assertThat(svc.shouldStoreBinaryContent(64 * 1024, binaryId, "x")).isTrue();
        assertThat(svc.isValidBinaryContentId("../etc")).isFalse();
        assertThat(svc.isValidBinaryContentId("a/b")).isFalse();
        assertThat(svc.newBinaryContentId()).hasSize(64).matches("[A-Za-z0-9]+");
        assertThatThrownBy(() -> new VaultBinaryStorageSvc(ctx, store, rd -> null, -1, 10))
                .isInstanceOf(StorageConfigException.class);
        assertThatThrownBy(() -> new VaultBinaryStorageSvc(ctx, store, rd -> null, 1, 2L << 30))
                .isInstanceOf(StorageConfigException.class).hasMessageContaining("Maximum binary size");
    }

    @Test
    void fallsBackToTheVaultOwner() throws Exception {
        patient.set(null);
        StoredDetails d = svc.storeBinaryContent(binaryId, "given-id", "text/plain",
                new ByteArrayInputStream(new byte[100]), (RequestDetails) null);
        assertThat(d.getBinaryContentId()).isEqualTo("given-id");
        assertThat(store.describe("binary/given-id").owner()).isEqualTo(VaultBinaryStorageSvc.DEFAULT_OWNER);
    }

    @Test
    void badInputMapsToHapi4xxAndLeavesNothing() {
        assertThatThrownBy(() -> svc.storeBinaryContent(binaryId, "big", "x",
                new PatternStream((1 << 20) + 1), (RequestDetails) null))
                .isInstanceOf(PayloadTooLargeException.class);
        assertThatThrownBy(() -> svc.storeBinaryContent(binaryId, "empty", "x", new ByteArrayInputStream(new byte[0]),
                (RequestDetails) null)).isInstanceOf(InvalidRequestException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> svc.storeBinaryContent(binaryId, "a/../b", "x", new ByteArrayInputStream(new byte[9]),
                (RequestDetails) null)).isInstanceOf(InvalidRequestException.class);
        assertThat(raw.list("binary/").count()).isZero();
    }

    @Test
    void missingExpungedAndShreddedBlobs() throws Exception {
        StoredDetails d = svc.storeBinaryContent(binaryId, null, "x", new ByteArrayInputStream(new byte[5000]),
                (RequestDetails) null);
        String id = d.getBinaryContentId();
        assertThat(svc.fetchBinaryContentDetails(binaryId, "nope")).isNull();
        assertThat(svc.writeBinaryContent(binaryId, "nope", new ByteArrayOutputStream())).isFalse();
        assertThatThrownBy(() -> svc.fetchBinaryContent(binaryId, "nope"))
                .isInstanceOf(ResourceNotFoundException.class);

        store.destroyOwnerKey("pat-1");
        assertThatThrownBy(() -> svc.fetchBinaryContent(binaryId, id)).isInstanceOf(ResourceGoneException.class);

        svc.expungeBinaryContent(binaryId, id);
        assertThat(raw.exists(VaultBinaryStorageSvc.objectKey(id))).isFalse();
        assertThat(svc.fetchBinaryContentDetails(binaryId, id)).isNull();
    }

    @Test
    void expungeHandsTheDeletionToItsPolicy() throws Exception {
        java.util.List<Runnable> pending = new java.util.ArrayList<>();
        VaultBinaryStorageSvc deferring = new VaultBinaryStorageSvc(ctx, store, rd -> patient.get(), 64 * 1024, 1 << 20,
                pending::add);
        StoredDetails d = deferring.storeBinaryContent(binaryId, null, "x", new ByteArrayInputStream(new byte[5000]),
                (RequestDetails) null);
        String key = VaultBinaryStorageSvc.objectKey(d.getBinaryContentId());

        deferring.expungeBinaryContent(binaryId, d.getBinaryContentId());
        assertThat(raw.exists(key)).as("nothing deleted until the policy runs it (e.g. after the commit)").isTrue();
        assertThat(pending).hasSize(1);
        pending.get(0).run();
        assertThat(raw.exists(key)).isFalse();
        assertThatThrownBy(() -> new VaultBinaryStorageSvc(ctx, store, rd -> null, 1, 10, null))
                .isInstanceOf(StorageConfigException.class);
    }

    @Test
    void tamperedBlobIsA500NotData() throws Exception {
        StoredDetails d = svc.storeBinaryContent(binaryId, "t", "x", new ByteArrayInputStream(new byte[10_000]),
                (RequestDetails) null);
        byte[] ct = raw.bytes("binary/t");
        ct[ct.length - 100] ^= 1;
        raw.replace("binary/t", ct);
        assertThatThrownBy(() -> svc.fetchBinaryContent(binaryId, d.getBinaryContentId()))
                .isInstanceOfSatisfying(BaseServerResponseException.class,
                        e -> assertThat(e.getStatusCode()).isEqualTo(500));
    }
}
