package org.patientvault.mapping.terminology;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.patientvault.mapping.IdentitySystems;

/**
 * Adds the standard meaning beside the original: a LOINC coding next to the local one, and the value in
 * the canonical UCUM unit next to the original value and unit.
 *
 * <ul>
 *   <li><b>Code.</b> If {@code Observation.code} has no LOINC coding, the first local coding (then
 *       {@code code.text}) that {@link TerminologyMaps} maps gets a LOINC coding appended; the local
 *       codings are never removed or changed. The added coding carries extension {@link #MAPPED_BY}
 *       (valueCanonical = the ConceptMap URL) so a reader can tell it was derived.</li>
 *   <li><b>Value.</b> With a LOINC code and a {@code valueQuantity}, the unit is recognised (UCUM code or
 *       a known local spelling) and, when a factor is defined, the value is converted into the canonical
 *       unit ({@link UcumUnits}). Before changing a Quantity, a copy of it as received is stored on it as
 *       extension {@link #ORIGINAL_QUANTITY} (valueQuantity). The same is done for
 *       {@code referenceRange.low/high}. Re-running is idempotent: an existing original is never
 *       overwritten.</li>
 *   <li>Unmapped codes are reported, never errors.</li>
 * </ul>
 * Mutates the Observation in place. Thread-safe (no state besides the immutable maps and table).
 */
public final class ObservationNormalizer {

    /** Extension on a Quantity holding the value and unit as received. */
    public static final String ORIGINAL_QUANTITY = IdentitySystems.EXTENSION_BASE + "original-quantity";

    /** Extension on an added Coding naming the ConceptMap it came from. */
    public static final String MAPPED_BY = IdentitySystems.EXTENSION_BASE + "mapped-by";

    private final TerminologyMaps maps;
    private final UcumUnits units;

    public ObservationNormalizer(TerminologyMaps maps, UcumUnits units) {
        this.maps = Objects.requireNonNull(maps, "maps");
        this.units = Objects.requireNonNull(units, "units");
    }

    /** Normalises one Observation in place. */
    public TerminologyReport normalize(Observation obs) {
        Objects.requireNonNull(obs, "obs");
        CodeableConcept code = obs.getCode();
        String loinc = code.getCoding().stream().filter(c -> TerminologyMaps.LOINC.equals(c.getSystem()) && c.hasCode())
                .map(Coding::getCode).findFirst().orElse(null);
        TerminologyMatch match = null;
        List<TerminologyUnmappedCode> unmapped = new ArrayList<>();
        if (loinc == null) {
            for (Coding c : code.getCoding()) {
                Optional<TerminologyMatch> m = maps.lookup(c.getSystem(), c.getCode(), c.getDisplay());
                if (m.isPresent()) {
                    match = m.get();
                    break;
                }
            }
            if (match == null && code.hasText()) {
                match = maps.lookup(null, null, code.getText()).orElse(null);
            }
            if (match != null) {
                Coding added = code.addCoding().setSystem(TerminologyMaps.LOINC).setCode(match.loincCode())
                        .setDisplay(match.loincDisplay());
                added.addExtension(MAPPED_BY, new CanonicalType(match.conceptMapUrl()));
                loinc = match.loincCode();
            } else {
                for (Coding c : code.getCoding()) {
                    unmapped.add(new TerminologyUnmappedCode(c.getSystem(), c.getCode(), c.getDisplay()));
                }
                if (code.getCoding().isEmpty()) {
                    unmapped.add(new TerminologyUnmappedCode(null, null, code.getText()));
                }
            }
        }
        TerminologyReport.UnitOutcome outcome;
        if (!obs.hasValueQuantity() || !obs.getValueQuantity().hasValue()) {
            outcome = TerminologyReport.UnitOutcome.NO_QUANTITY;
        } else if (loinc == null) {
            outcome = TerminologyReport.UnitOutcome.NO_LOINC;
        } else {
            outcome = normalizeQuantity(obs.getValueQuantity(), loinc);
            for (Observation.ObservationReferenceRangeComponent rr : obs.getReferenceRange()) {
                if (rr.hasLow() && rr.getLow().hasValue()) {
                    normalizeQuantity(rr.getLow(), loinc);
                }
                if (rr.hasHigh() && rr.getHigh().hasValue()) {
                    normalizeQuantity(rr.getHigh(), loinc);
                }
            }
        }
        return new TerminologyReport(loinc, match, outcome, unmapped);
    }

    /**
     * Normalises every Observation in a Bundle (entries whose resource is an Observation) and totals
     * the outcome for a receipt.
     */
    public TerminologySummary normalizeBundle(Bundle bundle) {
        Objects.requireNonNull(bundle, "bundle");
        int seen = 0;
        int already = 0;
        int mapped = 0;
        int converted = 0;
        Set<TerminologyUnmappedCode> unmapped = new LinkedHashSet<>();
        for (Bundle.BundleEntryComponent e : bundle.getEntry()) {
            if (e.getResource() instanceof Observation o) {
                seen++;
                TerminologyReport r = normalize(o);
                if (r.codeAdded()) {
                    mapped++;
                } else if (r.loincCode() != null) {
                    already++;
                }
                if (r.unitOutcome() == TerminologyReport.UnitOutcome.CONVERTED) {
                    converted++;
                }
                unmapped.addAll(r.unmapped());
            }
        }
        return new TerminologySummary(seen, already, mapped, converted, new ArrayList<>(unmapped));
    }

    private TerminologyReport.UnitOutcome normalizeQuantity(Quantity q, String loinc) {
        String canonical = units.canonicalUnit(loinc).orElse(null);
        if (canonical == null || UcumUnits.NO_UNIT.equals(canonical)) {
            return TerminologyReport.UnitOutcome.NO_CANONICAL_UNIT;
        }
        String from = recognise(q);
        if (from == null && !q.hasUnit() && !q.hasCode() && isDimensionless(canonical)) {
            // pH and specific gravity are routinely sent without a unit; the canonical one is implied.
            relabel(q, canonical);
            return TerminologyReport.UnitOutcome.SPELLING_NORMALIZED;
        }
        if (from == null) {
            return TerminologyReport.UnitOutcome.UNKNOWN_UNIT;
        }
        Optional<UcumConversion> conv = units.conversion(loinc, from);
        if (conv.isEmpty()) {
            if (isUcumAs(q, from)) {
                return TerminologyReport.UnitOutcome.NO_CONVERSION;
            }
            relabel(q, from);
            return TerminologyReport.UnitOutcome.NO_CONVERSION;
        }
        if (conv.get().isIdentity()) {
            if (isUcumAs(q, canonical)) {
                return TerminologyReport.UnitOutcome.ALREADY_CANONICAL;
            }
            relabel(q, canonical);
            return TerminologyReport.UnitOutcome.SPELLING_NORMALIZED;
        }
        keepOriginal(q);
        BigDecimal converted = conv.get().apply(q.getValue());
        q.setValue(converted);
        setUnit(q, canonical);
        return TerminologyReport.UnitOutcome.CONVERTED;
    }

    private String recognise(Quantity q) {
        if (UcumUnits.UCUM_SYSTEM.equals(q.getSystem()) && q.hasCode()) {
            return q.getCode();
        }
        if (q.hasUnit()) {
            Optional<String> u = units.toUcum(q.getUnit());
            if (u.isPresent()) {
                return u.get();
            }
        }
        if (q.hasCode()) {
            return units.toUcum(q.getCode()).orElse(null);
        }
        return null;
    }

    private static boolean isDimensionless(String ucum) {
        return "1".equals(ucum) || "[pH]".equals(ucum);
    }

    private static boolean isUcumAs(Quantity q, String ucum) {
        return UcumUnits.UCUM_SYSTEM.equals(q.getSystem()) && ucum.equals(q.getCode()) && ucum.equals(q.getUnit());
    }

    private static void setUnit(Quantity q, String ucum) {
        q.setSystem(UcumUnits.UCUM_SYSTEM).setCode(ucum).setUnit(ucum);
    }

    /**
     * Sets the UCUM unit without changing the value. The original is kept only when the unit text
     * changes ("mmHg" → "mm[Hg]"); adding the UCUM system and code to a unit already written as UCUM
     * loses nothing.
     */
    private static void relabel(Quantity q, String ucum) {
        if (!ucum.equals(q.getUnit())) {
            keepOriginal(q);
        }
        setUnit(q, ucum);
    }

    private static void keepOriginal(Quantity q) {
        if (q.getExtensionByUrl(ORIGINAL_QUANTITY) != null) {
            return;
        }
        // always a plain Quantity, also when q is a SimpleQuantity (reference range), so readers see one type
        Quantity original = new Quantity();
        if (q.hasValue()) {
            original.setValue(q.getValue());
        }
        if (q.hasComparator()) {
            original.setComparator(q.getComparator());
        }
        if (q.hasUnit()) {
            original.setUnit(q.getUnit());
        }
        if (q.hasSystem()) {
            original.setSystem(q.getSystem());
        }
        if (q.hasCode()) {
            original.setCode(q.getCode());
        }
        q.addExtension(ORIGINAL_QUANTITY, original);
    }
}
