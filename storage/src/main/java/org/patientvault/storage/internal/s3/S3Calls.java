package org.patientvault.storage.internal.s3;

import io.minio.errors.ErrorResponseException;
import io.minio.errors.InvalidResponseException;
import io.minio.errors.ServerException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.patientvault.storage.ObjectNotFoundException;
import org.patientvault.storage.StorageException;
import org.patientvault.storage.StorageInputException;
import org.patientvault.storage.StorageUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one S3 request with bounded retries and exponential backoff, and turns SDK failures into this module's
 * typed exceptions. Only requests whose body is replayable (no body, or a buffered byte array) go through here.
 */
public final class S3Calls {

    private static final Logger LOG = LoggerFactory.getLogger(S3Calls.class);
    private static final Set<String> NOT_FOUND = Set.of("NoSuchKey", "NoSuchObject", "NoSuchBucket", "NoSuchUpload");

    /** An S3 request; may block on the SDK's futures. */
    @FunctionalInterface
    public interface Call<T> {
        T run() throws Exception;
    }

    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;

    public S3Calls(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
        this.maxAttempts = maxAttempts;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
    }

    public <T> T run(String what, String key, Call<T> call) {
        long backoff = initialBackoff.toMillis();
        for (int attempt = 1; ; attempt++) {
            try {
                return call.run();
            } catch (Exception e) {
                Throwable cause = unwrap(e);
                if (cause instanceof InterruptedException || cause instanceof InterruptedIOException
                        && !(cause instanceof java.net.SocketTimeoutException)) {
                    Thread.currentThread().interrupt();
                    throw new StorageUnavailableException(what + " interrupted", cause);
                }
                if (!isTransient(cause) || attempt >= maxAttempts) {
                    throw translate(what, key, cause, attempt);
                }
                // Why no key in the log: object keys can be patient-derived.
                LOG.debug("{} failed on attempt {} ({}), retrying in {} ms", what, attempt,
                        cause.getClass().getSimpleName(), backoff);
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new StorageUnavailableException(what + " interrupted while backing off", cause);
                }
                backoff = Math.min(backoff * 2, maxBackoff.toMillis());
            }
        }
    }

    /** Translates without retrying, for failures met outside {@link #run}. */
    public static StorageException translate(String what, String key, Throwable failure, int attempts) {
        Throwable cause = unwrap(failure);
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof StorageException se) {
                return se;
            }
        }
        if (cause instanceof ErrorResponseException ere) {
            String code = ere.errorResponse() == null ? "" : ere.errorResponse().code();
            int status = ere.response() == null ? 0 : ere.response().code();
            if (NOT_FOUND.contains(code) || status == 404) {
                return new ObjectNotFoundException(key);
            }
            if ("InvalidRange".equals(code) || status == 416) {
                return new StorageInputException(StorageInputException.Reason.INVALID_ARGUMENT,
                        "Requested byte range is outside object '" + key + "'");
            }
            return new StorageUnavailableException(what + " rejected by S3 server: HTTP " + status + " " + code
                    + " after " + attempts + " attempt(s)", cause);
        }
        return new StorageUnavailableException(what + " failed after " + attempts + " attempt(s): "
                + cause.getClass().getSimpleName()
                + (cause.getMessage() == null ? "" : " (" + cause.getMessage() + ")"), cause);
    }

    /** Whether a failure is worth retrying (I/O error, 5xx, throttling). */
    public static boolean isTransient(Throwable cause) {
        cause = unwrap(cause);
        if (cause instanceof StorageException) {
            return false;
        }
        if (cause instanceof ErrorResponseException ere) {
            int status = ere.response() == null ? 0 : ere.response().code();
            String code = ere.errorResponse() == null ? "" : ere.errorResponse().code();
            return status >= 500 || "SlowDown".equals(code) || "RequestTimeout".equals(code);
        }
        return cause instanceof ServerException || cause instanceof InvalidResponseException
                || cause instanceof IOException;
    }

    static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while ((t instanceof ExecutionException || t instanceof CompletionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
