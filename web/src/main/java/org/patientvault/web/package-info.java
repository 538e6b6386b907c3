/**
 * The browser UI at {@code /app} (next wave) as a backend-for-frontend: {@code oauth2Login} with Keycloak, server-
 * rendered pages, no token in the browser. It reads through mobile-api's services and ports (and its own ports, which
 * vault-api implements), never around the guarded {@code /fhir} path.
 */
package org.patientvault.web;
