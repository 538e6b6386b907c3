/**
 * JMH benchmarks of de-identification. Test scope, never run by surefire (no test classes here): run with
 * {@code bench/deid/run.sh} from the repository root.
 */
package org.patientvault.mapping.deid.bench;
