package org.patientvault.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OrphanReconcilerTest {

    @Test
    void deletesOnlyOldUnreferencedObjectsUnderThePrefix() {
        InMemoryObjectStore raw = new InMemoryObjectStore();
        for (String k : new String[] {"binary/ref", "binary/orphan", "keys/o/k1", "other/x"}) {
            raw.put(k, new ByteArrayInputStream(new byte[3]), 3, null);
        }
        Clock later = Clock.fixed(Instant.now().plus(Duration.ofHours(2)), ZoneOffset.UTC);
        OrphanReconciler r = new OrphanReconciler(raw, "binary/", Set.of("ref")::contains, Duration.ofHours(1), later,
                Duration.ofMinutes(1));

        ReconcileReport report = r.reconcile();

        assertThat(report.scanned()).isEqualTo(2);
        assertThat(report.deleted()).isEqualTo(1);
        assertThat(report.referenced()).isEqualTo(1);
        assertThat(raw.exists("binary/orphan")).isFalse();
        assertThat(raw.exists("binary/ref")).isTrue();
        assertThat(raw.exists("keys/o/k1")).isTrue();
        assertThat(raw.exists("other/x")).isTrue();
    }

    @Test
    void keepsObjectsYoungerThanTheGracePeriod() {
        InMemoryObjectStore raw = new InMemoryObjectStore();
        raw.put("binary/new", new ByteArrayInputStream(new byte[3]), 3, null);
        ReconcileReport report = new OrphanReconciler(raw, "binary/", id -> false, Duration.ofHours(1)).reconcile();
        assertThat(report.young()).isEqualTo(1);
        assertThat(report.deleted()).isZero();
        assertThat(raw.exists("binary/new")).isTrue();
    }

    @Test
    void refusesDangerousConfiguration() {
        InMemoryObjectStore raw = new InMemoryObjectStore();
        assertThatThrownBy(() -> new OrphanReconciler(raw, "keys/", id -> false, Duration.ofHours(1)))
                .isInstanceOf(StorageConfigException.class);
        assertThatThrownBy(() -> new OrphanReconciler(raw, "", id -> false, Duration.ofHours(1)))
                .isInstanceOf(StorageConfigException.class);
        assertThatThrownBy(() -> new OrphanReconciler(raw, "binary/", id -> false, Duration.ofSeconds(5)))
                .isInstanceOf(StorageConfigException.class).hasMessageContaining("grace");
    }
}
