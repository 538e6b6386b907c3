package org.patientvault.consent;

import java.time.Instant;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * One immutable provision of a parsed consent (R4 {@code Consent.provision}, possibly nested).
 * <p>
 * Every constraint that is absent does not restrict. A nested provision is only considered where all its ancestors'
 * constraints hold too (it is an exception inside its parent). Cross-border is the one dimension a nested provision
 * overrides instead of narrowing: the nearest explicit flag on the path counts.
 * <p>
 * Instances are created by {@link ConsentModel}; the engine reads the precomputed package-private fields.
 */
public final class Provision {
    // Engine representation: open bounds are Long.MIN_VALUE/Long.MAX_VALUE, end bounds are exclusive.
    final String path;
    final boolean deny;
    final int depth;
    final int order;
    final long periodStart;
    final long periodEnd;
    final String[] actorIds;
    final boolean anyAiFirm;
    final boolean ownActor;
    final int purposeMask;
    final int classMask;
    final String[] modalities;
    final boolean ownDataPeriod;
    final long dataStart;
    final long dataEnd;
    final Boolean crossBorder;
    /** Nearest explicit cross-border flag on the path (this node or an ancestor), or null. */
    final Boolean effectiveCrossBorder;
    /** Whether this provision or an ancestor names a recipient (a permit without one never applies). */
    final boolean effectiveActor;
    final int specificity;
    final Provision[] children;

    Provision(String path, boolean deny, int depth, int order, long periodStart, long periodEnd, String[] actorIds,
              boolean anyAiFirm, int purposeMask, int classMask, String[] modalities, long dataStart, long dataEnd,
              Boolean crossBorder, Boolean effectiveCrossBorder, boolean effectiveActor, int specificity,
              Provision[] children) {
        this.path = path;
        this.deny = deny;
        this.depth = depth;
        this.order = order;
        this.periodStart = periodStart;
        this.periodEnd = periodEnd;
        this.actorIds = actorIds;
        this.anyAiFirm = anyAiFirm;
        this.ownActor = actorIds.length > 0 || anyAiFirm;
        this.purposeMask = purposeMask;
        this.classMask = classMask;
        this.modalities = modalities;
        this.ownDataPeriod = dataStart != Long.MIN_VALUE || dataEnd != Long.MAX_VALUE;
        this.dataStart = dataStart;
        this.dataEnd = dataEnd;
        this.crossBorder = crossBorder;
        this.effectiveCrossBorder = effectiveCrossBorder;
        this.effectiveActor = effectiveActor;
        this.specificity = specificity;
        this.children = children;
    }

    /** FHIRPath-ish location inside the Consent, e.g. {@code provision.provision[1]}. */
    public String path() {
        return path;
    }

    public Effect type() {
        return deny ? Effect.DENY : Effect.PERMIT;
    }

    /** Nesting depth: 0 for the root provision. */
    public int depth() {
        return depth;
    }

    /** The specificity score (see docs/consent.md): higher wins inside one consent. */
    public int specificity() {
        return specificity;
    }

    /** Inclusive start of this provision's own period, or null if open. */
    public Instant periodStart() {
        return periodStart == Long.MIN_VALUE ? null : Instant.ofEpochMilli(periodStart);
    }

    /** Exclusive end of this provision's own period (the end of the stated precision), or null if open. */
    public Instant periodEnd() {
        return periodEnd == Long.MAX_VALUE ? null : Instant.ofEpochMilli(periodEnd);
    }

    /** Recipients named by identifier value or literal {@code Organization/<id>} reference. */
    public List<String> actorIds() {
        return List.of(actorIds);
    }

    /** Whether the actor list contains "any AI firm". */
    public boolean anyAiFirm() {
        return anyAiFirm;
    }

    public Set<Purpose> purposes() {
        EnumSet<Purpose> s = EnumSet.noneOf(Purpose.class);
        for (Purpose p : Purpose.values()) {
            if ((purposeMask & p.bit()) != 0) {
                s.add(p);
            }
        }
        return Collections.unmodifiableSet(s);
    }

    /** The data classes this provision is restricted to; empty means all. */
    public Set<DataClass> dataClasses() {
        EnumSet<DataClass> s = EnumSet.noneOf(DataClass.class);
        for (DataClass c : DataClass.values()) {
            if ((classMask & c.bit()) != 0) {
                s.add(c);
            }
        }
        return Collections.unmodifiableSet(s);
    }

    /** DICOM modality codes this provision is restricted to; empty means no modality restriction. */
    public Set<String> modalities() {
        return Set.of(modalities);
    }

    public Instant dataPeriodStart() {
        return dataStart == Long.MIN_VALUE ? null : Instant.ofEpochMilli(dataStart);
    }

    /** Exclusive end of the data period, or null if open. */
    public Instant dataPeriodEnd() {
        return dataEnd == Long.MAX_VALUE ? null : Instant.ofEpochMilli(dataEnd);
    }

    /** This provision's own cross-border flag, or null when it does not carry the extension. */
    public Boolean crossBorder() {
        return crossBorder;
    }

    public List<Provision> children() {
        return List.of(children);
    }

    /** A short human-readable summary of this provision's own constraints. */
    public String describe() {
        StringBuilder b = new StringBuilder(type().name().toLowerCase());
        if (ownActor) {
            b.append(", recipient ");
            if (anyAiFirm) {
                b.append(actorIds.length > 0 ? "any AI firm or " : "any AI firm");
            }
            b.append(String.join(" or ", actorIds));
        }
        if (purposeMask != 0) {
            b.append(", purpose ").append(purposes());
        }
        if (classMask != 0) {
            b.append(", data ").append(dataClasses().stream().map(DataClass::code).sorted().toList());
        }
        if (modalities.length > 0) {
            b.append(", modality ").append(modalities().stream().sorted().toList());
        }
        if (ownDataPeriod) {
            b.append(", records from ").append(open(dataPeriodStart())).append(" until ").append(open(dataPeriodEnd()));
        }
        if (periodStart != Long.MIN_VALUE || periodEnd != Long.MAX_VALUE) {
            b.append(", valid from ").append(open(periodStart())).append(" until ").append(open(periodEnd()));
        }
        if (crossBorder != null) {
            b.append(crossBorder ? ", cross-border only" : ", domestic only");
        }
        return b.toString();
    }

    private static String open(Instant i) {
        return i == null ? "(open)" : i.toString();
    }

    @Override
    public String toString() {
        return path + " (" + describe() + ")";
    }
}
