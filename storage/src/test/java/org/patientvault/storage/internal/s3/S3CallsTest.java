package org.patientvault.storage.internal.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.patientvault.storage.StorageInputException;
import org.patientvault.storage.StorageUnavailableException;

class S3CallsTest {

    final S3Calls calls = new S3Calls(3, Duration.ofMillis(1), Duration.ofMillis(4));

    @Test
    void retriesTransientFailuresThenSucceeds() {
        AtomicInteger attempts = new AtomicInteger();
        String result = calls.run("op", "k", () -> {
            if (attempts.incrementAndGet() < 3) {
                // The SDK reports failures through futures.
                return CompletableFuture.<String>failedFuture(new ConnectException("refused")).get();
            }
            return "ok";
        });
        assertThat(result).isEqualTo("ok");
        assertThat(attempts).hasValue(3);
    }

    @Test
    void givesUpAfterTheBoundAsUnavailable() {
        AtomicInteger attempts = new AtomicInteger();
        assertThatThrownBy(() -> calls.run("op", "k", () -> {
            attempts.incrementAndGet();
            throw new ConnectException("refused");
        })).isInstanceOf(StorageUnavailableException.class).hasMessageContaining("after 3 attempt");
        assertThat(attempts).hasValue(3);
    }

    @Test
    void doesNotRetryOurOwnTypedFailures() {
        AtomicInteger attempts = new AtomicInteger();
        assertThatThrownBy(() -> calls.run("op", "k", () -> {
            attempts.incrementAndGet();
            throw new StorageInputException(StorageInputException.Reason.EMPTY, "empty");
        })).isInstanceOf(StorageInputException.class);
        assertThat(attempts).hasValue(1);
    }
}
