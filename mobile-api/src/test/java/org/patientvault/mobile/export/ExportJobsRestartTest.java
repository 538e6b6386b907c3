package org.patientvault.mobile.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Instant;
import java.util.UUID;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.patientvault.mobile.FakeVault;
import org.patientvault.mobile.MemoryStores;
import org.patientvault.mobile.MobileTestApp;
import org.patientvault.mobile.port.ExportJobStore;
import org.patientvault.mobile.support.Texts;
import org.patientvault.mobile.timeline.RecordViews;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * Export jobs outlive the process that ran them: a new {@link ExportJobs} on the same store and directory (a
 * restarted vault) answers a finished job with its download still there, and fails a job whose worker died.
 */
@SpringBootTest(classes = MobileTestApp.class)
class ExportJobsRestartTest {

    @Autowired
    ExportJobs jobs;
    @Autowired
    MemoryStores.Jobs store;
    @Autowired
    FakeVault vault;
    @Autowired
    RecordViews views;
    @Autowired
    Texts texts;

    @Test
    void aFinishedJobAndItsZipSurviveARestartAndAnOrphanedOneFails() throws Exception {
        vault.reset();
        Patient alice = new Patient();
        alice.setId("Patient/alice/_history/1");
        vault.resources.add(alice);
        ExportJobStore.Job job = jobs.start("alice");
        for (int i = 0; i < 200 && !jobs.find(job.id(), "alice").orElseThrow().status().matches("done|failed"); i++) {
            Thread.sleep(50);
        }
        assertThat(jobs.find(job.id(), "alice").orElseThrow().status()).isEqualTo("done");
        assertThat(jobs.zip(job.id())).exists();
        // A job some earlier process was running when it stopped: queued, its heartbeat long silent.
        Instant long_ago = Instant.now().minus(ExportJobs.STALE).minusSeconds(60);
        String orphan = UUID.randomUUID().toString();
        store.startUnlessRunning(new ExportJobStore.Job(orphan, "bob", long_ago, "running", 3, 9, null, null, 0, null,
                "a-dead-process", long_ago), long_ago.minusSeconds(1), "unused");
        // A stray part file of it in the directory, untouched for longer than a live worker would leave it, and a
        // fresh one that may belong to another process sharing the directory.
        java.nio.file.Path stray = jobs.properties().dir().resolve("export-" + orphan + ".zip.part");
        Files.writeString(stray, "half");
        Files.setLastModifiedTime(stray, java.nio.file.attribute.FileTime.from(long_ago));
        java.nio.file.Path busy = jobs.properties().dir().resolve("export-" + UUID.randomUUID() + ".zip.part");
        Files.writeString(busy, "being written elsewhere");

        ExportJobs restarted = new ExportJobs(store, vault, vault, vault, views, texts, jobs.properties());
        try {
            ExportJobStore.Job again = restarted.find(job.id(), "alice").orElseThrow();
            assertThat(again.status()).isEqualTo("done");
            assertThat(again.bytes()).isEqualTo(Files.size(restarted.zip(job.id())));
            assertThat(restarted.find(job.id(), "bob")).isEmpty();
            ExportJobStore.Job failed = restarted.find(orphan, "bob").orElseThrow();
            assertThat(failed.status()).isEqualTo("failed");
            assertThat(failed.error()).isEqualTo(ExportJobs.INTERRUPTED);
            assertThat(stray).doesNotExist();
            assertThat(busy).exists();
        } finally {
            restarted.stop();
            Files.deleteIfExists(busy);
        }
    }
}
