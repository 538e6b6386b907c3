package org.patientvault.web.patient;

import org.patientvault.mobile.support.Cursor;
import org.patientvault.mobile.support.Limits;
import org.patientvault.mobile.usage.UsageService;
import org.patientvault.web.WebUi;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** The usage ledger: every read, consent decision, share-link access and cohort use of the patient's data. */
@Controller
@RequestMapping(WebUi.BASE + "/patient/usage")
class UsagePages {

    private final UsageService usage;
    private final Limits limits;

    UsagePages(UsageService usage, Limits limits) {
        this.usage = usage;
        this.limits = limits;
    }

    @GetMapping
    String usage(@RequestParam(required = false) String cursor,
                 @RequestHeader(value = "HX-Request", required = false) String htmx, Model model) {
        model.addAttribute("page", usage.page(cursor == null || cursor.isBlank() ? null : Cursor.decode(cursor),
                limits.pageSize(null)));
        return htmx != null && cursor != null ? "app/patient/usage :: rows" : "app/patient/usage";
    }
}
