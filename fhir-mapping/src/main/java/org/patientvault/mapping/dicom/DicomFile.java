package org.patientvault.mapping.dicom;

import java.util.Objects;

/**
 * A Part-10 file as read or to be written: the file meta information (group 0002), the transfer syntax and the dataset.
 *
 * @param fileMeta          group 0002 elements (never null; empty when writing lets the writer build it)
 * @param transferSyntaxUid transfer syntax of the dataset
 * @param dataset           the dataset proper
 * @param stoppedAtPixelData true when the reader stopped at Pixel Data ({@link DicomReadOptions.PixelDataMode#STOP}):
 *                           elements after it were not read and the stream is positioned at the pixel data value
 */
public record DicomFile(DicomDataset fileMeta, String transferSyntaxUid, DicomDataset dataset, boolean stoppedAtPixelData) {
    public DicomFile {
        Objects.requireNonNull(fileMeta, "fileMeta");
        Objects.requireNonNull(transferSyntaxUid, "transferSyntaxUid");
        Objects.requireNonNull(dataset, "dataset");
    }

    /** A file to write: the writer derives the meta information from the dataset. */
    public static DicomFile of(DicomDataset dataset, String transferSyntaxUid) {
        return new DicomFile(new DicomDataset(), transferSyntaxUid, dataset, false);
    }
}
