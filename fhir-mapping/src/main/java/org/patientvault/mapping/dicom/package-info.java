/**
 * DICOM without a toolkit: a streaming Part-10 reader and writer, the DICOM JSON model, the DICOM to FHIR R4
 * {@code ImagingStudy} mapping, PNG previews and a zip-upload reader with limits ({@code docs/dicom.md}). Public face:
 * the model ({@link org.patientvault.mapping.dicom.DicomFile}, {@link org.patientvault.mapping.dicom.DicomDataset},
 * {@link org.patientvault.mapping.dicom.DicomElement}, {@code DicomTags}, {@code DicomVr},
 * {@code DicomTransferSyntax}), the operations ({@link org.patientvault.mapping.dicom.DicomReader} with
 * {@code DicomReadOptions}, {@code DicomWriter}, {@code DicomJson}, {@code DicomStudyMapper}, {@code DicomPreview}
 * with {@code DicomPreviewResult}, {@code DicomZipReader} with {@code DicomZipLimits}) and their exceptions. The
 * parser, the implicit-VR dictionary and the pixel renderer are package-private here because they work on the model;
 * {@code dicom.internal} holds helpers that know nothing of it (charsets, value conversions, the tee stream).
 */
package org.patientvault.mapping.dicom;
