package org.patientvault.mapping.quality;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ResourceType;
import org.patientvault.mapping.quality.internal.Systems;

/** Unit-aware plausibility of quantity values per LOINC code ({@code quality/analyte-ranges.csv}). */
final class AnalyteValueChecks {
    /** A quantity value with the LOINC analyte it measures and where it sits. */
    record Measured(String base, AnalyteTable.Analyte analyte, Quantity quantity) {
        String unitKey() {
            if (quantity.hasCode()) {
                return quantity.getCode();
            }
            return quantity.hasUnit() && !quantity.getUnit().isBlank() ? quantity.getUnit().strip() : null;
        }
    }

    private AnalyteValueChecks() {
    }

    static List<Measured> measured(Observation o, AnalyteTable table) {
        List<Measured> out = new ArrayList<>(1);
        if (o.hasValueQuantity()) {
            analyte(o.getCode(), table).ifPresent(a -> out.add(new Measured("Observation.valueQuantity", a,
                    o.getValueQuantity())));
        }
        for (int i = 0; i < o.getComponent().size(); i++) {
            Observation.ObservationComponentComponent c = o.getComponent().get(i);
            if (c.hasValueQuantity()) {
                int idx = i;
                analyte(c.getCode(), table).ifPresent(a -> out.add(new Measured(
                        "Observation.component[" + idx + "].valueQuantity", a, c.getValueQuantity())));
            }
        }
        return out;
    }

    private static Optional<AnalyteTable.Analyte> analyte(CodeableConcept cc, AnalyteTable table) {
        for (Coding c : cc.getCoding()) {
            if (Systems.LOINC.equals(c.getSystem())) {
                Optional<AnalyteTable.Analyte> a = table.byLoinc(c.getCode());
                if (a.isPresent()) {
                    return a;
                }
            }
        }
        return Optional.empty();
    }

    /** {@code plaus.value-range}: the value, converted to the canonical unit, lies in the plausible range. */
    static final class Range extends BaseCheck {
        private final AnalyteTable table;

        Range(AnalyteTable table) {
            super("plaus.value-range", QualityCategory.PLAUSIBILITY, QualitySeverity.ERROR, ResourceType.Observation);
            this.table = table;
        }

        @Override
        public void evaluate(Resource resource, QualityContext context, QualityIssueSink sink) {
            for (Measured m : measured((Observation) resource, table)) {
                BigDecimal v = m.quantity().getValue();
                String unit = m.unitKey();
                if (v == null || unit == null) {
                    continue;
                }
                Optional<Double> factor = m.analyte().factor(unit);
                if (factor.isEmpty()) {
                    continue; // plaus.unit-analyte reports it
                }
                double canonical = v.doubleValue() * factor.get();
                AnalyteTable.Analyte a = m.analyte();
                if (canonical < a.min() || canonical > a.max()) {
                    String converted = factor.get() == 1.0 ? "" : " (= " + round(canonical) + " " + a.canonicalUnit()
                            + ")";
                    sink.report(m.base() + ".value", a.name() + ": " + v.toPlainString() + " " + unit + converted
                            + " is outside the plausible range " + round(a.min()) + "–" + round(a.max()) + " "
                            + a.canonicalUnit());
                }
            }
        }

        private static String round(double d) {
            return BigDecimal.valueOf(d).round(new java.math.MathContext(4)).stripTrailingZeros().toPlainString();
        }
    }

    /** {@code plaus.unit-analyte}: the unit is one the analyte can be expressed in. */
    static final class Unit extends BaseCheck {
        private final AnalyteTable table;

        Unit(AnalyteTable table) {
            super("plaus.unit-analyte", QualityCategory.PLAUSIBILITY, QualitySeverity.ERROR,
                    ResourceType.Observation);
            this.table = table;
        }

        @Override
        public void evaluate(Resource resource, QualityContext context, QualityIssueSink sink) {
            for (Measured m : measured((Observation) resource, table)) {
                String unit = m.unitKey();
                if (unit != null && m.analyte().factor(unit).isEmpty()) {
                    sink.report(m.base() + (m.quantity().hasCode() ? ".code" : ".unit"), "unit '" + unit
                            + "' does not fit " + m.analyte().name() + " (expected " + m.analyte().canonicalUnit()
                            + " or " + String.join(", ", m.analyte().factors().keySet().stream()
                                    .filter(u -> !u.equals(m.analyte().canonicalUnit())).sorted().toList()) + ")");
                }
            }
        }
    }
}
