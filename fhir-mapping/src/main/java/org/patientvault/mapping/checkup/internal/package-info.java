/**
 * CSV mechanics of the checkup feature: the RFC 4180 tokenizer and strict charset decoding. Not API; only
 * {@code org.patientvault.mapping.checkup} uses them.
 */
package org.patientvault.mapping.checkup.internal;
