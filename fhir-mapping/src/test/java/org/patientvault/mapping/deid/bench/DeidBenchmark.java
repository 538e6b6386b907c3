package org.patientvault.mapping.deid.bench;

import ca.uhn.fhir.context.FhirContext;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.r4.model.Resource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.infra.Blackhole;
import org.patientvault.mapping.deid.DeidBenchmarkSupport;
import org.patientvault.mapping.deid.DeidProfile;
import org.patientvault.mapping.deid.DicomDeidResult;
import org.patientvault.mapping.deid.DicomDeidentifier;
import org.patientvault.mapping.deid.FhirDeidentifier;

/**
 * De-identification throughput on one thread: FHIR resources per second over the corpus mix (Patient, Encounter, two
 * Observations, Condition, MedicationRequest, ImagingStudy per patient), and DICOM instances per second against a
 * plain streamed copy of the same bytes from the same source through the same buffer sizes into the same sink. Run
 * {@code dicomDeidentify} and {@code dicomPlainCopy} in one JMH run and take the ratio from that run.
 */
@Threads(1)
@OutputTimeUnit(TimeUnit.SECONDS)
@BenchmarkMode(Mode.Throughput)
public class DeidBenchmark {
    private static final int PATIENTS = 100;
    private static final int RESOURCES = PATIENTS * 7;

    /** The FHIR corpus and a de-identifier of one release. */
    @State(Scope.Thread)
    public static class Fhir {
        FhirDeidentifier deid;
        List<Resource> resources;

        @Setup
        public void setUp() {
            deid = new FhirDeidentifier(FhirContext.forR4Cached(), DeidProfile.research(), DeidBenchmarkSupport.release());
            resources = DeidBenchmarkSupport.fhirResources(PATIENTS);
        }
    }

    /** A CT instance of {@code frames} 512 x 512 x 16-bit frames (512 KiB each). */
    @State(Scope.Thread)
    public static class Dicom {
        @Param({"1", "16"})
        public int frames;
        DicomDeidentifier deid;
        byte[] instance;
        ByteArrayOutputStream sink;
        /** The plain copy's buffer, reused like the de-identifier's per-thread 64 KiB pixel buffer. */
        byte[] copyBuffer = new byte[65536];

        @Setup
        public void setUp() throws IOException {
            deid = new DicomDeidentifier(DeidBenchmarkSupport.release());
            instance = DeidBenchmarkSupport.ctInstance(frames);
            sink = new ByteArrayOutputStream(instance.length + 4096);
        }

        /** The source as a generic stream (as from the object store), not a ByteArrayInputStream special case. */
        InputStream source() {
            return new FilterInputStream(new ByteArrayInputStream(instance)) {
            };
        }
    }

    /** One operation = one resource. */
    @Benchmark
    @OperationsPerInvocation(RESOURCES)
    public void fhirResources(Fhir s, Blackhole bh) {
        for (Resource r : s.resources) {
            bh.consume(s.deid.deidentify(r));
        }
    }

    /** Baseline for the FHIR figure: the copy every de-identification starts with. */
    @Benchmark
    @OperationsPerInvocation(RESOURCES)
    public void fhirCopyOnly(Fhir s, Blackhole bh) {
        for (Resource r : s.resources) {
            bh.consume(r.copy());
        }
    }

    @Benchmark
    public DicomDeidResult dicomDeidentify(Dicom s) throws IOException {
        s.sink.reset();
        return s.deid.deidentify("pat-1", s.source(), s.sink);
    }

    /**
     * Baseline: a plain streamed copy of the same instance through the same buffers the de-identifier uses (an 8 KiB
     * {@link BufferedInputStream} over the same source, a reused 64 KiB copy buffer, the same sink), so the ratio
     * measures the de-identification and nothing else. ({@code InputStream.transferTo} would use a fresh 8 KiB buffer
     * per call; it is kept as {@link #dicomTransferTo} for comparison with the first published figures.)
     */
    @Benchmark
    public long dicomPlainCopy(Dicom s) throws IOException {
        s.sink.reset();
        InputStream in = new BufferedInputStream(s.source(), 8192);
        byte[] buf = s.copyBuffer;
        long total = 0;
        for (int r; (r = in.read(buf, 0, buf.length)) > 0; ) {
            s.sink.write(buf, 0, r);
            total += r;
        }
        s.sink.flush();
        return total;
    }

    /** The baseline of the first published figures: {@code InputStream.transferTo} (8 KiB chunks) of the same bytes. */
    @Benchmark
    public long dicomTransferTo(Dicom s) throws IOException {
        s.sink.reset();
        return s.source().transferTo(s.sink);
    }

    /** Lower bound: one array copy of the same bytes (ByteArrayInputStream's transferTo), no streaming at all. */
    @Benchmark
    public long dicomArrayCopy(Dicom s) throws IOException {
        s.sink.reset();
        return new ByteArrayInputStream(s.instance).transferTo(s.sink);
    }
}
