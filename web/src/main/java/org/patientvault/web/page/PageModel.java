package org.patientvault.web.page;

import jakarta.servlet.http.HttpServletRequest;
import org.patientvault.web.WebUi;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/** What every page's layout needs: who is signed in (for the navigation) and the current path (language links). */
@ControllerAdvice(basePackageClasses = WebUi.class)
class PageModel {

    @ModelAttribute("caller")
    Caller caller(HttpServletRequest request) {
        return Caller.of(request);
    }

    @ModelAttribute("currentPath")
    String currentPath(HttpServletRequest request) {
        return request.getRequestURI().substring(request.getContextPath().length());
    }
}
