package org.patientvault.web.patient;

import java.util.LinkedHashMap;
import java.util.Map;
import org.patientvault.mobile.share.ShareLinkRequest;
import org.patientvault.mobile.share.ShareLinkView;
import org.patientvault.mobile.share.ShareLinks;
import org.patientvault.mobile.share.ShareProperties;
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
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * "Share with a doctor": a SMART Health Link of everything, protected by a passcode the patient chooses. Made once:
 * the page then shows the QR code, the passcode and the expiry (the link's key exists only in the QR code and is
 * never stored, so this is the only time it can be shown). The list shows every link, live or ended, with who opened
 * it and a revoke button.
 */
@Controller
@RequestMapping(WebUi.BASE + "/patient/share")
class SharePages {

    private final ShareLinks links;
    private final ShareProperties props;

    SharePages(ShareLinks links, ShareProperties props) {
        this.links = links;
        this.props = props;
    }

    @GetMapping
    String page(Model model) {
        if (!model.containsAttribute("errors")) {
            model.addAttribute("errors", Map.of());
        }
        model.addAttribute("links", links.mine());
        model.addAttribute("maxDays", props.maxDays());
        return "app/patient/share";
    }

    @PostMapping
    String create(@RequestParam(required = false) String label, @RequestParam(required = false) String days,
                  @RequestParam(required = false) String passcode, Model model) {
        Map<String, String> errors = new LinkedHashMap<>();
        Integer d = null;
        try {
            d = days == null || days.isBlank() ? 7 : Integer.valueOf(days.trim());
            if (d < 1 || d > props.maxDays()) {
                errors.put("days", "share.error.days");
            }
        } catch (NumberFormatException e) {
            errors.put("days", "share.error.days");
        }
        if (passcode == null || passcode.length() < 6 || passcode.length() > 64) {
            errors.put("passcode", "share.error.passcode");
        }
        if (label != null && label.length() > 80) {
            errors.put("label", "share.error.label");
        }
        if (errors.isEmpty()) {
            String base = ServletUriComponentsBuilder.fromCurrentContextPath().path("/mobile/v1/shl/").toUriString();
            try {
                ShareLinkView made = links.create(new ShareLinkRequest("everything", null, null, d, passcode,
                        label == null || label.isBlank() ? null : label.trim()), base);
                model.addAttribute("made", made);
                model.addAttribute("passcode", passcode);
            } catch (MobileProblem refused) {
                if (!(refused.body().get("errors") instanceof Map<?, ?> fields) || fields.isEmpty()) {
                    throw refused;
                }
                fields.keySet().forEach(f -> errors.put(String.valueOf(f), "share.error." + f));
            }
        }
        model.addAttribute("errors", errors);
        model.addAttribute("form", Map.of("label", label == null ? "" : label, "days", days == null ? "" : days));
        return page(model);
    }

    @PostMapping("/{id}/revoke")
    String revoke(@PathVariable String id, RedirectAttributes flash) {
        links.revoke(id);
        flash.addFlashAttribute("revoked", true);
        return "redirect:" + WebUi.BASE + "/patient/share";
    }

}
