package org.patientvault.web.ai;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.patientvault.web.WebUi;
import org.patientvault.web.page.PageRefused;
import org.patientvault.web.port.CohortConsole;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.filter.ShallowEtagHeaderFilter;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The AI firm's cohort requests: compose one (the page checks the form, the vault checks the rest and names every
 * problem), list them with their status, follow a build (htmx polls the status fragment while it builds), download
 * the manifest's files through the session, and see withdrawals. The vault decides what the firm may see.
 */
@Controller
@RequestMapping(WebUi.BASE + "/ai/cohorts")
class CohortPages {

    static final String BASE = WebUi.BASE + "/ai/cohorts";
    static final List<String> CLASSES = List.of("imaging", "laboratory", "checkup", "vital-signs", "conditions",
            "medications");
    static final List<String> MODALITIES = List.of("CT", "MR", "US", "CR", "DX", "MG", "PT", "NM", "XA");
    static final List<String> SEXES = List.of("female", "male", "other", "unknown");

    private final CohortConsole cohorts;

    CohortPages(CohortConsole cohorts) {
        this.cohorts = cohorts;
    }

    @GetMapping
    String list(Model model) {
        model.addAttribute("requests", cohorts.list(null));
        return "app/ai/cohorts";
    }

    @GetMapping("/new")
    String compose(Model model) {
        if (!model.containsAttribute("form")) {
            model.addAttribute("form", Form.EMPTY);
        }
        if (!model.containsAttribute("errors")) {
            model.addAttribute("errors", Map.of());
        }
        model.addAttribute("allClasses", CLASSES);
        model.addAttribute("allModalities", MODALITIES);
        model.addAttribute("allSexes", SEXES);
        return "app/ai/new";
    }

    @PostMapping("/new")
    String file(Form form, Model model, RedirectAttributes flash) {
        Map<String, String> errors = new LinkedHashMap<>();
        CohortConsole.Draft draft = form.draft(errors);
        if (errors.isEmpty()) {
            try {
                String id = cohorts.file(draft);
                flash.addFlashAttribute("filed", true);
                return "redirect:" + BASE + "/" + id;
            } catch (CohortConsole.Invalid invalid) {
                model.addAttribute("problems", invalid.problems());
                errors.put("vault", "cohort.error.vault");
            }
        }
        model.addAttribute("form", form);
        model.addAttribute("errors", errors);
        return compose(model);
    }

    @GetMapping("/{id}")
    String request(@PathVariable String id, Model model) {
        CohortConsole.Request request = cohorts.get(id).orElseThrow(() -> new PageRefused(404, "error.not-found"));
        model.addAttribute("request", request);
        if (request.release() != null && "ready".equals(request.release().status())) {
            cohorts.manifest(id).ifPresent(m -> model.addAttribute("manifest", m));
        }
        model.addAttribute("withdrawals", cohorts.withdrawals(id));
        return "app/ai/request";
    }

    /** The status fragment htmx polls while a release builds; it stops polling once the build has ended. */
    @GetMapping("/{id}/status")
    String status(@PathVariable String id, Model model) {
        model.addAttribute("request", cohorts.get(id).orElseThrow(() -> new PageRefused(404, "error.not-found")));
        return "app/ai/request :: status";
    }

    @PostMapping("/{id}/build")
    String build(@PathVariable String id, RedirectAttributes flash) {
        cohorts.build(id);
        flash.addFlashAttribute("started", true);
        return "redirect:" + BASE + "/" + id;
    }

    @GetMapping("/{id}/files/{file}")
    void download(@PathVariable String id, @PathVariable String file, HttpServletRequest request,
                  HttpServletResponse response) throws IOException {
        // The ETag filter would buffer the whole file to hash it.
        ShallowEtagHeaderFilter.disableContentCaching(request);
        boolean served = cohorts.download(file, contentType -> {
            response.setContentType(contentType);
            response.setHeader("Cache-Control", "private, no-store");
            response.setHeader("Content-Disposition", "attachment; filename=\"cohort-" + file
                    + (contentType.contains("dicom") ? ".dcm" : ".ndjson") + "\"");
            try {
                return response.getOutputStream();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        if (!served) {
            throw new PageRefused(404, "error.not-found");
        }
    }

    /** The form as typed; {@link #draft} checks it and names each field's problem. */
    record Form(String name, String criteria, List<String> classes, List<String> modalities, String minQuality,
                String ageLow, String ageHigh, String sex, String periodStart, String periodEnd, String crossBorder,
                String projectTitle, String projectDescription) {

        static final Form EMPTY = new Form("", "", List.of(), List.of(), "", "", "", "", "", "", null, "", "");

        CohortConsole.Draft draft(Map<String, String> errors) {
            if (blank(name)) {
                errors.put("name", "cohort.error.name");
            }
            if (blank(projectTitle)) {
                errors.put("projectTitle", "cohort.error.project");
            }
            List<String> cls = classes == null ? List.of() : classes.stream().filter(CLASSES::contains).toList();
            if (cls.isEmpty()) {
                errors.put("classes", "cohort.error.classes");
            }
            List<String> mods = modalities == null ? List.of()
                    : modalities.stream().filter(MODALITIES::contains).toList();
            if (!mods.isEmpty() && !cls.contains("imaging")) {
                errors.put("modalities", "cohort.error.modalities");
            }
            BigDecimal quality = null;
            if (!blank(minQuality)) {
                try {
                    quality = new BigDecimal(minQuality.trim());
                    if (quality.signum() < 0 || quality.compareTo(BigDecimal.ONE) > 0) {
                        errors.put("minQuality", "cohort.error.quality");
                    }
                } catch (NumberFormatException e) {
                    errors.put("minQuality", "cohort.error.quality");
                }
            }
            Integer low = age(ageLow, "ageLow", errors);
            Integer high = age(ageHigh, "ageHigh", errors);
            if (low != null && high != null && low > high) {
                errors.put("ageHigh", "cohort.error.age-order");
            }
            if (!blank(sex) && !SEXES.contains(sex)) {
                errors.put("sex", "cohort.error.sex");
            }
            LocalDate start = date(periodStart, "periodStart", errors);
            LocalDate end = date(periodEnd, "periodEnd", errors);
            if (start != null && end != null && !start.isBefore(end)) {
                errors.put("periodEnd", "cohort.error.period-order");
            }
            List<String> crit = new ArrayList<>();
            if (!blank(criteria)) {
                for (String line : criteria.split("\\R")) {
                    if (!line.isBlank()) {
                        crit.add(line.strip());
                    }
                }
            }
            if (crit.size() > 10) {
                errors.put("criteria", "cohort.error.criteria");
            }
            return new CohortConsole.Draft(blank(name) ? null : name.strip(), crit, cls, mods, quality, low, high,
                    blank(sex) ? null : sex, start, end, crossBorder != null, "ai-training",
                    blank(projectTitle) ? null : projectTitle.strip(),
                    blank(projectDescription) ? null : projectDescription.strip());
        }

        private static Integer age(String value, String field, Map<String, String> errors) {
            if (blank(value)) {
                return null;
            }
            try {
                int a = Integer.parseInt(value.trim());
                if (a >= 0 && a <= 150) {
                    return a;
                }
            } catch (NumberFormatException e) {
                // falls through to the message
            }
            errors.put(field, "cohort.error.age");
            return null;
        }

        private static LocalDate date(String value, String field, Map<String, String> errors) {
            if (blank(value)) {
                return null;
            }
            try {
                return LocalDate.parse(value.trim());
            } catch (DateTimeParseException e) {
                errors.put(field, "cohort.error.date");
                return null;
            }
        }

        private static boolean blank(String s) {
            return s == null || s.isBlank();
        }
    }
}
