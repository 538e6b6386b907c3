package org.patientvault.mobile.usage;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.patientvault.mobile.MobileApi;
import org.patientvault.mobile.support.Cursor;
import org.patientvault.mobile.support.Limits;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /usage}: who used the patient's data, when, what and why. */
@RestController
@Tag(name = "usage")
class UsageController {

    private final UsageService usage;
    private final Limits limits;

    UsageController(UsageService usage, Limits limits) {
        this.usage = usage;
        this.limits = limits;
    }

    @GetMapping(MobileApi.BASE + "/usage")
    @Operation(summary = "Every use of the patient's data by anyone but the patient, newest first, from the audit "
            + "trail")
    UsagePage usage(@RequestParam(required = false) String cursor, @RequestParam(required = false) Integer limit) {
        return usage.page(Cursor.decode(cursor), limits.pageSize(limit));
    }
}
