/**
 * Term normalisation and classpath TSV reading shared by the terminology classes. Not API; only
 * {@code org.patientvault.mapping.terminology} uses them.
 */
package org.patientvault.mapping.terminology.internal;
