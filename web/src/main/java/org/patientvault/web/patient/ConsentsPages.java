package org.patientvault.web.patient;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.patientvault.mobile.consents.ConsentRequest;
import org.patientvault.mobile.consents.ConsentService;
import org.patientvault.mobile.support.MobileProblem;
import org.patientvault.web.WebUi;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Consents in plain words: share with a hospital for N days, allow AI training with choices (which data, which
 * purposes, any approved AI firm or one, abroad or not), and revoke. Each consent is shown with the vault's own
 * explanation of what it allows. The consent module validates and decides; this page only asks.
 */
@Controller
@RequestMapping(WebUi.BASE + "/patient/consents")
class ConsentsPages {

    static final List<String> CLASSES = List.of("imaging", "laboratory", "checkup", "vital-signs", "conditions",
            "medications", "documents");
    static final List<String> PURPOSES = List.of("ai-training", "research");

    private final ConsentService consents;
    private final PatientDirectory directory;

    ConsentsPages(ConsentService consents, PatientDirectory directory) {
        this.consents = consents;
        this.directory = directory;
    }

    @GetMapping
    String list(Model model) {
        if (!model.containsAttribute("errors")) {
            model.addAttribute("errors", Map.of());
        }
        model.addAttribute("consents", consents.list());
        model.addAttribute("hospitals", directory.hospitals());
        model.addAttribute("aiFirms", directory.aiFirms());
        model.addAttribute("allClasses", CLASSES);
        model.addAttribute("allPurposes", PURPOSES);
        return "app/patient/consents";
    }

    @PostMapping
    String grant(@RequestParam String kind,
                 @RequestParam(required = false) String hospital,
                 @RequestParam(required = false) String days,
                 @RequestParam(required = false) List<String> dataClasses,
                 @RequestParam(required = false) List<String> purposes,
                 @RequestParam(required = false) String aiFirm,
                 @RequestParam(required = false) String crossBorder,
                 Model model, RedirectAttributes flash) {
        Map<String, String> errors = new LinkedHashMap<>();
        boolean share = "share".equals(kind);
        Integer d = null;
        if (days != null && !days.isBlank()) {
            try {
                d = Integer.valueOf(days.trim());
                if (d < 1 || d > 3650) {
                    errors.put(kind + ".days", "consents.error.days");
                }
            } catch (NumberFormatException e) {
                errors.put(kind + ".days", "consents.error.days");
            }
        } else if (share) {
            errors.put("share.days", "consents.error.days");
        }
        if (share && (hospital == null || hospital.isBlank())) {
            errors.put("share.hospital", "consents.error.hospital");
        }
        if (!share && !"ai-training".equals(kind)) {
            errors.put("kind", "consents.error.kind");
        }
        if (errors.isEmpty()) {
            ConsentRequest request = share
                    ? new ConsentRequest("share", hospital.trim(), d, dataClasses, null, null, null)
                    : new ConsentRequest("ai-training", null, d, dataClasses,
                    purposes == null || purposes.isEmpty() ? List.of("ai-training") : purposes,
                    aiFirm == null || aiFirm.isBlank() ? null : aiFirm.trim(), crossBorder != null);
            try {
                consents.create(request);
                flash.addFlashAttribute("granted", kind);
                return "redirect:" + WebUi.BASE + "/patient/consents";
            } catch (MobileProblem refused) {
                if (!(refused.body().get("errors") instanceof Map<?, ?> fields) || fields.isEmpty()) {
                    throw refused;
                }
                fields.keySet().forEach(f -> errors.put(kind + "." + f, "consents.error." + f));
            }
        }
        model.addAttribute("errors", errors);
        model.addAttribute("form", new Form(kind, hospital, days, dataClasses, purposes, aiFirm, crossBorder != null));
        return list(model);
    }

    @PostMapping("/{id}/revoke")
    String revoke(@PathVariable String id, RedirectAttributes flash) {
        consents.revoke(id);
        flash.addFlashAttribute("revoked", true);
        return "redirect:" + WebUi.BASE + "/patient/consents";
    }

    /** What the user typed, shown again beside the messages after a refusal. */
    record Form(String kind, String hospital, String days, List<String> dataClasses, List<String> purposes,
                String aiFirm, boolean crossBorder) {
    }
}
