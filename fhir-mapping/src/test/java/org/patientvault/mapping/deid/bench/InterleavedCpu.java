package org.patientvault.mapping.deid.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import org.patientvault.mapping.deid.DeidBenchmarkSupport;

/**
 * Thread CPU time per instance, de-identification and the plain copy (same source, buffers and sink as
 * {@link DeidBenchmark#dicomPlainCopy}) alternating in batches in one JVM, so both see the same machine load; prints
 * medians and the copy/deid ratio per round. Usage: {@code bench/deid/interleaved.sh <frames> <rounds>}; {@code
 * -Dskew=true} makes the copy start its chunks at the pixel data offset; {@code -Dimpl=model} measures the
 * parse-modify-write implementation the streaming filter replaced. Steadier than JMH throughput on shared cores.
 */
public final class InterleavedCpu {
    private InterleavedCpu() {
    }

    public static void main(String[] a) throws Exception {
        int frames = Integer.parseInt(a[0]);
        int rounds = Integer.parseInt(a[1]);
        boolean model = "model".equals(System.getProperty("impl"));
        DeidBenchmarkSupport.DicomDeid d = DeidBenchmarkSupport.dicomDeidentifier(model);
        byte[] inst = DeidBenchmarkSupport.ctInstance(frames);
        ByteArrayOutputStream sink = new ByteArrayOutputStream(inst.length + 4096);
        byte[] buf = new byte[65536];
        int skew = Boolean.getBoolean("skew") ? inst.length - 512 * 512 * 2 * frames : 0;
        String start = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        int n = frames == 1 ? 2000 : 200;
        double[] dd = new double[rounds];
        double[] cc = new double[rounds];
        for (int r = -rounds; r < rounds; r++) { // first half: warm-up
            long t0 = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                sink.reset();
                d.deidentify("pat-1", new FilterInputStream(new ByteArrayInputStream(inst)) {
                }, sink);
            }
            long t1 = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                sink.reset();
                InputStream in = new BufferedInputStream(new FilterInputStream(new ByteArrayInputStream(inst)) {
                }, 8192);
                if (skew > 0) {
                    sink.write(buf, 0, in.read(buf, 0, skew));
                }
                for (int k; (k = in.read(buf, 0, buf.length)) > 0; ) {
                    sink.write(buf, 0, k);
                }
                sink.flush();
            }
            long t2 = mx.getCurrentThreadCpuTime();
            if (r >= 0) {
                dd[r] = (t1 - t0) / 1e3 / n;
                cc[r] = (t2 - t1) / 1e3 / n;
            }
        }
        double[] ratio = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            ratio[i] = cc[i] / dd[i];
        }
        Arrays.sort(dd);
        Arrays.sort(cc);
        Arrays.sort(ratio);
        double loadEnd = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        System.out.printf("%s load %.1f-%.1f impl=%s frames=%d skew=%d: deid CPU us/op median %.1f [%.1f..%.1f], "
                + "plain copy %.1f [%.1f..%.1f], ratio (copy/deid) median %.2f [%.2f..%.2f]%n", start, load, loadEnd,
                model ? "model" : "streaming", frames, skew, dd[rounds / 2], dd[0], dd[rounds - 1], cc[rounds / 2],
                cc[0], cc[rounds - 1], ratio[rounds / 2], ratio[0], ratio[rounds - 1]);
    }
}
