package org.patientvault.mobile;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Resource;
import org.patientvault.mobile.port.CallerContexts;
import org.patientvault.mobile.port.CallerIdentity;
import org.patientvault.mobile.port.CallerImages;
import org.patientvault.mobile.port.CallerRecords;
import org.patientvault.mobile.port.CallerRecordsException;

/**
 * The ports, faked in memory for controller tests: the caller sees exactly the resources put here (the guarded path
 * itself is tested in vault-api's ITs). Supports the searches the API sends: by type, {@code code}, {@code _tag},
 * {@code identifier} of Organizations; records calls so tests can assert that nothing was written.
 */
public class FakeVault implements CallerRecords, CallerIdentity, CallerImages, CallerContexts {

    /** DICOM instances by study UID: series UID, SOP UID, bytes. */
    public final Map<String, List<String[]>> studies = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public boolean eachInstance(String studyInstanceUid, InstanceSink sink) throws java.io.IOException {
        List<String[]> instances = studies.get(studyInstanceUid);
        if (instances == null) {
            return false;
        }
        for (String[] i : instances) {
            sink.accept(i[0], i[1], new java.io.ByteArrayInputStream(i[2].getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)));
        }
        return true;
    }

    @Override
    public Captured capture() {
        // The fake is not thread-bound: the same caller everywhere.
        return Runnable::run;
    }


    public final List<Resource> resources = new CopyOnWriteArrayList<>();
    public final List<String> writes = new CopyOnWriteArrayList<>();
    public final List<Parameters> claimCandidates = new ArrayList<>();
    public volatile String patientId = "alice";
    public volatile int pageSize = 1000;
    private final AtomicInteger ids = new AtomicInteger();

    public void reset() {
        resources.clear();
        writes.clear();
        claimCandidates.clear();
        patientId = "alice";
        pageSize = 1000;
        studies.clear();
        searches.clear();
        served.set(0);
        auditScopes.clear();
    }

    /** Calls made inside {@link #auditedAsOne}: the fake has no audit trail; tests see the scopes opened. */
    public final List<String> auditScopes = new CopyOnWriteArrayList<>();

    @Override
    public <T> T auditedAsOne(String edgeRequest, java.util.function.Supplier<T> work) {
        auditScopes.add(edgeRequest);
        return work.get();
    }

    @Override
    public Optional<String> patientId() {
        return Optional.ofNullable(patientId);
    }

    @Override
    public Bundle search(String resourceType, Map<String, List<String>> parameters) {
        List<Resource> hits = new ArrayList<>();
        for (Resource r : resources) {
            if (!r.fhirType().equals(resourceType)) {
                continue;
            }
            List<String> code = parameters.get("code");
            if (code != null && r instanceof Observation o && o.getCode().getCoding().stream()
                    .noneMatch(c -> (c.getSystem() + "|" + c.getCode()).equals(code.get(0)))) {
                continue;
            }
            List<String> tag = parameters.get("_tag");
            if (tag != null && r.getMeta().getTag().stream().map(t -> t.getSystem() + "|" + t.getCode())
                    .noneMatch(tag.get(0)::equals)) {
                continue;
            }
            List<String> identifier = parameters.get("identifier");
            if (identifier != null && r instanceof Organization org && org.getIdentifier().stream()
                    .noneMatch(i -> (i.getSystem() + "|" + i.getValue()).equals(identifier.get(0)))) {
                continue;
            }
            if (!FakeDates.matches(r, parameters)) {
                continue;
            }
            hits.add(r);
        }
        searches.add(resourceType + " " + parameters);
        FakeDates.sort(hits, parameters);
        if (parameters.containsKey("_summary")) {
            return new Bundle().setType(Bundle.BundleType.SEARCHSET).setTotal(hits.size());
        }
        List<String> count = parameters.get("_count");
        return page(hits, 0, count == null ? pageSize : Math.min(pageSize, Integer.parseInt(count.get(0))));
    }

    /** Every search the API sent, as "type {params}", for tests that assert what a page cost. */
    public final List<String> searches = new CopyOnWriteArrayList<>();
    /** How many resources the port handed out (search and paging), for the same tests. */
    public final AtomicInteger served = new AtomicInteger();

    private Bundle page(List<Resource> hits, int offset) {
        return page(hits, offset, pageSize);
    }

    private Bundle page(List<Resource> hits, int offset, int pageSize) {
        Bundle b = new Bundle().setType(Bundle.BundleType.SEARCHSET);
        b.setTotal(hits.size());
        served.addAndGet(Math.max(0, Math.min(hits.size(), offset + pageSize) - offset));
        for (int i = offset; i < Math.min(hits.size(), offset + pageSize); i++) {
            b.addEntry().setResource(hits.get(i)).getSearch().setMode(Bundle.SearchEntryMode.MATCH);
        }
        if (offset + pageSize < hits.size()) {
            b.setUserData("rest", hits);
            b.setUserData("offset", offset + pageSize);
            b.setUserData("size", pageSize);
            b.addLink().setRelation("next").setUrl("fake?_getpages=x");
        }
        return b;
    }

    @Override
    public Bundle everything(String patientId, int count) {
        if (!patientId.equals(this.patientId)) {
            throw new CallerRecordsException(404, "Resource Patient/" + patientId + " is not known");
        }
        return page(new ArrayList<>(resources), 0);
    }

    @Override
    @SuppressWarnings("unchecked")
    public Optional<Bundle> nextPage(Bundle page) {
        if (page.getUserData("rest") == null) {
            return Optional.empty();
        }
        return Optional.of(page((List<Resource>) page.getUserData("rest"), (Integer) page.getUserData("offset"),
                (Integer) page.getUserData("size")));
    }

    @Override
    public Optional<Resource> read(String resourceType, String id) {
        return resources.stream().filter(r -> r.fhirType().equals(resourceType)
                && id.equals(r.getIdElement().getIdPart())).findFirst();
    }

    @Override
    public String create(Resource resource) {
        String id = "new-" + ids.incrementAndGet();
        Resource copy = resource.copy();
        copy.setId(resource.fhirType() + "/" + id + "/_history/1");
        resources.add(copy);
        writes.add("create " + resource.fhirType() + "/" + id);
        return id;
    }

    @Override
    public void update(Resource resource, String version) {
        Resource current = read(resource.fhirType(), resource.getIdElement().getIdPart())
                .orElseThrow(() -> new CallerRecordsException(404, "unknown"));
        if (version != null && !version.equals(current.getIdElement().getVersionIdPart())) {
            throw new CallerRecordsException(412, "version conflict");
        }
        resources.remove(current);
        Resource copy = resource.copy();
        int next = current.getIdElement().getVersionIdPart() == null ? 2
                : Integer.parseInt(current.getIdElement().getVersionIdPart()) + 1;
        copy.setId(resource.fhirType() + "/" + resource.getIdElement().getIdPart() + "/_history/" + next);
        resources.add(copy);
        writes.add("update " + resource.fhirType() + "/" + resource.getIdElement().getIdPart());
    }

    @Override
    public Parameters operation(String resourceType, String id, String name, Parameters in) {
        if (!id.equals(patientId)) {
            throw new CallerRecordsException(404, "Resource Patient/" + id + " is not known");
        }
        if (name.equals("claim-candidates")) {
            Parameters out = new Parameters();
            claimCandidates.forEach(p -> out.getParameter().addAll(p.getParameter()));
            return out;
        }
        String candidate = ((org.hl7.fhir.r4.model.Reference) in.getParameter("candidate").getValue()).getReference();
        boolean known = claimCandidates.stream().flatMap(p -> p.getParameter().stream())
                .flatMap(p -> p.getPart().stream()).anyMatch(p -> p.getValue() instanceof org.hl7.fhir.r4.model.Reference r
                        && candidate.equals(r.getReference()));
        if (!known) {
            throw new CallerRecordsException(404, "Resource " + candidate + " is not known");
        }
        writes.add(name + " " + candidate);
        Parameters out = new Parameters();
        out.addParameter().setName("moved").setValue(new org.hl7.fhir.r4.model.IntegerType(3));
        return out;
    }

    /** A submitter tag as the vault stamps it. */
    public static Coding submitter(String org) {
        return new Coding("https://patientvault.org/fhir/CodeSystem/submitter", org, null);
    }
}
