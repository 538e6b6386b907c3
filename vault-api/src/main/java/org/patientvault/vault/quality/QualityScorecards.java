package org.patientvault.vault.quality;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.patientvault.mapping.quality.QualityScorecard;
import org.patientvault.vault.VaultProperties;
import org.patientvault.vault.caller.VaultPrincipal;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Per-hospital scorecards over the stored submission results of the last {@code vault.quality.scorecard-days}, with
 * the one access rule of both the FHIR operation and the JSON endpoint: a hospital sees its own card, the admin any;
 * anything else is "not found", exactly like an organization without submissions, so existence does not leak.
 *
 * <p>Cost: one indexed range read of every hospital's results in the window (the comparison needs all hospitals).
 */
@Component
public class QualityScorecards {

    private final QualityTables tables;
    private final QualityScorecard scorecard;
    private final Duration window;
    private final Clock clock;

    QualityScorecards(QualityTables tables, QualityProperties props, VaultProperties vault,
                      ObjectProvider<Clock> clock) {
        this.tables = tables;
        this.scorecard = new QualityScorecard(vault.zone(), props.topIssues());
        this.window = Duration.ofDays(props.scorecardDays());
        this.clock = clock.getIfAvailable(Clock::systemUTC);
    }

    QualityScorecard scorecard() {
        return scorecard;
    }

    /** Whether {@code caller} may read the scorecard of the organization with this code. */
    static boolean mayRead(Optional<VaultPrincipal> caller, String orgCode) {
        return caller.map(p -> p.kind() == VaultPrincipal.Kind.ADMIN
                || (p.kind() == VaultPrincipal.Kind.HOSPITAL && orgCode != null && orgCode.equals(p.orgCode())))
                .orElse(false);
    }

    /** The card of a hospital by its organization code, if the caller may read it and it has scored submissions. */
    public Optional<QualityScorecard.Card> card(Optional<VaultPrincipal> caller, String orgCode) {
        if (!mayRead(caller, orgCode)) {
            return Optional.empty();
        }
        return scorecard.card(orgCode, tables.since(clock.instant().minus(window)));
    }
}
