/**
 * Weak-evidence extraction (name, birth date, phone) from a submitted Patient. Not API; only
 * {@code org.patientvault.mapping.linking} uses it.
 */
package org.patientvault.mapping.linking.internal;
