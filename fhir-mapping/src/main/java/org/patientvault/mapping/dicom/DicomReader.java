package org.patientvault.mapping.dicom;

import java.io.IOException;
import java.io.EOFException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.ZipException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.patientvault.mapping.dicom.internal.TeeInputStream;

/**
 * Streaming DICOM Part-10 reader: 128-byte preamble and {@code DICM}, file meta information (explicit VR little
 * endian), then the dataset in implicit VR little endian, explicit VR little endian, deflated explicit VR little endian,
 * explicit VR big endian (binary values are converted to little endian in the model), or any compressed syntax (explicit
 * VR little endian with encapsulated pixel data kept as fragments).
 *
 * <p>Cost: one pass, a 64 KiB buffer, and memory for the values kept. With {@link DicomReadOptions.PixelDataMode#SKIP}
 * or {@code STOP} the pixel data is never in memory, so metadata of a multi-GiB file costs a few KiB. Limits from
 * {@link DicomReadOptions} bound single values and nesting depth. Stateless and thread-safe; construct once.
 */
public final class DicomReader {
    private final DicomReadOptions options;

    public DicomReader(DicomReadOptions options) {
        this.options = options;
    }

    /** A reader with {@link DicomReadOptions#defaults()}. */
    public DicomReader() {
        this(DicomReadOptions.defaults());
    }

    /**
     * Reads one Part-10 stream. The stream is not closed. With {@code STOP} it is left positioned at the first byte of
     * the pixel data value (buffering may have consumed more from {@code in}; pass a {@link java.io.BufferedInputStream}
     * to keep control of it).
     *
     * @throws DicomParseException on malformed or over-limit input, with offset and tag
     * @throws IOException         when reading the stream fails
     */
    public DicomFile read(InputStream in) throws IOException {
        return parse(new Part10Parser(in, options));
    }

    private static DicomFile parse(Part10Parser parser) throws IOException {
        try {
            return parser.parse();
        } catch (ZipException | EOFException e) {
            // only the deflated transfer syntax inflates: its stream is corrupt or cut short
            throw new DicomParseException("corrupt or truncated deflated dataset: " + e.getMessage(), -1, -1);
        }
    }

    /**
     * Parses {@code in} while copying every byte of it, unchanged, to {@code copy} (e.g. the object store's upload
     * stream): one pass, so an instance can be stored and indexed without buffering it. With
     * {@link DicomReadOptions#metadataOnly()} memory stays at a few KiB whatever the size. Whatever the parser did not
     * consume (after {@code STOP}) is copied too. Neither stream is closed.
     *
     * @throws DicomParseException when the stream is not acceptable DICOM; {@code copy} then holds a partial copy
     */
    public DicomFile readAndCopy(InputStream in, OutputStream copy) throws IOException {
        TeeInputStream tee = new TeeInputStream(in, copy);
        // The parser buffers ahead; the tee sits below the buffer, so buffered bytes are copied exactly once.
        DicomFile file = parse(new Part10Parser(tee, options));
        tee.drain();
        return file;
    }

    /** Reads a file. */
    public DicomFile read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in);
        }
    }

    public DicomReadOptions options() {
        return options;
    }
}
