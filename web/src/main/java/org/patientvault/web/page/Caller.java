package org.patientvault.web.page;

import jakarta.servlet.http.HttpServletRequest;
import org.patientvault.web.port.SignedInCallers;
import org.patientvault.web.security.SignedInCallerFilter;

/**
 * The signed-in user of a page request, as the vault sees them (set by {@link SignedInCallerFilter}); pages take it
 * as a handler argument ({@link CallerArgument}).
 *
 * @param role         patient, hospital, AI firm or admin
 * @param organization the {@code org_id} of a hospital or AI firm (a staff member acts as the organisation); else null
 * @param name         what the header shows: the provider's display name or user name
 */
public record Caller(SignedInCallers.Role role, String organization, String name) {

    static Caller of(HttpServletRequest request) {
        if (request.getAttribute(SignedInCallerFilter.CALLER) instanceof SignedInCallers.Scope scope) {
            Object name = request.getAttribute(SignedInCallerFilter.DISPLAY_NAME);
            return new Caller(scope.role(), scope.organization(), name == null ? "" : name.toString());
        }
        return null;
    }
}
