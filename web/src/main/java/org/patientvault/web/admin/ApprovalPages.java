package org.patientvault.web.admin;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.patientvault.web.WebUi;
import org.patientvault.web.port.CohortConsole;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The data-access committee's queue: the requests waiting for a decision, each with what it asks for, and an approve
 * or reject with the committee's reason (required); below, the requests already decided. The vault decides once: a
 * second decision is refused.
 */
@Controller
@RequestMapping(WebUi.BASE + "/admin/cohorts")
class ApprovalPages {

    static final String BASE = WebUi.BASE + "/admin/cohorts";

    private final CohortConsole cohorts;

    ApprovalPages(CohortConsole cohorts) {
        this.cohorts = cohorts;
    }

    @GetMapping
    String queue(Model model) {
        if (!model.containsAttribute("errors")) {
            model.addAttribute("errors", Map.of());
        }
        // One read: the committee sees every request; the queue is those still waiting.
        Map<Boolean, List<CohortConsole.Request>> byWaiting = cohorts.list(null).stream()
                .collect(Collectors.partitioningBy(r -> "submitted".equals(r.status())));
        model.addAttribute("waiting", byWaiting.get(true));
        model.addAttribute("decidedRequests", byWaiting.get(false));
        return "app/admin/cohorts";
    }

    @PostMapping("/{id}/decision")
    String decide(@PathVariable String id, @RequestParam(required = false) String decision,
                  @RequestParam(required = false) String reason, Model model, RedirectAttributes flash) {
        boolean approve = "approve".equals(decision);
        if (!approve && !"reject".equals(decision)) {
            model.addAttribute("errors", Map.of(id, "approvals.error.decision"));
            return queue(model);
        }
        if (reason == null || reason.isBlank()) {
            model.addAttribute("errors", Map.of(id, "approvals.error.reason"));
            return queue(model);
        }
        cohorts.decide(id, approve, reason.strip());
        flash.addFlashAttribute("decision", approve ? "approved" : "rejected");
        return "redirect:" + BASE;
    }
}
