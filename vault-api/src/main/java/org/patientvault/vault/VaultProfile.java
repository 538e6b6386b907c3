package org.patientvault.vault;

/**
 * Whether embedded fallbacks are allowed. {@code VAULT_PROFILE=production} refuses every embedded default
 * and names the variable that is missing (DESIGN §3).
 */
public final class VaultProfile {

    private VaultProfile() {
    }

    /** True when the process runs with {@code VAULT_PROFILE=production} (env var or {@code vault.profile}). */
    public static boolean isProduction(org.springframework.core.env.Environment env) {
        return "production".equalsIgnoreCase(env.getProperty("vault.profile", ""));
    }

    /**
     * Fails start-up in production when an external part is not configured.
     *
     * @throws IllegalStateException naming the missing variable
     */
    public static void requireExternal(org.springframework.core.env.Environment env, String variable, String part) {
        if (isProduction(env)) {
            throw new IllegalStateException("VAULT_PROFILE=production refuses the embedded " + part
                    + ": set " + variable);
        }
    }
}
