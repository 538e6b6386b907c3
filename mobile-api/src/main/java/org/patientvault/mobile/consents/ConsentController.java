package org.patientvault.mobile.consents;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import org.patientvault.mobile.MobileApi;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** {@code /consents}: share with a hospital, allow AI training, revoke; each explained in plain words. */
@RestController
@Tag(name = "consents")
class ConsentController {

    private final ConsentService consents;

    ConsentController(ConsentService consents) {
        this.consents = consents;
    }

    @GetMapping(MobileApi.BASE + "/consents")
    @Operation(summary = "The patient's consents, newest first, each with a plain-language explanation")
    ConsentList list() {
        return consents.list();
    }

    @GetMapping(MobileApi.BASE + "/consents/{id}")
    @Operation(summary = "One consent")
    ConsentView get(@PathVariable String id) {
        return consents.get(id);
    }

    @PostMapping(MobileApi.BASE + "/consents")
    @Operation(summary = "Grant a consent in app terms: share with a hospital for N days, or allow AI training")
    ResponseEntity<ConsentView> create(@RequestBody ConsentRequest request) {
        ConsentView created = consents.create(request);
        return ResponseEntity.created(URI.create(MobileApi.BASE + "/consents/" + created.id())).body(created);
    }

    @PostMapping(MobileApi.BASE + "/consents/{id}/revoke")
    @Operation(summary = "Revoke a consent: from the next request on, it allows nothing")
    ConsentView revoke(@PathVariable String id) {
        return consents.revoke(id);
    }
}
