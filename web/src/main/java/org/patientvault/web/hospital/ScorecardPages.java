package org.patientvault.web.hospital;

import java.util.List;
import java.util.Map;
import org.patientvault.web.WebUi;
import org.patientvault.web.port.HospitalConsole;
import org.springframework.context.MessageSource;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * The hospital's quality scorecard: its daily mean score beside the mean of all hospitals (a chart through app.js's
 * {@code canvas[data-chart]} and a table with the same figures), its rank, and its most frequent issues with a hint
 * on how to fix each.
 */
@Controller
class ScorecardPages {

    private final HospitalConsole console;
    private final MessageSource messages;

    ScorecardPages(HospitalConsole console, MessageSource messages) {
        this.console = console;
        this.messages = messages;
    }

    @GetMapping(WebUi.BASE + "/hospital/scorecard")
    String scorecard(Model model) {
        console.scorecard().ifPresent(card -> {
            model.addAttribute("card", card);
            model.addAttribute("chart", chart(card));
        });
        return "app/hospital/scorecard";
    }

    /** The chart's data block: the hospital's daily mean as the values, all hospitals' as an extra series. */
    private Map<String, Object> chart(HospitalConsole.Scorecard card) {
        List<HospitalConsole.Day> days = card.trend();
        return Map.of(
                "labels", days.stream().map(d -> d.day().toString()).toList(),
                "values", days.stream().map(HospitalConsole.Day::meanScore).toList(),
                "valueLabel", text("scorecard.chart.mine"),
                "unit", text("scorecard.chart.unit"),
                "extra", List.of(Map.of("label", text("scorecard.chart.all"),
                        "data", days.stream().map(HospitalConsole.Day::allHospitalsMeanScore).toList())));
    }

    private String text(String key) {
        return messages.getMessage(key, null, LocaleContextHolder.getLocale());
    }
}
