package org.patientvault.vault;

import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Collects, from each configuration, whether its part runs embedded or external, and logs them as one line once the
 * application is ready. Callers pass descriptions that never contain secrets.
 */
@Component
public class VaultStartupReport {

    private static final Logger LOG = LoggerFactory.getLogger(VaultStartupReport.class);
    private final Map<String, String> parts = new LinkedHashMap<>();

    /** Records how a part is provided, e.g. {@code part("database", "embedded PostgreSQL at ./data/pg")}. */
    public synchronized void part(String name, String description) {
        parts.put(name, description);
    }

    public synchronized Map<String, String> parts() {
        return Map.copyOf(parts);
    }

    @EventListener(ApplicationReadyEvent.class)
    void logParts() {
        StringBuilder line = new StringBuilder("Patient Vault parts:");
        synchronized (this) {
            parts.forEach((k, v) -> line.append(' ').append(k).append("=[").append(v).append(']'));
        }
        LOG.info("{}", line);
    }
}
