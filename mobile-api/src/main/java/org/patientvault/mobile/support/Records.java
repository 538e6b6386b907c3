package org.patientvault.mobile.support;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;
import org.patientvault.mobile.MobileProperties;
import org.patientvault.mobile.port.CallerIdentity;
import org.patientvault.mobile.port.CallerRecords;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * The caller's records through the {@link CallerRecords} port, a search followed page by page up to
 * {@code vault.mobile.max-records}. Cost: one in-process FHIR search per 200 records.
 */
@Component
public class Records {

    /** What a bounded search returned, and whether it stopped at the bound. */
    public record Found<T extends Resource>(List<T> resources, boolean truncated) {
    }

    private static final int FHIR_PAGE = 200;

    private final CallerRecords records;
    private final CallerIdentity caller;
    private final int max;

    Records(CallerRecords records, CallerIdentity caller, MobileProperties props) {
        this.records = records;
        this.caller = caller;
        this.max = props.maxRecords();
    }

    /** The calling patient's Patient id; a 403 problem for any other caller (the route is for patients). */
    public String self() {
        return caller.patientId().orElseThrow(() -> new MobileProblem(HttpStatus.FORBIDDEN, "forbidden",
                "The patient API is for patients whose account is linked to their record"));
    }

    /** Every match of a search (newest first if {@code sort} says so), up to the bound. */
    public <T extends Resource> Found<T> all(Class<T> type, Map<String, List<String>> parameters) {
        Map<String, List<String>> p = new LinkedHashMap<>(parameters);
        p.put("_count", List.of(Integer.toString(FHIR_PAGE)));
        List<T> out = new ArrayList<>();
        Bundle page = records.search(type.getSimpleName(), p);
        while (true) {
            for (Bundle.BundleEntryComponent e : page.getEntry()) {
                if (type.isInstance(e.getResource()) && (!e.hasSearch() || e.getSearch().getMode() == null
                        || e.getSearch().getMode() == Bundle.SearchEntryMode.MATCH)) {
                    if (out.size() == max) {
                        return new Found<>(out, true);
                    }
                    out.add(type.cast(e.getResource()));
                }
            }
            Optional<Bundle> next = records.nextPage(page);
            if (next.isEmpty()) {
                return new Found<>(out, false);
            }
            page = next.get();
        }
    }

    public CallerRecords port() {
        return records;
    }
}
