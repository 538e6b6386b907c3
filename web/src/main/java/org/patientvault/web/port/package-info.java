/**
 * What the browser UI needs from the vault, declared here and implemented by vault-api on the guarded path (the
 * same authorization, consent and audit as {@code /fhir}). The web never imports vault-api, DAOs or the object store.
 */
package org.patientvault.web.port;
