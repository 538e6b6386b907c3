package org.patientvault.mapping.quality;

import java.util.ArrayList;
import java.util.List;

/** Builds the default check set; loads and validates the tables once. */
final class DefaultChecks {
    private DefaultChecks() {
    }

    public static List<QualityCheck> create() {
        AnalyteTable analytes = AnalyteTable.load();
        SexSpecificTable sexSpecific = SexSpecificTable.load();
        DicomRequirements dicom = DicomRequirements.load();
        List<QualityCheck> checks = new ArrayList<>();
        checks.add(new BaseValidationCheck());
        checks.add(new StandardCodingCheck());
        checks.add(new IdentifierChecks.ResidentId());
        checks.add(new IdentifierChecks.Mrn());
        checks.add(new ReferenceIntegrityCheck());
        checks.addAll(CompletenessChecks.all());
        checks.add(new DicomAcquisitionCheck(dicom));
        checks.add(new AnalyteValueChecks.Range(analytes));
        checks.add(new AnalyteValueChecks.Unit(analytes));
        checks.add(new PlausibilityChecks.FutureDate());
        checks.add(new PlausibilityChecks.BeforeBirth());
        checks.add(new PlausibilityChecks.SexSpecific(sexSpecific));
        checks.add(new PlausibilityChecks.Duplicate());
        return List.copyOf(checks);
    }
}
