package org.patientvault.vault.objects;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;

/**
 * Where the 32-byte master key comes from: {@code VAULT_MASTER_KEY} (base64), or, in the embedded mode, a file
 * generated once under the data directory (mode 600) and reused on every later start. Never logs key material.
 */
final class MasterKeys {

    static final String FILE_NAME = "master.key";

    private MasterKeys() {
    }

    /**
     * Decodes a configured key.
     *
     * @throws MasterKeyException unless it is base64 of exactly 32 bytes (the message never echoes the value)
     */
    static byte[] decode(String base64, String source) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new MasterKeyException(source + " is not valid base64; it must be the base64 of exactly 32 random"
                    + " bytes (e.g. `openssl rand -base64 32`)");
        }
        if (key.length != 32) {
            throw new MasterKeyException(source + " decodes to " + key.length + " bytes; it must be the base64 of"
                    + " exactly 32 random bytes (e.g. `openssl rand -base64 32`)");
        }
        return key;
    }

    /** Reads {@code file}, or creates it with a fresh random key (owner read/write only) when absent. */
    static Loaded loadOrCreate(Path file) {
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(file.toAbsolutePath().getParent());
                byte[] key = new byte[32];
                new SecureRandom().nextBytes(key);
                try {
                    write(file, Base64.getEncoder().encodeToString(key) + "\n");
                    return new Loaded(key, true);
                } catch (FileAlreadyExistsException raced) {
                    // another process created it first: use theirs
                }
            }
            return new Loaded(decode(Files.readString(file), "Master key file " + file), false);
        } catch (IOException e) {
            throw new MasterKeyException("Cannot read or create the master key file " + file + ": "
                    + e.getClass().getSimpleName());
        }
    }

    private static void write(Path file, String content) throws IOException {
        Set<PosixFilePermission> rw = PosixFilePermissions.fromString("rw-------");
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(rw));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(file);
        }
        Files.writeString(file, content, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
    }

    /** A key and whether this start generated it. */
    record Loaded(byte[] key, boolean generated) {
    }

    /** The master key setting is unusable; start-up fails with this message. */
    static final class MasterKeyException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        MasterKeyException(String message) {
            super(message);
        }
    }
}
