package org.patientvault.mapping.linking.internal;

import java.time.LocalDate;

import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.StringType;

/** Extracts the weak-evidence fields (name, birth date, phone) from a submitted Patient. */
public final class PatientFacts {

    private PatientFacts() {
    }

    /**
     * A single display name: {@code HumanName.text} if present, else family + given. Chinese names
     * are written family-first without a space, so a name whose parts are CJK is joined without one.
     */
    public static String name(Patient p) {
        for (HumanName n : p.getName()) {
            if (n.hasText() && !n.getText().isBlank()) {
                return n.getText().strip();
            }
            StringBuilder given = new StringBuilder();
            for (StringType g : n.getGiven()) {
                given.append(g.getValue() == null ? "" : g.getValue().strip());
            }
            String family = n.hasFamily() ? n.getFamily().strip() : "";
            if (family.isEmpty() && given.length() == 0) {
                continue;
            }
            boolean cjk = (family + given).codePoints().anyMatch(PatientFacts::isCjk);
            return cjk ? family + given : (given + " " + family).strip();
        }
        return null;
    }

    /** The first phone number, if any. */
    public static String phone(Patient p) {
        for (ContactPoint cp : p.getTelecom()) {
            if (cp.getSystem() == ContactPoint.ContactPointSystem.PHONE && cp.hasValue() && !cp.getValue().isBlank()) {
                return cp.getValue().strip();
            }
        }
        return null;
    }

    /** Birth date as a LocalDate, only when given to day precision. */
    public static LocalDate birthDate(Patient p) {
        if (!p.hasBirthDateElement() || p.getBirthDateElement().getPrecision() != ca.uhn.fhir.model.api.TemporalPrecisionEnum.DAY) {
            return null;
        }
        // DateType keeps the calendar fields as written; going through java.util.Date would shift by time zone.
        return LocalDate.of(p.getBirthDateElement().getYear(), p.getBirthDateElement().getMonth() + 1,
                p.getBirthDateElement().getDay());
    }

    private static boolean isCjk(int cp) {
        Character.UnicodeScript s = Character.UnicodeScript.of(cp);
        return s == Character.UnicodeScript.HAN;
    }
}
