package org.patientvault.vault.quality;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.patientvault.mapping.dicom.DicomDataset;
import org.patientvault.mapping.dicom.DicomTags;

/**
 * The DICOM acquisition attributes of a submission's series, for the {@code compl.dicom-acquisition} check. The
 * imaging intake reads them from the instance headers with {@link #collect} and hands them to the ImagingStudy
 * submission it dispatches through {@code /fhir} (in its submission context); ordinary FHIR submissions carry none.
 */
public final class DicomQualityInputs {

    /** The keywords the acquisition requirements name (quality/dicom-acquisition.properties), by tag. */
    private static final Map<String, Integer> TAGS = new LinkedHashMap<>();

    static {
        TAGS.put("SliceThickness", DicomTags.SliceThickness);
        TAGS.put("KVP", DicomTags.KVP);
        TAGS.put("ConvolutionKernel", DicomTags.ConvolutionKernel);
        TAGS.put("PixelSpacing", DicomTags.PixelSpacing);
        TAGS.put("Manufacturer", DicomTags.Manufacturer);
        TAGS.put("ManufacturerModelName", DicomTags.ManufacturerModelName);
        TAGS.put("MagneticFieldStrength", DicomTags.MagneticFieldStrength);
        TAGS.put("RepetitionTime", DicomTags.RepetitionTime);
        TAGS.put("EchoTime", DicomTags.EchoTime);
        TAGS.put("SequenceName", DicomTags.SequenceName);
        TAGS.put("TransducerData", DicomTags.TransducerData);
        TAGS.put("TransducerType", DicomTags.TransducerType);
        TAGS.put("TransducerFrequency", DicomTags.TransducerFrequency);
    }

    private DicomQualityInputs() {
    }

    /**
     * Adds the acquisition attributes present in {@code header} to {@code into} (keyword → value, multiple values
     * joined with {@code \}); values already there are kept, so the first instance of a series wins.
     */
    public static void collect(DicomDataset header, Map<String, String> into) {
        TAGS.forEach((keyword, tag) -> {
            List<String> values = header.getStrings(tag);
            if (!values.isEmpty() && !values.get(0).isBlank()) {
                into.putIfAbsent(keyword, String.join("\\", values));
            }
        });
    }
}
