package org.patientvault.vault.objects;

import java.util.LinkedHashMap;
import java.util.Map;
import org.patientvault.storage.ReconcileReport;
import org.patientvault.vault.problem.ApiProblem;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/admin/objects/reconcile}: one object-reconciler pass now (e.g. after a crash, instead of waiting
 * for {@code vault.s3.reconcile-interval}), answered with its report as JSON. Admin callers only (403 problem JSON
 * otherwise, by the route rules of {@code ApiSecurityConfig}; the route reveals no record); 409 when another replica
 * is running a pass. Behind the same bearer-token security as {@code /fhir}.
 *
 * <p>Cost: one listing of {@code binary/} and one query over the versions that mention an externalised blob.
 */
@RestController
@RequestMapping("/api/admin/objects")
class ReconcileController {

    private final BinaryReconciliation reconciliation;

    ReconcileController(BinaryReconciliation reconciliation) {
        this.reconciliation = reconciliation;
    }

    @PostMapping(value = "/reconcile", produces = {MediaType.APPLICATION_JSON_VALUE,
            MediaType.APPLICATION_PROBLEM_JSON_VALUE})
    ResponseEntity<?> reconcile() {
        return reconciliation.runOnce().<ResponseEntity<?>>map(r -> ResponseEntity.ok()
                .contentType(MediaType.APPLICATION_JSON).body(json(r)))
                .orElseThrow(() -> new ApiProblem(HttpStatus.CONFLICT, "reconcile-running", "Reconciliation running",
                        "Another replica is running the object reconciler; try again later"));
    }

    private static Map<String, Object> json(ReconcileReport r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scanned", r.scanned());
        m.put("deleted", r.deleted());
        m.put("referenced", r.referenced());
        m.put("young", r.young());
        m.put("failed", r.failed());
        m.put("abortedUploads", r.abortedUploads());
        m.put("tookMillis", r.took().toMillis());
        return m;
    }
}
