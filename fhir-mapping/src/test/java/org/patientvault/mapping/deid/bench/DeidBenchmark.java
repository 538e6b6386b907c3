package org.patientvault.mapping.deid.bench;

import ca.uhn.fhir.context.FhirContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
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
import org.patientvault.mapping.deid.DeidRelease;
import org.patientvault.mapping.deid.DicomDeidResult;
import org.patientvault.mapping.deid.DicomDeidentifier;
import org.patientvault.mapping.deid.FhirDeidentifier;

/**
 * De-identification throughput on one thread: FHIR resources per second over the corpus mix (Patient, Encounter, two
 * Observations, Condition, MedicationRequest, ImagingStudy per patient), and DICOM instances per second against a
 * plain copy of the same bytes (the baseline: {@code InputStream.transferTo} into the same kind of sink).
 */
@State(Scope.Thread)
@Threads(1)
@OutputTimeUnit(TimeUnit.SECONDS)
@BenchmarkMode(Mode.Throughput)
public class DeidBenchmark {
    private static final int PATIENTS = 100;
    private static final int RESOURCES = PATIENTS * 7;

    @Param({"1", "16"})
    public int frames;

    private FhirDeidentifier fhir;
    private List<Resource> resources;
    private DicomDeidentifier dicom;
    private byte[] instance;
    private ByteArrayOutputStream sink;

    @Setup
    public void setUp() throws IOException {
        DeidRelease release = DeidBenchmarkSupport.release();
        fhir = new FhirDeidentifier(FhirContext.forR4Cached(), DeidProfile.research(), release);
        resources = DeidBenchmarkSupport.fhirResources(PATIENTS);
        dicom = new DicomDeidentifier(release);
        instance = DeidBenchmarkSupport.ctInstance(frames);
        sink = new ByteArrayOutputStream(instance.length + 4096);
    }

    /** One operation = one resource. */
    @Benchmark
    @OperationsPerInvocation(RESOURCES)
    public void fhirResources(Blackhole bh) {
        for (Resource r : resources) {
            bh.consume(fhir.deidentify(r));
        }
    }

    @Benchmark
    public DicomDeidResult dicomDeidentify() throws IOException {
        sink.reset();
        return dicom.deidentify("pat-1", new ByteArrayInputStream(instance), sink);
    }

    @Benchmark
    public long dicomPlainCopy() throws IOException {
        sink.reset();
        InputStream in = new ByteArrayInputStream(instance);
        return in.transferTo(sink);
    }
}
