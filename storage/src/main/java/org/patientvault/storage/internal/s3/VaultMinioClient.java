package org.patientvault.storage.internal.s3;

import com.google.common.collect.Multimap;
import io.minio.MinioAsyncClient;
import io.minio.ObjectWriteResponse;
import java.util.concurrent.CompletableFuture;

/**
 * Gives access to the SDK's single-request PUT of a byte array, so a buffered part is sent without another copy
 * and can be re-sent on retry.
 */
public final class VaultMinioClient extends MinioAsyncClient {

    public VaultMinioClient(MinioAsyncClient client) {
        super(client);
    }

    public CompletableFuture<ObjectWriteResponse> putBytes(
            String bucket, String region, String key, byte[] data, int length, Multimap<String, String> headers)
            throws Exception {
        return putObjectAsync(bucket, region, key, data, length, headers, null);
    }
}
