package org.patientvault.mapping.linking;

import java.time.LocalDate;
import java.util.LinkedHashSet;
import java.util.Set;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Patient;
import org.patientvault.mapping.IdentitySystems;
import org.patientvault.mapping.ResidentId;

/**
 * Everything a vault Patient can be recognised by for weak-evidence matching: the names, phones and birth dates of the
 * patient's own record (what the account and the first hospital gave) <em>and</em> of every linked hospital's view
 * ({@link PatientIdentityMerger}), plus the birth date in the resident ID. Names and phones as {@link NameKeys}.
 * Used to raise claim candidates only, never to link. Pure; cost linear in the Patient's size.
 */
public record PatientEvidence(Set<String> nameKeys, Set<String> phoneKeys, Set<LocalDate> birthDates) {

    public PatientEvidence {
        nameKeys = Set.copyOf(nameKeys);
        phoneKeys = Set.copyOf(phoneKeys);
        birthDates = Set.copyOf(birthDates);
    }

    public static PatientEvidence of(Patient p) {
        Set<String> names = new LinkedHashSet<>();
        Set<String> phones = new LinkedHashSet<>();
        Set<LocalDate> births = new LinkedHashSet<>();
        p.getName().forEach(n -> names.addAll(NameKeys.keys(n)));
        p.getTelecom().forEach(t -> phone(phones, t));
        day(births, p.getBirthDateElement());
        ResidentId rid = PatientIdentityMerger.residentIdOf(p);
        if (rid != null) {
            births.add(rid.birthDate());
        }
        for (Extension view : p.getExtensionsByUrl(IdentitySystems.HOSPITAL_VIEW_EXTENSION)) {
            for (Extension part : view.getExtension()) {
                if ("name".equals(part.getUrl()) && part.getValue() instanceof HumanName n) {
                    names.addAll(NameKeys.keys(n));
                } else if ("telecom".equals(part.getUrl()) && part.getValue() instanceof ContactPoint cp) {
                    phone(phones, cp);
                } else if ("birthDate".equals(part.getUrl()) && part.getValue() instanceof DateType d) {
                    day(births, d);
                }
            }
        }
        return new PatientEvidence(names, phones, births);
    }

    /** Whether a record with this name, birth date and phone (all required) matches this evidence. */
    public boolean matches(String name, LocalDate birthDate, String phone) {
        String n = NameKeys.key(name);
        String ph = NameKeys.phoneKey(phone);
        return !n.isEmpty() && !ph.isEmpty() && birthDate != null && nameKeys.contains(n) && phoneKeys.contains(ph)
                && birthDates.contains(birthDate);
    }

    private static void phone(Set<String> phones, ContactPoint cp) {
        if (cp.getSystem() == ContactPoint.ContactPointSystem.PHONE || cp.getSystem() == ContactPoint.ContactPointSystem.SMS) {
            String k = NameKeys.phoneKey(cp.getValue());
            if (!k.isEmpty()) {
                phones.add(k);
            }
        }
    }

    private static void day(Set<LocalDate> births, DateType d) {
        if (d != null && d.getValue() != null
                && d.getPrecision() == ca.uhn.fhir.model.api.TemporalPrecisionEnum.DAY) {
            births.add(LocalDate.of(d.getYear(), d.getMonth() + 1, d.getDay()));
        }
    }
}
