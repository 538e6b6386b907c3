/**
 * The vault's side of the edges' ports: {@code mobile-api} and {@code web} declare what they need as interfaces, and
 * this package implements them on the guarded {@code /fhir} path (in-process, as the calling user), so an edge can
 * never reach around authorization or consent. Nothing in vault-api depends on this package.
 */
package org.patientvault.vault.edge;
