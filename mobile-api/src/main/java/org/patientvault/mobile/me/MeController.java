package org.patientvault.mobile.me;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.patientvault.mobile.MobileApi;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code /me}: who the vault thinks the patient is, where they were treated, and records that may be theirs. */
@RestController
@Tag(name = "me")
class MeController {

    private final MeService me;

    MeController(MeService me) {
        this.me = me;
    }

    @GetMapping(MobileApi.BASE + "/me")
    @Operation(summary = "The patient's profile, linked hospitals with their MRNs, and pending claim candidates")
    ResponseEntity<MeView> me() {
        return me.view();
    }

    @PostMapping(MobileApi.BASE + "/me/claim-candidates/{id}/accept")
    @Operation(summary = "Claim a candidate record: it moves into the patient's record")
    ClaimResult accept(@PathVariable String id) {
        return me.accept(id);
    }

    @PostMapping(MobileApi.BASE + "/me/claim-candidates/{id}/reject")
    @Operation(summary = "Reject a candidate record: it is not the patient's and is no longer offered")
    ClaimResult reject(@PathVariable String id) {
        return me.reject(id);
    }
}
