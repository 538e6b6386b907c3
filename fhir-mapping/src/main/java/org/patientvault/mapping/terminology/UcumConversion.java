package org.patientvault.mapping.terminology;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Objects;

/**
 * A linear conversion {@code to = from × multiplier ÷ divisor} between two UCUM units. Factors are kept
 * as published (e.g. ÷ 88.4 for creatinine µmol/L → mg/dL) rather than pre-divided, so no precision is
 * lost before rounding.
 */
public record UcumConversion(String fromUnit, String toUnit, BigDecimal multiplier, BigDecimal divisor) {

    public UcumConversion {
        Objects.requireNonNull(fromUnit, "fromUnit");
        Objects.requireNonNull(toUnit, "toUnit");
        Objects.requireNonNull(multiplier, "multiplier");
        Objects.requireNonNull(divisor, "divisor");
        if (divisor.signum() == 0) {
            throw new IllegalArgumentException("divisor must not be zero");
        }
    }

    /**
     * Converts a value to exactly one significant digit more than the input carries (at least 3), so
     * that a converted value neither loses the measured precision nor claims much more (5.6 mmol/L
     * glucose → 101 mg/dL; 88.4 µmol/L creatinine → 1.000 mg/dL). An identity conversion returns the value unchanged. Never uses exponent notation.
     */
    public BigDecimal apply(BigDecimal value) {
        Objects.requireNonNull(value, "value");
        if (isIdentity()) {
            return value;
        }
        int digits = Math.max(3, value.precision() + 1);
        BigDecimal raw = value.multiply(multiplier).divide(divisor, MathContext.DECIMAL64);
        BigDecimal r = raw.round(new MathContext(digits, RoundingMode.HALF_EVEN));
        if (r.signum() != 0) {
            // pad exact results (88.4 / 88.4 = 1) so the stated precision is visible: 1.000
            int wanted = digits - (r.precision() - r.scale());
            if (wanted > r.scale()) {
                r = r.setScale(wanted, RoundingMode.UNNECESSARY);
            }
        }
        return r.scale() < 0 ? r.setScale(0, RoundingMode.UNNECESSARY) : r;
    }

    /** True when the conversion does not change the number (e.g. 10*3/uL → 10*9/L). */
    public boolean isIdentity() {
        return multiplier.compareTo(divisor) == 0;
    }
}
