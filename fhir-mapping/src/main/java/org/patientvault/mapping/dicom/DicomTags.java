package org.patientvault.mapping.dicom;

/**
 * Standard DICOM tags the vault reads or writes, as {@code int} values {@code (group << 16) | element}.
 *
 * <p>Generated from the same table as the reader's implicit-VR dictionary ({@code TagDictionary}).
 */
public final class DicomTags {
    private DicomTags() {
    }

    /** Item (FFFE,E000). */
    public static final int Item = 0xFFFEE000;
    /** Item Delimitation Item (FFFE,E00D). */
    public static final int ItemDelimitationItem = 0xFFFEE00D;
    /** Sequence Delimitation Item (FFFE,E0DD). */
    public static final int SequenceDelimitationItem = 0xFFFEE0DD;

    /**
     * The VR a tag has when read without an explicit VR (implicit VR little endian): the reader's dictionary, then UL
     * for group lengths, LO for private creators, else UN. A map lookup; for streaming filters that parse themselves.
     */
    public static DicomVr implicitVr(int tag) {
        return TagDictionary.vrOf(tag);
    }

    /** Formats a tag as {@code (gggg,eeee)}. */
    public static String toString(int tag) {
        return String.format("(%04X,%04X)", tag >>> 16, tag & 0xFFFF);
    }
    /** FileMetaInformationGroupLength (0002,0000) UL. */
    public static final int FileMetaInformationGroupLength = 0x00020000;
    /** FileMetaInformationVersion (0002,0001) OB. */
    public static final int FileMetaInformationVersion = 0x00020001;
    /** MediaStorageSOPClassUID (0002,0002) UI. */
    public static final int MediaStorageSOPClassUID = 0x00020002;
    /** MediaStorageSOPInstanceUID (0002,0003) UI. */
    public static final int MediaStorageSOPInstanceUID = 0x00020003;
    /** TransferSyntaxUID (0002,0010) UI. */
    public static final int TransferSyntaxUID = 0x00020010;
    /** ImplementationClassUID (0002,0012) UI. */
    public static final int ImplementationClassUID = 0x00020012;
    /** ImplementationVersionName (0002,0013) SH. */
    public static final int ImplementationVersionName = 0x00020013;
    /** SourceApplicationEntityTitle (0002,0016) AE. */
    public static final int SourceApplicationEntityTitle = 0x00020016;
    /** SpecificCharacterSet (0008,0005) CS. */
    public static final int SpecificCharacterSet = 0x00080005;
    /** ImageType (0008,0008) CS. */
    public static final int ImageType = 0x00080008;
    /** InstanceCreationDate (0008,0012) DA. */
    public static final int InstanceCreationDate = 0x00080012;
    /** InstanceCreationTime (0008,0013) TM. */
    public static final int InstanceCreationTime = 0x00080013;
    /** SOPClassUID (0008,0016) UI. */
    public static final int SOPClassUID = 0x00080016;
    /** SOPInstanceUID (0008,0018) UI. */
    public static final int SOPInstanceUID = 0x00080018;
    /** StudyDate (0008,0020) DA. */
    public static final int StudyDate = 0x00080020;
    /** SeriesDate (0008,0021) DA. */
    public static final int SeriesDate = 0x00080021;
    /** AcquisitionDate (0008,0022) DA. */
    public static final int AcquisitionDate = 0x00080022;
    /** ContentDate (0008,0023) DA. */
    public static final int ContentDate = 0x00080023;
    /** StudyTime (0008,0030) TM. */
    public static final int StudyTime = 0x00080030;
    /** SeriesTime (0008,0031) TM. */
    public static final int SeriesTime = 0x00080031;
    /** AcquisitionTime (0008,0032) TM. */
    public static final int AcquisitionTime = 0x00080032;
    /** ContentTime (0008,0033) TM. */
    public static final int ContentTime = 0x00080033;
    /** AccessionNumber (0008,0050) SH. */
    public static final int AccessionNumber = 0x00080050;
    /** Modality (0008,0060) CS. */
    public static final int Modality = 0x00080060;
    /** ConversionType (0008,0064) CS. */
    public static final int ConversionType = 0x00080064;
    /** Manufacturer (0008,0070) LO. */
    public static final int Manufacturer = 0x00080070;
    /** InstitutionName (0008,0080) LO. */
    public static final int InstitutionName = 0x00080080;
    /** ReferringPhysicianName (0008,0090) PN. */
    public static final int ReferringPhysicianName = 0x00080090;
    /** CodeValue (0008,0100) SH. */
    public static final int CodeValue = 0x00080100;
    /** CodingSchemeDesignator (0008,0102) SH. */
    public static final int CodingSchemeDesignator = 0x00080102;
    /** CodingSchemeVersion (0008,0103) SH. */
    public static final int CodingSchemeVersion = 0x00080103;
    /** CodeMeaning (0008,0104) LO. */
    public static final int CodeMeaning = 0x00080104;
    /** TimezoneOffsetFromUTC (0008,0201) SH. */
    public static final int TimezoneOffsetFromUTC = 0x00080201;
    /** StationName (0008,1010) SH. */
    public static final int StationName = 0x00081010;
    /** StudyDescription (0008,1030) LO. */
    public static final int StudyDescription = 0x00081030;
    /** ProcedureCodeSequence (0008,1032) SQ. */
    public static final int ProcedureCodeSequence = 0x00081032;
    /** SeriesDescription (0008,103E) LO. */
    public static final int SeriesDescription = 0x0008103E;
    /** InstitutionalDepartmentName (0008,1040) LO. */
    public static final int InstitutionalDepartmentName = 0x00081040;
    /** ManufacturerModelName (0008,1090) LO. */
    public static final int ManufacturerModelName = 0x00081090;
    /** ReferencedSOPClassUID (0008,1150) UI. */
    public static final int ReferencedSOPClassUID = 0x00081150;
    /** ReferencedSOPInstanceUID (0008,1155) UI. */
    public static final int ReferencedSOPInstanceUID = 0x00081155;
    /** DerivationDescription (0008,2111) ST. */
    public static final int DerivationDescription = 0x00082111;
    /** PatientName (0010,0010) PN. */
    public static final int PatientName = 0x00100010;
    /** PatientID (0010,0020) LO. */
    public static final int PatientID = 0x00100020;
    /** IssuerOfPatientID (0010,0021) LO. */
    public static final int IssuerOfPatientID = 0x00100021;
    /** PatientBirthDate (0010,0030) DA. */
    public static final int PatientBirthDate = 0x00100030;
    /** PatientSex (0010,0040) CS. */
    public static final int PatientSex = 0x00100040;
    /** OtherPatientIDs (0010,1000) LO. */
    public static final int OtherPatientIDs = 0x00101000;
    /** PatientAge (0010,1010) AS. */
    public static final int PatientAge = 0x00101010;
    /** PatientWeight (0010,1030) DS. */
    public static final int PatientWeight = 0x00101030;
    /** PatientComments (0010,4000) LT. */
    public static final int PatientComments = 0x00104000;
    /** BodyPartExamined (0018,0015) CS. */
    public static final int BodyPartExamined = 0x00180015;
    /** ScanningSequence (0018,0020) CS. */
    public static final int ScanningSequence = 0x00180020;
    /** SequenceName (0018,0024) SH. */
    public static final int SequenceName = 0x00180024;
    /** SliceThickness (0018,0050) DS. */
    public static final int SliceThickness = 0x00180050;
    /** KVP (0018,0060) DS. */
    public static final int KVP = 0x00180060;
    /** RepetitionTime (0018,0080) DS. */
    public static final int RepetitionTime = 0x00180080;
    /** EchoTime (0018,0081) DS. */
    public static final int EchoTime = 0x00180081;
    /** ImagingFrequency (0018,0084) DS. */
    public static final int ImagingFrequency = 0x00180084;
    /** MagneticFieldStrength (0018,0087) DS. */
    public static final int MagneticFieldStrength = 0x00180087;
    /** SoftwareVersions (0018,1020) LO. */
    public static final int SoftwareVersions = 0x00181020;
    /** ProtocolName (0018,1030) LO. */
    public static final int ProtocolName = 0x00181030;
    /** FrameTime (0018,1063) DS. */
    public static final int FrameTime = 0x00181063;
    /** ReconstructionDiameter (0018,1100) DS. */
    public static final int ReconstructionDiameter = 0x00181100;
    /** ExposureTime (0018,1150) IS. */
    public static final int ExposureTime = 0x00181150;
    /** XRayTubeCurrent (0018,1151) IS. */
    public static final int XRayTubeCurrent = 0x00181151;
    /** ConvolutionKernel (0018,1210) SH. */
    public static final int ConvolutionKernel = 0x00181210;
    /** TransducerData (0018,5010) LO. */
    public static final int TransducerData = 0x00185010;
    /** PatientPosition (0018,5100) CS. */
    public static final int PatientPosition = 0x00185100;
    /** SequenceOfUltrasoundRegions (0018,6011) SQ. */
    public static final int SequenceOfUltrasoundRegions = 0x00186011;
    /** RegionSpatialFormat (0018,6012) US. */
    public static final int RegionSpatialFormat = 0x00186012;
    /** RegionDataType (0018,6014) US. */
    public static final int RegionDataType = 0x00186014;
    /** PhysicalDeltaX (0018,602C) FD. */
    public static final int PhysicalDeltaX = 0x0018602C;
    /** PhysicalDeltaY (0018,602E) FD. */
    public static final int PhysicalDeltaY = 0x0018602E;
    /** TransducerFrequency (0018,6030) UL. */
    public static final int TransducerFrequency = 0x00186030;
    /** TransducerType (0018,6031) CS. */
    public static final int TransducerType = 0x00186031;
    /** StudyInstanceUID (0020,000D) UI. */
    public static final int StudyInstanceUID = 0x0020000D;
    /** SeriesInstanceUID (0020,000E) UI. */
    public static final int SeriesInstanceUID = 0x0020000E;
    /** StudyID (0020,0010) SH. */
    public static final int StudyID = 0x00200010;
    /** SeriesNumber (0020,0011) IS. */
    public static final int SeriesNumber = 0x00200011;
    /** AcquisitionNumber (0020,0012) IS. */
    public static final int AcquisitionNumber = 0x00200012;
    /** InstanceNumber (0020,0013) IS. */
    public static final int InstanceNumber = 0x00200013;
    /** ImagePositionPatient (0020,0032) DS. */
    public static final int ImagePositionPatient = 0x00200032;
    /** ImageOrientationPatient (0020,0037) DS. */
    public static final int ImageOrientationPatient = 0x00200037;
    /** FrameOfReferenceUID (0020,0052) UI. */
    public static final int FrameOfReferenceUID = 0x00200052;
    /** Laterality (0020,0060) CS. */
    public static final int Laterality = 0x00200060;
    /** SliceLocation (0020,1041) DS. */
    public static final int SliceLocation = 0x00201041;
    /** SamplesPerPixel (0028,0002) US. */
    public static final int SamplesPerPixel = 0x00280002;
    /** PhotometricInterpretation (0028,0004) CS. */
    public static final int PhotometricInterpretation = 0x00280004;
    /** PlanarConfiguration (0028,0006) US. */
    public static final int PlanarConfiguration = 0x00280006;
    /** NumberOfFrames (0028,0008) IS. */
    public static final int NumberOfFrames = 0x00280008;
    /** FrameIncrementPointer (0028,0009) AT. */
    public static final int FrameIncrementPointer = 0x00280009;
    /** Rows (0028,0010) US. */
    public static final int Rows = 0x00280010;
    /** Columns (0028,0011) US. */
    public static final int Columns = 0x00280011;
    /** PixelSpacing (0028,0030) DS. */
    public static final int PixelSpacing = 0x00280030;
    /** BitsAllocated (0028,0100) US. */
    public static final int BitsAllocated = 0x00280100;
    /** BitsStored (0028,0101) US. */
    public static final int BitsStored = 0x00280101;
    /** HighBit (0028,0102) US. */
    public static final int HighBit = 0x00280102;
    /** PixelRepresentation (0028,0103) US. */
    public static final int PixelRepresentation = 0x00280103;
    /** WindowCenter (0028,1050) DS. */
    public static final int WindowCenter = 0x00281050;
    /** WindowWidth (0028,1051) DS. */
    public static final int WindowWidth = 0x00281051;
    /** RescaleIntercept (0028,1052) DS. */
    public static final int RescaleIntercept = 0x00281052;
    /** RescaleSlope (0028,1053) DS. */
    public static final int RescaleSlope = 0x00281053;
    /** RescaleType (0028,1054) LO. */
    public static final int RescaleType = 0x00281054;
    /** LossyImageCompression (0028,2110) CS. */
    public static final int LossyImageCompression = 0x00282110;
    /** RequestingPhysician (0032,1032) PN. */
    public static final int RequestingPhysician = 0x00321032;
    /** RequestedProcedureDescription (0032,1060) LO. */
    public static final int RequestedProcedureDescription = 0x00321060;
    /** RequestedProcedureCodeSequence (0032,1064) SQ. */
    public static final int RequestedProcedureCodeSequence = 0x00321064;
    /** PerformedProcedureStepDescription (0040,0254) LO. */
    public static final int PerformedProcedureStepDescription = 0x00400254;
    /** RequestedProcedureID (0040,1001) SH. */
    public static final int RequestedProcedureID = 0x00401001;
    /** FloatPixelData (7FE0,0008) OF. */
    public static final int FloatPixelData = 0x7FE00008;
    /** PixelData (7FE0,0010) OW. */
    public static final int PixelData = 0x7FE00010;
    /** DataSetTrailingPadding (FFFC,FFFC) OB. */
    public static final int DataSetTrailingPadding = 0xFFFCFFFC;
}
