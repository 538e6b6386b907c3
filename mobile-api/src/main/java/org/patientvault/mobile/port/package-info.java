/**
 * The ports of the patient API: what it needs from the vault, stated as small interfaces. vault-api implements them
 * (package {@code org.patientvault.vault.edge}) on the guarded {@code /fhir} path, as the calling user; a test may
 * implement them with fakes. The web module may use them too.
 */
package org.patientvault.mobile.port;
