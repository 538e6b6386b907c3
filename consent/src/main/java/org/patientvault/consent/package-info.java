/**
 * The patient's Consent model, the pure policy engine, and the one HAPI IConsentService that enforces it.
 */
package org.patientvault.consent;
