package org.patientvault.vault.quality;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code vault.quality.*}: data-quality scoring in the ingest path.
 *
 * @param enabled       score submissions (default true; {@code VAULT_QUALITY_ENABLED}). Off: submissions are stored
 *                      exactly as before, without scores, receipts or scorecard rows
 * @param scorecardDays how many days of submissions a scorecard covers (default 90)
 * @param topIssues     how many recurring issues a scorecard lists (default 10)
 */
@ConfigurationProperties("vault.quality")
public record QualityProperties(Boolean enabled, Integer scorecardDays, Integer topIssues) {

    public QualityProperties {
        enabled = enabled == null || enabled;
        scorecardDays = scorecardDays == null ? 90 : scorecardDays;
        topIssues = topIssues == null ? 10 : topIssues;
        if (scorecardDays <= 0 || topIssues <= 0) {
            throw new IllegalArgumentException("vault.quality.scorecard-days and vault.quality.top-issues must be > 0,"
                    + " got " + scorecardDays + " and " + topIssues);
        }
    }
}
