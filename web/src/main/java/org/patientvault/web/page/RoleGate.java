package org.patientvault.web.page;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import java.util.Optional;
import org.patientvault.web.WebUi;
import org.patientvault.web.port.SignedInCallers.Role;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Which kind of user may open which part of the UI: the one table, default deny. A path in no area is refused
 * (404) before any page code runs; a user of another kind gets 403 with the area's fixed text, never data. What a
 * user may see inside an area is still decided by the vault for each read (the same rules as the API).
 */
final class RoleGate implements HandlerInterceptor {

    /** An area of the UI: a path prefix and the one kind of user it serves (null: every signed-in user). */
    record Area(String prefix, Role role) {
    }

    static final List<Area> AREAS = List.of(
            new Area(WebUi.BASE + "/patient/", Role.PATIENT),
            new Area(WebUi.BASE + "/hospital/", Role.HOSPITAL),
            new Area(WebUi.BASE + "/ai/", Role.AI_FIRM),
            new Area(WebUi.BASE + "/admin/", Role.ADMIN),
            new Area(WebUi.BASE + "/home", null));

    static Optional<Area> areaOf(String path) {
        String p = path.endsWith("/") ? path : path + "/";
        return AREAS.stream().filter(a -> p.startsWith(a.prefix().endsWith("/") ? a.prefix() : a.prefix() + "/"))
                .findFirst();
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
            throws Exception {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (path.equals(WebUi.BASE) || path.equals(WebUi.BASE + "/") || path.startsWith(WebUi.BASE + "/assets/")
                || path.equals(WebUi.BASE + "/signed-out") || path.equals(WebUi.BASE + "/error")) {
            return true;
        }
        Optional<Area> area = areaOf(path);
        if (area.isEmpty()) {
            throw new PageRefused(404, "error.not-found");
        }
        Caller caller = Caller.of(request);
        if (caller == null || area.get().role() != null && caller.role() != area.get().role()) {
            throw new PageRefused(403, "error.area." + area.get().role().name().toLowerCase(java.util.Locale.ROOT));
        }
        return true;
    }
}
