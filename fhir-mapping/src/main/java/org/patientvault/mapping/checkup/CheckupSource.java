package org.patientvault.mapping.checkup;

import java.time.ZoneId;
import java.util.Objects;
import org.patientvault.mapping.linking.LinkSource;

/**
 * The clinic a CSV comes from, as the bundle builder needs it.
 *
 * @param organizationId  the clinic's OAuth client id (its Organization identifier value)
 * @param mrnSystem       identifier system of the clinic's MRNs
 * @param localCodeSystem code system of the clinic's local test codes (used for {@code local_code})
 * @param zone            time zone of the times in the file (China: Asia/Shanghai)
 */
public record CheckupSource(String organizationId, String mrnSystem, String localCodeSystem, ZoneId zone) {

    public CheckupSource {
        Objects.requireNonNull(zone, "zone");
        if (localCodeSystem == null || localCodeSystem.isBlank()) {
            throw new IllegalArgumentException("CheckupSource.localCodeSystem must not be blank");
        }
        new LinkSource(organizationId, mrnSystem); // same validation as identity matching
    }

    /** With zone Asia/Shanghai. */
    public CheckupSource(String organizationId, String mrnSystem, String localCodeSystem) {
        this(organizationId, mrnSystem, localCodeSystem, ZoneId.of("Asia/Shanghai"));
    }

    /** The identity-matching view of this clinic. */
    public LinkSource linkSource() {
        return new LinkSource(organizationId, mrnSystem);
    }
}
