/**
 * Every byte outside PostgreSQL: an encrypted, streaming object store on the MinIO SDK. No io.minio type leaves this
 * package.
 */
package org.patientvault.storage;
