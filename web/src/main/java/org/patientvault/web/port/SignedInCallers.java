package org.patientvault.web.port;

/**
 * Lets the browser UI act as its signed-in user. The web keeps the user's access token on the server (in the session,
 * never in the browser) and, for each page request, enters a scope in which the current thread is that user exactly
 * as if the token had come to the API as a bearer token: the same verification (signature, issuer, audience, expiry),
 * the same caller (role, patient, organisation: a hospital's staff member acts as the hospital) and so the same
 * authorization rules, consent decisions and audit on every port and mobile-api service used inside the scope.
 *
 * <p>Implemented by vault-api. Cost: one signature check (keys cached) and a cached account lookup per call.
 */
public interface SignedInCallers {

    /**
     * Verifies {@code accessToken} and makes the current thread act as its holder until the scope is closed, then
     * restores what the thread had before. Use with try-with-resources on the request thread.
     *
     * @throws RefusedToken when the token is not acceptable now (expired, wrong issuer or audience, no vault role);
     *                      nothing is entered then
     */
    Scope enter(String accessToken);

    /** The four kinds of user the UI serves (DESIGN §4). */
    enum Role { PATIENT, HOSPITAL, AI_FIRM, ADMIN }

    /** A thread acting as a signed-in user. */
    interface Scope extends AutoCloseable {

        Role role();

        /** The organisation code ({@code org_id}, e.g. {@code hosp-beijing}) of a hospital or AI firm; else null. */
        String organization();

        /** Restores the thread's previous security context; never throws. */
        @Override
        void close();
    }

    /** The access token is not acceptable; the message is fixed text, never the token or its claims' values. */
    class RefusedToken extends RuntimeException {

        public RefusedToken(String message) {
            super(message);
        }
    }
}
