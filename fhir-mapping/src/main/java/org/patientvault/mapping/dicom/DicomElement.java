package org.patientvault.mapping.dicom;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * One data element: tag, VR and exactly one of
 * <ul>
 *   <li>a value as bytes (binary values always in little-endian order, whatever the file's transfer syntax),</li>
 *   <li>sequence items ({@link DicomVr#SQ}),</li>
 *   <li>encapsulated pixel data fragments (the first is the Basic Offset Table, possibly empty),</li>
 *   <li>a bulk-data reference (offset and length in the decoded stream) when the reader skipped pixel data.</li>
 * </ul>
 * Immutable as far as this class goes: the byte arrays are not copied, so callers must not modify what they pass in
 * or get back. Text is decoded by {@link DicomDataset}, which knows the character set.
 */
public final class DicomElement {
    private final int tag;
    private final DicomVr vr;
    private final byte[] value;
    private final List<DicomDataset> items;
    private final List<byte[]> fragments;
    private final long bulkOffset;
    private final long bulkLength;

    private DicomElement(int tag, DicomVr vr, byte[] value, List<DicomDataset> items, List<byte[]> fragments,
            long bulkOffset, long bulkLength) {
        this.tag = tag;
        this.vr = Objects.requireNonNull(vr, "vr");
        this.value = value;
        this.items = items;
        this.fragments = fragments;
        this.bulkOffset = bulkOffset;
        this.bulkLength = bulkLength;
    }

    /** A plain element; {@code value} is kept (not copied), binary values must be little endian. */
    public static DicomElement of(int tag, DicomVr vr, byte[] value) {
        if (vr == DicomVr.SQ) {
            throw new IllegalArgumentException("SQ element " + DicomTags.toString(tag) + " needs items, not bytes");
        }
        return new DicomElement(tag, vr, value == null ? new byte[0] : value, null, null, -1, -1);
    }

    /** A sequence element. */
    public static DicomElement ofSequence(int tag, List<DicomDataset> items) {
        return new DicomElement(tag, DicomVr.SQ, null, Collections.unmodifiableList(new ArrayList<>(items)), null,
                -1, -1);
    }

    /** Encapsulated pixel data: {@code fragments.get(0)} is the Basic Offset Table (may be empty). */
    public static DicomElement ofFragments(int tag, DicomVr vr, List<byte[]> fragments) {
        if (fragments.isEmpty()) {
            throw new IllegalArgumentException("encapsulated " + DicomTags.toString(tag) + " needs at least the offset table");
        }
        return new DicomElement(tag, vr, null, null, Collections.unmodifiableList(new ArrayList<>(fragments)), -1, -1);
    }

    /**
     * A value that was not loaded: it starts at {@code offset} in the decoded dataset stream and is {@code length}
     * bytes long ({@code -1} for undefined length, i.e. encapsulated fragments).
     */
    public static DicomElement ofBulkData(int tag, DicomVr vr, long offset, long length) {
        return new DicomElement(tag, vr, null, null, null, offset, length);
    }

    public int tag() {
        return tag;
    }

    public DicomVr vr() {
        return vr;
    }

    /** The value bytes (little endian), or {@code null} for sequences, fragments and bulk-data references. */
    public byte[] bytes() {
        return value;
    }

    public boolean isSequence() {
        return items != null;
    }

    /** Sequence items, empty for non-sequences. */
    public List<DicomDataset> items() {
        return items == null ? List.of() : items;
    }

    public boolean isEncapsulated() {
        return fragments != null;
    }

    /** Fragments including the Basic Offset Table at index 0; empty when not encapsulated. */
    public List<byte[]> fragments() {
        return fragments == null ? List.of() : fragments;
    }

    public boolean isBulkDataReference() {
        return value == null && items == null && fragments == null;
    }

    /** Offset of the skipped value in the decoded dataset stream, or -1. */
    public long bulkDataOffset() {
        return bulkOffset;
    }

    /** Length of the skipped value, -1 when it was undefined (encapsulated). */
    public long bulkDataLength() {
        return bulkLength;
    }

    /** Length of the loaded value in bytes (sum of fragments for encapsulated data, 0 for sequences). */
    public long valueLength() {
        if (value != null) {
            return value.length;
        }
        if (fragments != null) {
            long sum = 0;
            for (byte[] f : fragments) {
                sum += f.length;
            }
            return sum;
        }
        return isBulkDataReference() ? bulkLength : 0;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof DicomElement e)) {
            return false;
        }
        if (tag != e.tag || vr != e.vr || !Arrays.equals(value, e.value) || !Objects.equals(items, e.items)
                || bulkOffset != e.bulkOffset || bulkLength != e.bulkLength) {
            return false;
        }
        if (fragments == null || e.fragments == null) {
            return fragments == e.fragments;
        }
        if (fragments.size() != e.fragments.size()) {
            return false;
        }
        for (int i = 0; i < fragments.size(); i++) {
            if (!Arrays.equals(fragments.get(i), e.fragments.get(i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * tag + vr.hashCode()) + (value == null ? Objects.hashCode(items) : Arrays.hashCode(value));
    }

    @Override
    public String toString() {
        String what = items != null ? items.size() + " items"
                : fragments != null ? fragments.size() + " fragments"
                : value != null ? value.length + " bytes" : "bulk@" + bulkOffset;
        return DicomTags.toString(tag) + " " + vr + " " + what;
    }
}
