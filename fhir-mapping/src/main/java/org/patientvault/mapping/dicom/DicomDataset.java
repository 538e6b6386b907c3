package org.patientvault.mapping.dicom;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.TreeMap;
import org.patientvault.mapping.dicom.internal.CharsetSupport;

/**
 * An ordered set of {@link DicomElement}s (a DICOM data set or a sequence item) with typed value accessors.
 *
 * <p>Text values are decoded with the dataset's character set: its own Specific Character Set (0008,0005) if present,
 * else the one inherited from the enclosing dataset (sequence items), else the default repertoire. Multi-valued text is
 * split on backslash after decoding (GBK/GB18030 trail bytes may be 0x5C). Leading and trailing spaces are trimmed except
 * leading spaces of LT/ST/UT; UI values lose their NUL padding.
 *
 * <p>Mutable and not thread-safe. Element lookup is O(log n); values are decoded on every call (no caching).
 */
public final class DicomDataset {
    private final TreeMap<Integer, DicomElement> elements = new TreeMap<>(Integer::compareUnsigned);
    private final Charset inherited;
    private Charset own;

    /** An empty dataset using the default character repertoire. */
    public DicomDataset() {
        this(StandardCharsets.ISO_8859_1);
    }

    /** An empty dataset (typically a sequence item) that inherits {@code inheritedCharset} from its parent. */
    public DicomDataset(Charset inheritedCharset) {
        this.inherited = Objects.requireNonNull(inheritedCharset, "inheritedCharset");
    }

    /** The character set used to decode and encode SH, LO, ST, LT, PN, UC and UT values. */
    public Charset charset() {
        return own != null ? own : inherited;
    }

    /**
     * Adds or replaces an element. Putting (0008,0005) changes the character set of this dataset.
     *
     * @throws DicomValueException if (0008,0005) names a character set that is not supported
     */
    public DicomDataset put(DicomElement element) {
        if (element.tag() == DicomTags.SpecificCharacterSet) {
            String raw = new String(element.bytes() == null ? new byte[0] : element.bytes(), StandardCharsets.ISO_8859_1);
            try {
                own = CharsetSupport.resolve(raw.strip().split("\\\\", -1));
            } catch (CharsetSupport.UnsupportedCharsetException e) {
                throw new DicomValueException(element.tag(), e.getMessage());
            }
        }
        elements.put(element.tag(), element);
        return this;
    }

    /** Removes an element if present. */
    public DicomDataset remove(int tag) {
        if (tag == DicomTags.SpecificCharacterSet) {
            own = null;
        }
        elements.remove(tag);
        return this;
    }

    /** Puts text values, joined by backslash and encoded with this dataset's character set, padded to even length. */
    public DicomDataset putString(int tag, DicomVr vr, String... values) {
        if (!vr.isText()) {
            throw new DicomValueException(tag, "VR " + vr + " is not a text VR");
        }
        String joined = String.join("\\", values);
        Charset cs = vr.usesSpecificCharacterSet() ? charset() : StandardCharsets.ISO_8859_1;
        if (!cs.newEncoder().canEncode(joined)) {
            throw new DicomValueException(tag, "value cannot be encoded in character set " + cs.name()
                    + "; set SpecificCharacterSet (e.g. ISO_IR 192) first");
        }
        return put(DicomElement.of(tag, vr, pad(joined.getBytes(cs), vr)));
    }

    /** Puts integer values: binary (US, SS, UL, SL, SV, UV, little endian) or decimal text for IS. */
    public DicomDataset putInt(int tag, DicomVr vr, int... values) {
        if (vr == DicomVr.IS) {
            String[] s = new String[values.length];
            for (int i = 0; i < values.length; i++) {
                s[i] = Integer.toString(values[i]);
            }
            return putString(tag, vr, s);
        }
        int w = switch (vr) {
            case US, SS -> 2;
            case UL, SL -> 4;
            case SV, UV -> 8;
            default -> throw new DicomValueException(tag, "VR " + vr + " does not hold integers");
        };
        ByteBuffer b = ByteBuffer.allocate(w * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            switch (w) {
                case 2 -> b.putShort((short) v);
                case 4 -> b.putInt(v);
                default -> b.putLong(vr == DicomVr.UV ? Integer.toUnsignedLong(v) : v);
            }
        }
        return put(DicomElement.of(tag, vr, b.array()));
    }

    /** Puts a sequence. */
    public DicomDataset putSequence(int tag, List<DicomDataset> items) {
        return put(DicomElement.ofSequence(tag, items));
    }

    public boolean contains(int tag) {
        return elements.containsKey(tag);
    }

    public Optional<DicomElement> get(int tag) {
        return Optional.ofNullable(elements.get(tag));
    }

    /** Elements in ascending tag order (unmodifiable view). */
    public Collection<DicomElement> elements() {
        return Collections.unmodifiableCollection(elements.values());
    }

    public int size() {
        return elements.size();
    }

    /** The first text value, trimmed; {@code null} when absent or empty. */
    public String getString(int tag) {
        List<String> v = getStrings(tag);
        return v.isEmpty() || v.get(0).isEmpty() ? null : v.get(0);
    }

    /** The first text value, or {@code defaultValue}. */
    public String getString(int tag, String defaultValue) {
        String s = getString(tag);
        return s == null ? defaultValue : s;
    }

    /**
     * All values as strings: text values decoded and split; binary numbers formatted in decimal; AT as {@code ggggeeee}.
     * Empty list when absent or empty. Sequences and bulk data have no string form (empty list).
     */
    public List<String> getStrings(int tag) {
        DicomElement e = elements.get(tag);
        if (e == null || e.bytes() == null || e.bytes().length == 0) {
            return List.of();
        }
        DicomVr vr = e.vr();
        if (vr.isText()) {
            Charset cs = vr.usesSpecificCharacterSet() ? charset() : StandardCharsets.ISO_8859_1;
            String s = new String(e.bytes(), cs);
            List<String> out = new ArrayList<>();
            if (vr.isMultiValuedText()) {
                for (String part : s.split("\\\\", -1)) {
                    out.add(trim(part, vr));
                }
            } else {
                out.add(trim(s, vr));
            }
            if (out.size() == 1 && out.get(0).isEmpty()) {
                return List.of();
            }
            return out;
        }
        if (vr == DicomVr.AT) {
            List<String> out = new ArrayList<>();
            ByteBuffer b = ByteBuffer.wrap(e.bytes()).order(ByteOrder.LITTLE_ENDIAN);
            while (b.remaining() >= 4) {
                out.add(String.format("%04X%04X", b.getShort() & 0xFFFF, b.getShort() & 0xFFFF));
            }
            return out;
        }
        if (vr == DicomVr.FL || vr == DicomVr.FD || vr == DicomVr.OF || vr == DicomVr.OD) {
            List<String> out = new ArrayList<>();
            for (double d : getDoubles(tag)) {
                out.add(Double.toString(d));
            }
            return out;
        }
        if (vr.width() > 0) {
            List<String> out = new ArrayList<>();
            for (long l : getLongs(tag)) {
                out.add(Long.toString(l));
            }
            return out;
        }
        return List.of();
    }

    /** Integer values of IS, DS (integral), US, SS, UL, SL, SV, UV, OW, OL elements; empty when absent. */
    public long[] getLongs(int tag) {
        DicomElement e = elements.get(tag);
        if (e == null || e.bytes() == null) {
            return new long[0];
        }
        DicomVr vr = e.vr();
        if (vr == DicomVr.IS || vr == DicomVr.DS) {
            List<String> s = getStrings(tag);
            long[] out = new long[s.size()];
            for (int i = 0; i < out.length; i++) {
                try {
                    out[i] = vr == DicomVr.IS ? Long.parseLong(s.get(i).startsWith("+") ? s.get(i).substring(1) : s.get(i))
                            : new java.math.BigDecimal(s.get(i)).longValueExact();
                } catch (NumberFormatException | ArithmeticException ex) {
                    throw new DicomValueException(tag, "value " + (i + 1) + " '" + s.get(i) + "' is not an integer");
                }
            }
            return out;
        }
        int w = vr.width();
        if (w == 0 || vr == DicomVr.FL || vr == DicomVr.FD || vr == DicomVr.OF || vr == DicomVr.OD || vr == DicomVr.AT) {
            throw new DicomValueException(tag, "VR " + vr + " does not hold integers");
        }
        ByteBuffer b = ByteBuffer.wrap(e.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        long[] out = new long[e.bytes().length / w];
        boolean signed = vr == DicomVr.SS || vr == DicomVr.SL || vr == DicomVr.SV;
        for (int i = 0; i < out.length; i++) {
            out[i] = switch (w) {
                case 2 -> signed ? b.getShort() : b.getShort() & 0xFFFF;
                case 4 -> signed ? b.getInt() : b.getInt() & 0xFFFFFFFFL;
                default -> b.getLong();
            };
        }
        return out;
    }

    /** Integer values as {@code int}; throws when a value does not fit. */
    public int[] getInts(int tag) {
        long[] l = getLongs(tag);
        int[] out = new int[l.length];
        for (int i = 0; i < l.length; i++) {
            if (l[i] < Integer.MIN_VALUE || l[i] > Integer.MAX_VALUE) {
                throw new DicomValueException(tag, "value " + l[i] + " does not fit an int");
            }
            out[i] = (int) l[i];
        }
        return out;
    }

    /** The first integer value. */
    public OptionalInt getInt(int tag) {
        int[] v = getInts(tag);
        return v.length == 0 ? OptionalInt.empty() : OptionalInt.of(v[0]);
    }

    public int getInt(int tag, int defaultValue) {
        return getInt(tag).orElse(defaultValue);
    }

    /** Decimal values of DS, IS, FL, FD, OF, OD and the integer VRs; empty when absent. */
    public double[] getDoubles(int tag) {
        DicomElement e = elements.get(tag);
        if (e == null || e.bytes() == null) {
            return new double[0];
        }
        DicomVr vr = e.vr();
        if (vr == DicomVr.DS || vr == DicomVr.IS) {
            List<String> s = getStrings(tag);
            double[] out = new double[s.size()];
            for (int i = 0; i < out.length; i++) {
                try {
                    out[i] = Double.parseDouble(s.get(i));
                } catch (NumberFormatException ex) {
                    throw new DicomValueException(tag, "value " + (i + 1) + " '" + s.get(i) + "' is not a decimal");
                }
            }
            return out;
        }
        if (vr == DicomVr.FL || vr == DicomVr.OF || vr == DicomVr.FD || vr == DicomVr.OD) {
            ByteBuffer b = ByteBuffer.wrap(e.bytes()).order(ByteOrder.LITTLE_ENDIAN);
            double[] out = new double[e.bytes().length / vr.width()];
            for (int i = 0; i < out.length; i++) {
                out[i] = vr.width() == 4 ? b.getFloat() : b.getDouble();
            }
            return out;
        }
        long[] l = getLongs(tag);
        double[] out = new double[l.length];
        for (int i = 0; i < l.length; i++) {
            out[i] = l[i];
        }
        return out;
    }

    public OptionalDouble getDouble(int tag) {
        double[] v = getDoubles(tag);
        return v.length == 0 ? OptionalDouble.empty() : OptionalDouble.of(v[0]);
    }

    public double getDouble(int tag, double defaultValue) {
        return getDouble(tag).orElse(defaultValue);
    }

    /** Items of a sequence; empty when absent or not a sequence. */
    public List<DicomDataset> getSequence(int tag) {
        DicomElement e = elements.get(tag);
        return e == null ? List.of() : e.items();
    }

    private static String trim(String s, DicomVr vr) {
        int end = s.length();
        while (end > 0 && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\0')) {
            end--;
        }
        int start = 0;
        if (vr != DicomVr.LT && vr != DicomVr.ST && vr != DicomVr.UT) {
            while (start < end && s.charAt(start) == ' ') {
                start++;
            }
        }
        return s.substring(start, end);
    }

    private static byte[] pad(byte[] b, DicomVr vr) {
        if (b.length % 2 == 0) {
            return b;
        }
        byte[] p = java.util.Arrays.copyOf(b, b.length + 1);
        p[b.length] = vr.padding();
        return p;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DicomDataset d && new ArrayList<>(elements.values()).equals(new ArrayList<>(d.elements.values()));
    }

    @Override
    public int hashCode() {
        return new ArrayList<>(elements.values()).hashCode();
    }

    @Override
    public String toString() {
        return "DicomDataset" + elements.values();
    }
}
