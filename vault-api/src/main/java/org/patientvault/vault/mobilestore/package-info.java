/**
 * The patient API's state on the vault's PostgreSQL: export jobs and SMART Health Links (with their encrypted
 * content, file grants, passcode counters and access log), behind the ports {@code ExportJobStore} and
 * {@code ShareLinkStore} that mobile-api declares. Tables are created at start (like {@code vault_dicom_instance});
 * every statement is plain JDBC on the vault's datasource. Nothing in vault-api depends on this package.
 */
package org.patientvault.vault.mobilestore;
