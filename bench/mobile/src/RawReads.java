import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.UploadObjectArgs;
import java.io.InputStream;

/**
 * The export benchmark's baseline (bench/mobile/run.sh): raw MinIO-SDK GETs of the same bytes as an export zip, from
 * the same S3 server the vault stores its objects in. The client is set up as the storage benchmark's
 * (bench/storage StorageBench: region us-east-1, the S3Proxy's credentials).
 *
 * <p>Usage: RawReads &lt;endpoint&gt; &lt;file&gt; &lt;gets&gt; — uploads the file once (not timed), then prints one line per
 * GET: "bytes seconds", the whole body drained through a 64 KiB buffer.
 */
public class RawReads {

    public static void main(String[] args) throws Exception {
        MinioClient raw = MinioClient.builder().endpoint(args[0]).credentials("bench-access", "bench-secret-123")
                .region("us-east-1").build();
        String bucket = "bench-raw";
        if (!raw.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
            raw.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
        }
        raw.uploadObject(UploadObjectArgs.builder().bucket(bucket).object("export.zip").filename(args[1]).build());
        byte[] buf = new byte[65536];
        for (int i = 0; i < Integer.parseInt(args[2]); i++) {
            long t0 = System.nanoTime();
            long n = 0;
            try (InputStream in = raw.getObject(GetObjectArgs.builder().bucket(bucket).object("export.zip").build())) {
                for (int r; (r = in.read(buf)) > 0; ) {
                    n += r;
                }
            }
            System.out.println(n + " " + (System.nanoTime() - t0) / 1e9);
        }
    }
}
