package org.patientvault.web.home;

import org.patientvault.web.WebUi;
import org.patientvault.web.page.Caller;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/** {@code /app}: each kind of user lands on their own start page; {@code /app/signed-out} after signing out. */
@Controller
class HomePages {

    @GetMapping({WebUi.BASE, WebUi.BASE + "/"})
    String home(Caller caller) {
        return "redirect:" + switch (caller.role()) {
            case PATIENT -> WebUi.BASE + "/patient/records";
            case HOSPITAL -> WebUi.BASE + "/hospital/upload";
            case AI_FIRM -> WebUi.BASE + "/ai/cohorts";
            case ADMIN -> WebUi.BASE + "/admin/cohorts";
        };
    }

    @GetMapping(WebUi.BASE + "/signed-out")
    String signedOut() {
        return "app/signed-out";
    }
}
