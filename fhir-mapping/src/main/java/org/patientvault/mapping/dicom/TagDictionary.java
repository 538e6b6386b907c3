package org.patientvault.mapping.dicom;

import java.util.HashMap;
import java.util.Map;

/**
 * Tag → VR and keyword for the tags the vault knows. Implicit-VR files carry no VR, so the reader needs this to
 * decode numbers; unknown tags become UN (their bytes are kept as they are).
 */
final class TagDictionary {
    private static final Map<Integer, DicomVr> VR = new HashMap<>();
    private static final Map<Integer, String> KEYWORD = new HashMap<>();
    private static final String TABLE = """
        00020000 UL FileMetaInformationGroupLength
        00020001 OB FileMetaInformationVersion
        00020002 UI MediaStorageSOPClassUID
        00020003 UI MediaStorageSOPInstanceUID
        00020010 UI TransferSyntaxUID
        00020012 UI ImplementationClassUID
        00020013 SH ImplementationVersionName
        00020016 AE SourceApplicationEntityTitle
        00080005 CS SpecificCharacterSet
        00080008 CS ImageType
        00080012 DA InstanceCreationDate
        00080013 TM InstanceCreationTime
        00080016 UI SOPClassUID
        00080018 UI SOPInstanceUID
        00080020 DA StudyDate
        00080021 DA SeriesDate
        00080022 DA AcquisitionDate
        00080023 DA ContentDate
        00080030 TM StudyTime
        00080031 TM SeriesTime
        00080032 TM AcquisitionTime
        00080033 TM ContentTime
        00080050 SH AccessionNumber
        00080060 CS Modality
        00080064 CS ConversionType
        00080070 LO Manufacturer
        00080080 LO InstitutionName
        00080090 PN ReferringPhysicianName
        00080100 SH CodeValue
        00080102 SH CodingSchemeDesignator
        00080103 SH CodingSchemeVersion
        00080104 LO CodeMeaning
        00080201 SH TimezoneOffsetFromUTC
        00081010 SH StationName
        00081030 LO StudyDescription
        00081032 SQ ProcedureCodeSequence
        0008103E LO SeriesDescription
        00081040 LO InstitutionalDepartmentName
        00081090 LO ManufacturerModelName
        00081150 UI ReferencedSOPClassUID
        00081155 UI ReferencedSOPInstanceUID
        00082111 ST DerivationDescription
        00100010 PN PatientName
        00100020 LO PatientID
        00100021 LO IssuerOfPatientID
        00100030 DA PatientBirthDate
        00100040 CS PatientSex
        00101000 LO OtherPatientIDs
        00101010 AS PatientAge
        00101030 DS PatientWeight
        00104000 LT PatientComments
        00180015 CS BodyPartExamined
        00180020 CS ScanningSequence
        00180024 SH SequenceName
        00180050 DS SliceThickness
        00180060 DS KVP
        00180080 DS RepetitionTime
        00180081 DS EchoTime
        00180084 DS ImagingFrequency
        00180087 DS MagneticFieldStrength
        00181020 LO SoftwareVersions
        00181030 LO ProtocolName
        00181063 DS FrameTime
        00181100 DS ReconstructionDiameter
        00181150 IS ExposureTime
        00181151 IS XRayTubeCurrent
        00181210 SH ConvolutionKernel
        00185010 LO TransducerData
        00185100 CS PatientPosition
        00186011 SQ SequenceOfUltrasoundRegions
        00186012 US RegionSpatialFormat
        00186014 US RegionDataType
        0018602C FD PhysicalDeltaX
        0018602E FD PhysicalDeltaY
        00186030 UL TransducerFrequency
        00186031 CS TransducerType
        0020000D UI StudyInstanceUID
        0020000E UI SeriesInstanceUID
        00200010 SH StudyID
        00200011 IS SeriesNumber
        00200012 IS AcquisitionNumber
        00200013 IS InstanceNumber
        00200032 DS ImagePositionPatient
        00200037 DS ImageOrientationPatient
        00200052 UI FrameOfReferenceUID
        00200060 CS Laterality
        00201041 DS SliceLocation
        00280002 US SamplesPerPixel
        00280004 CS PhotometricInterpretation
        00280006 US PlanarConfiguration
        00280008 IS NumberOfFrames
        00280009 AT FrameIncrementPointer
        00280010 US Rows
        00280011 US Columns
        00280030 DS PixelSpacing
        00280100 US BitsAllocated
        00280101 US BitsStored
        00280102 US HighBit
        00280103 US PixelRepresentation
        00281050 DS WindowCenter
        00281051 DS WindowWidth
        00281052 DS RescaleIntercept
        00281053 DS RescaleSlope
        00281054 LO RescaleType
        00282110 CS LossyImageCompression
        00321032 PN RequestingPhysician
        00321060 LO RequestedProcedureDescription
        00321064 SQ RequestedProcedureCodeSequence
        00400254 LO PerformedProcedureStepDescription
        00401001 SH RequestedProcedureID
        7FE00008 OF FloatPixelData
        7FE00010 OW PixelData
        FFFCFFFC OB DataSetTrailingPadding
        """;

    static {
        for (String line : TABLE.strip().split("\n")) {
            String[] f = line.strip().split(" ");
            int tag = Integer.parseUnsignedInt(f[0], 16);
            VR.put(tag, DicomVr.valueOf(f[1]));
            KEYWORD.put(tag, f[2]);
        }
    }

    private TagDictionary() {
    }

    /** VR for a tag without an explicit VR: dictionary, then group length (UL), private creator (LO), else UN. */
    public static DicomVr vrOf(int tag) {
        DicomVr vr = VR.get(tag);
        if (vr != null) {
            return vr;
        }
        int element = tag & 0xFFFF;
        if (element == 0) {
            return DicomVr.UL;
        }
        if ((tag & 0x10000) != 0 && element >= 0x10 && element <= 0xFF) {
            return DicomVr.LO;
        }
        return DicomVr.UN;
    }

    /** Keyword of a known tag, or {@code null}. */
    public static String keywordOf(int tag) {
        return KEYWORD.get(tag);
    }
}
