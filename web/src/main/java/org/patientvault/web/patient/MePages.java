package org.patientvault.web.patient;

import org.patientvault.mobile.me.ClaimResult;
import org.patientvault.mobile.me.MeService;
import org.patientvault.web.WebUi;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The patient's profile, the hospitals that know her, and records that may be hers (claim candidates: a hospital
 * sent them with her name, birth date and phone but no resident ID): she accepts or rejects each.
 */
@Controller
@RequestMapping(WebUi.BASE + "/patient/me")
class MePages {

    private final MeService me;

    MePages(MeService me) {
        this.me = me;
    }

    @GetMapping
    String me(Model model) {
        model.addAttribute("me", me.view().getBody());
        return "app/patient/me";
    }

    @PostMapping("/claims/{candidate}/accept")
    String accept(@PathVariable String candidate, RedirectAttributes flash) {
        ClaimResult result = me.accept(candidate);
        flash.addFlashAttribute("claimed", result.moved() == null ? 0 : result.moved());
        return "redirect:" + WebUi.BASE + "/patient/me";
    }

    @PostMapping("/claims/{candidate}/reject")
    String reject(@PathVariable String candidate, RedirectAttributes flash) {
        me.reject(candidate);
        flash.addFlashAttribute("rejected", true);
        return "redirect:" + WebUi.BASE + "/patient/me";
    }
}
