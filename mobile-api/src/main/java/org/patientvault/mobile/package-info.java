/**
 * The patient app's REST/JSON API at {@code /mobile/v1}: controllers, Jackson DTOs designed for screens, services,
 * RFC 7807 errors. It holds no data access of its own: everything it reads or writes goes through the interfaces in
 * {@link org.patientvault.mobile.port}, which vault-api implements on the same authorization- and consent-guarded path
 * as {@code /fhir}, as the calling user. Never around them.
 */
package org.patientvault.mobile;
