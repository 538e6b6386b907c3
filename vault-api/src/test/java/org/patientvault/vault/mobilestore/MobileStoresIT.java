package org.patientvault.vault.mobilestore;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.patientvault.mobile.port.ExportJobStore;
import org.patientvault.mobile.port.ShareLinkStore;
import org.patientvault.vault.FreshDatabase;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The patient API's stores on the machine's PostgreSQL (a fresh database): what one store instance wrote, a new one
 * (a restarted vault, or another instance) reads; wrong passcodes sent in parallel through two instances never count
 * past the limit; two instances starting an export for one patient store one job.
 */
class MobileStoresIT {

    private static String url;

    @BeforeAll
    static void database() {
        String server = System.getenv("VAULT_TEST_PG_URL");
        url = (server == null || server.isBlank() ? "jdbc:postgresql://127.0.0.1:5432/" : server)
                + FreshDatabase.create();
    }

    /** A store's own connection pool: as if it were another vault process. */
    private static JdbcTemplate instance() {
        String user = System.getenv("VAULT_TEST_PG_USER");
        return new JdbcTemplate(new DriverManagerDataSource(url, user == null || user.isBlank() ? "postgres" : user,
                ""));
    }

    private static ShareLinkStore.Link link(String owner, int attempts, Instant expires) {
        return new ShareLinkStore.Link(UUID.randomUUID().toString(), UUID.randomUUID().toString(), owner,
                new byte[] {1, 2, 3}, new byte[] {4, 5, 6}, Instant.now(), expires, "Dr. Wang", 7, attempts, true);
    }

    @Test
    void aLinkItsContentGrantsAndAccessesSurviveANewStoreInstance() {
        JdbcShareLinkStore before = new JdbcShareLinkStore(instance());
        String owner = "patient-" + UUID.randomUUID();
        ShareLinkStore.Link link = link(owner, 10, Instant.now().plus(Duration.ofDays(1)));
        before.create(link, "eyJhbGciOiJkaXIi.jwe");
        before.grant("token-" + link.id(), link.id(), Instant.now().plus(Duration.ofHours(1)));
        before.recordAccess(new ShareLinkStore.Access(UUID.randomUUID().toString(), owner, link.id(), "Dr. Wang",
                Instant.now(), "manifest", "denied", 0, "Dr. Wang"));
        assertThat(before.countWrongPasscode(link.manifestId(), Instant.now())).contains(9);

        JdbcShareLinkStore after = new JdbcShareLinkStore(instance()); // tables exist: created if absent only
        ShareLinkStore.Link found = after.byManifest(link.manifestId()).orElseThrow();
        assertThat(found.id()).isEqualTo(link.id());
        assertThat(found.owner()).isEqualTo(owner);
        assertThat(found.salt()).isEqualTo(new byte[] {1, 2, 3});
        assertThat(found.passcodeHash()).isEqualTo(new byte[] {4, 5, 6});
        assertThat(found.remaining()).isEqualTo(9);
        assertThat(found.live(Instant.now())).isTrue();
        assertThat(after.content(link.id())).contains("eyJhbGciOiJkaXIi.jwe");
        assertThat(after.granted("token-" + link.id(), Instant.now())).map(ShareLinkStore.Link::id)
                .contains(link.id());
        assertThat(after.accesses(owner)).singleElement().satisfies(a -> assertThat(a.outcome()).isEqualTo("denied"));
        assertThat(after.countLive(owner, Instant.now())).isEqualTo(1);

        assertThat(after.revoke(link.id(), "someone-else")).isFalse();
        assertThat(after.revoke(link.id(), owner)).isTrue();
        assertThat(before.byManifest(link.manifestId()).orElseThrow().live(Instant.now())).isFalse();
        assertThat(before.content(link.id())).isEmpty();
        assertThat(before.granted("token-" + link.id(), Instant.now())).isEmpty();
        assertThat(before.countWrongPasscode(link.manifestId(), Instant.now())).isEmpty();
        assertThat(before.countLive(owner, Instant.now())).isZero();
    }

    @Test
    void parallelWrongPasscodesThroughTwoInstancesCountExactlyTheLimit() throws Exception {
        List<JdbcShareLinkStore> instances = List.of(new JdbcShareLinkStore(instance()),
                new JdbcShareLinkStore(instance()));
        ShareLinkStore.Link link = link("patient-" + UUID.randomUUID(), 10, Instant.now().plus(Duration.ofDays(1)));
        instances.get(0).create(link, "jwe");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Optional<Integer>>> guesses = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                JdbcShareLinkStore store = instances.get(i % 2);
                Callable<Optional<Integer>> guess = () -> store.countWrongPasscode(link.manifestId(), Instant.now());
                guesses.add(pool.submit(guess));
            }
            List<Integer> counted = new ArrayList<>();
            for (Future<Optional<Integer>> g : guesses) {
                g.get().ifPresent(counted::add);
            }
            assertThat(counted).hasSize(10);
            assertThat(new HashSet<>(counted)).containsExactlyInAnyOrder(9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
        } finally {
            pool.shutdownNow();
        }
        ShareLinkStore.Link dead = instances.get(1).byManifest(link.manifestId()).orElseThrow();
        assertThat(dead.remaining()).isZero();
        assertThat(dead.active()).isFalse();
        assertThat(dead.live(Instant.now())).isFalse();
        // An expired link counts nothing either.
        ShareLinkStore.Link expired = link("patient-" + UUID.randomUUID(), 10, Instant.now().minusSeconds(1));
        instances.get(0).create(expired, "jwe");
        assertThat(instances.get(1).countWrongPasscode(expired.manifestId(), Instant.now())).isEmpty();
    }

    @Test
    void anExportJobSurvivesANewStoreInstanceAndTwoInstancesStartOneJobPerPatient() throws Exception {
        List<JdbcExportJobStore> instances = List.of(new JdbcExportJobStore(instance()),
                new JdbcExportJobStore(instance()));
        String owner = "patient-" + UUID.randomUUID();
        Instant now = Instant.now();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        Set<String> started = new HashSet<>();
        try {
            List<Future<ExportJobStore.Job>> taps = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                JdbcExportJobStore store = instances.get(i % 2);
                taps.add(pool.submit(() -> store.startUnlessRunning(new ExportJobStore.Job(
                        UUID.randomUUID().toString(), owner, now, "queued", 0, 1, null, null, 0, null, "w", now),
                        now.minusSeconds(120), "interrupted")));
            }
            for (Future<ExportJobStore.Job> t : taps) {
                started.add(t.get().id());
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(started).hasSize(1);
        String id = started.iterator().next();
        instances.get(0).progress(id, "running", 3, 10, now);
        Instant finished = Instant.now();
        instances.get(0).finish(id, "done", 10, 10, finished, finished.plus(Duration.ofHours(1)), 1234, null);

        ExportJobStore.Job read = new JdbcExportJobStore(instance()).find(id).orElseThrow();
        assertThat(read.owner()).isEqualTo(owner);
        assertThat(read.status()).isEqualTo("done");
        assertThat(read.done()).isEqualTo(10);
        assertThat(read.bytes()).isEqualTo(1234);
        assertThat(read.expiresAt()).isAfter(finished);
        // Finished: the patient's next tap starts a new job.
        ExportJobStore.Job next = instances.get(1).startUnlessRunning(new ExportJobStore.Job(
                UUID.randomUUID().toString(), owner, now, "queued", 0, 1, null, null, 0, null, "w", now),
                now.minusSeconds(120), "interrupted");
        assertThat(next.id()).isNotEqualTo(id);
        // Its worker stops beating (a restart): it is failed, and blocks nothing.
        instances.get(0).progress(next.id(), "running", 1, 5, Instant.now().minusSeconds(600));
        assertThat(instances.get(1).failStale(Instant.now().minusSeconds(120), Instant.now(), "interrupted"))
                .isGreaterThanOrEqualTo(1);
        ExportJobStore.Job failed = instances.get(0).find(next.id()).orElseThrow();
        assertThat(failed.status()).isEqualTo("failed");
        assertThat(failed.error()).isEqualTo("interrupted");
        // Expiry marks the done one expired (its file is then deleted by the caller).
        assertThat(instances.get(1).expire(finished.plus(Duration.ofHours(2)))).contains(id);
        assertThat(instances.get(0).find(id).orElseThrow().status()).isEqualTo("expired");
    }
}
