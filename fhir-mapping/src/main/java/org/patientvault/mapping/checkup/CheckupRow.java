package org.patientvault.mapping.checkup;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalTime;

import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Quantity.QuantityComparator;
import org.patientvault.mapping.ResidentId;

/**
 * One validated result row of a checkup CSV. Optional fields are null when the cell was empty.
 * Exactly one of {@code value} (numeric, possibly with {@code comparator}) and {@code text}
 * (qualitative, only when {@code unit} is null) is set.
 *
 * @param row        1-based line number of the row in the file
 * @param residentId validated resident ID, or null
 * @param mrn        the clinic's medical record number, or null
 * @param date       date of the examination
 * @param time       time of day, when the cell carried one, else null
 */
public record CheckupRow(int row, ResidentId residentId, String mrn, String name, LocalDate birthDate,
                         AdministrativeGender gender, String phone, LocalDate date, LocalTime time,
                         String localCode, String localName, BigDecimal value, QuantityComparator comparator,
                         String text, String unit, BigDecimal refLow, BigDecimal refHigh) {
}
