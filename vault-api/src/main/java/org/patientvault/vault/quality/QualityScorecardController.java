package org.patientvault.vault.quality;

import org.patientvault.vault.caller.VaultPrincipal;
import org.patientvault.vault.problem.ApiProblem;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/quality/scorecards/{orgCode}}: a hospital's scorecard as the plain JSON record tree of
 * {@code QualityScorecard.Card}. Behind the same bearer-token security as {@code /fhir}; the same rule as the FHIR
 * operation (own hospital or admin, else 404); errors are RFC 7807 problem JSON.
 */
@RestController
@RequestMapping("/api/quality/scorecards")
class QualityScorecardController {

    private final QualityScorecards scorecards;

    QualityScorecardController(QualityScorecards scorecards) {
        this.scorecards = scorecards;
    }

    @GetMapping(value = "/{orgCode}", produces = {MediaType.APPLICATION_JSON_VALUE,
            MediaType.APPLICATION_PROBLEM_JSON_VALUE})
    ResponseEntity<?> card(@PathVariable String orgCode) {
        return scorecards.card(VaultPrincipal.current(), orgCode)
                .<ResponseEntity<?>>map(c -> ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(c))
                // Not yours, unknown, or no scored submissions: one answer, so existence does not leak.
                .orElseThrow(() -> new ApiProblem(HttpStatus.NOT_FOUND, "scorecard-not-found", "Scorecard not found",
                        "No scorecard for organization '" + orgCode + "' that you may read"));
    }
}
