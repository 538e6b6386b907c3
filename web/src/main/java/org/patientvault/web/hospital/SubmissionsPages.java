package org.patientvault.web.hospital;

import org.patientvault.web.WebUi;
import org.patientvault.web.port.HospitalConsole;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/** The hospital's own submission history, newest first, each with its receipt's counts and quality score. */
@Controller
class SubmissionsPages {

    static final int SHOWN = 50;

    private final HospitalConsole console;

    SubmissionsPages(HospitalConsole console) {
        this.console = console;
    }

    @GetMapping(WebUi.BASE + "/hospital/submissions")
    String submissions(Model model) {
        model.addAttribute("submissions", console.submissions(SHOWN));
        model.addAttribute("shown", SHOWN);
        return "app/hospital/submissions";
    }
}
