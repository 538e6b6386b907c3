/**
 * The patient app's REST/JSON API (next wave): controllers and Jackson DTOs with RFC 7807 errors.
 * It reads through the same authorization- and consent-guarded paths as {@code /fhir}, never around them.
 */
package org.patientvault.mobile;
