package org.patientvault.web.page;

import jakarta.servlet.http.HttpServletResponse;
import org.patientvault.mobile.port.CallerRecordsException;
import org.patientvault.mobile.support.MobileProblem;
import org.patientvault.web.WebUi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;

/**
 * What a page shows when it cannot show what was asked: the status and a fixed text in the user's language, the
 * vault's own problem text when it has one (those are built from the request, never from stored content), and no
 * stack trace. Applies to the UI's pages only.
 */
@ControllerAdvice(basePackageClasses = WebUi.class)
// Before the API's problem advice, which also covers org.patientvault and answers every exception with problem JSON:
// Spring asks the advices in order and takes the first that has any matching handler.
@Order(Ordered.HIGHEST_PRECEDENCE)
class PageErrors {

    private static final Logger LOG = LoggerFactory.getLogger(PageErrors.class);
    static final String VIEW = "app/error";

    @ExceptionHandler(PageRefused.class)
    String refused(PageRefused e, Model model, HttpServletResponse response) {
        return show(model, response, e.status(), e.messageKey(), null);
    }

    @ExceptionHandler(MobileProblem.class)
    String problem(MobileProblem e, Model model, HttpServletResponse response) {
        int status = e.status().value();
        return show(model, response, status, status == 404 ? "error.not-found" : "error.refused", e.getMessage());
    }

    @ExceptionHandler(CallerRecordsException.class)
    String records(CallerRecordsException e, Model model, HttpServletResponse response) {
        int status = e.status();
        if (status >= 500) {
            LOG.warn("A page's read failed in the vault ({})", status);
            return show(model, response, 503, "error.unavailable", null);
        }
        return show(model, response, status, status == 404 ? "error.not-found" : "error.refused", null);
    }

    @ExceptionHandler(RuntimeException.class)
    String failed(RuntimeException e, Model model, HttpServletResponse response) {
        LOG.error("A page failed", e);
        return show(model, response, 500, "error.failed", null);
    }

    private static String show(Model model, HttpServletResponse response, int status, String key, String detail) {
        response.setStatus(status);
        model.addAttribute("status", status);
        model.addAttribute("messageKey", key);
        model.addAttribute("detail", detail);
        return VIEW;
    }
}
