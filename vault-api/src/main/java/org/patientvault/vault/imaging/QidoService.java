package org.patientvault.vault.imaging;

import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.patientvault.vault.caller.FhirDispatch;
import org.patientvault.vault.imaging.QidoModel.Attr;
import org.patientvault.vault.imaging.QidoModel.Level;

/**
 * QIDO-RS (PS3.18 §10.6): studies, series and instances, answered only from what the caller's own FHIR search finds
 * ({@link CallerStudies#visible}: authorization, compartment narrowing, consent) and, within those ImagingStudy
 * resources, only from the instances STOW stored for them ({@link DicomInstanceIndex}). So a patient lists her
 * studies, a hospital what it stored or was shared, and counts (NumberOfStudyRelated…) count only those instances.
 *
 * <p>Cost: one FHIR search page per 200 visible studies (at most {@link #MAX_STUDIES} studies are considered), one
 * indexed query per 500 of them, matching in memory.
 */
final class QidoService {

    static final int MAX_STUDIES = 10_000;
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;
    private static final int PAGE = 200;

    /** A parsed query. */
    record Query(Level level, String studyUid, String seriesUid, Map<Attr, String> keys, Set<Attr> include,
                 boolean all, boolean fuzzy, int limit, int offset) {
    }

    /** A query the service cannot answer as asked: 400 with this text. */
    static final class BadQuery extends Exception {
        BadQuery(String message) {
            super(message);
        }
    }

    private final CallerStudies studies;
    private final DicomInstanceIndex index;
    private final DicomWebUrls urls;

    QidoService(CallerStudies studies, DicomInstanceIndex index, DicomWebUrls urls) {
        this.studies = studies;
        this.index = index;
        this.urls = urls;
    }

    /** Parses the query parameters of a QIDO-RS request at {@code level} (study/series UIDs from the path). */
    static Query parse(Level level, String studyUid, String seriesUid, Map<String, String[]> params) throws BadQuery {
        if ((studyUid != null && !StowService.isUid(studyUid)) || (seriesUid != null && !StowService.isUid(seriesUid))) {
            throw new BadQuery("The UID in the path is not a valid UID");
        }
        Map<Attr, String> keys = new LinkedHashMap<>();
        Set<Attr> include = new LinkedHashSet<>();
        boolean all = false;
        boolean fuzzy = false;
        int limit = DEFAULT_LIMIT;
        int offset = 0;
        for (Map.Entry<String, String[]> p : params.entrySet()) {
            String name = p.getKey();
            String[] values = p.getValue();
            switch (name) {
                case "limit" -> limit = number(name, values, 1, Integer.MAX_VALUE);
                case "offset" -> offset = number(name, values, 0, Integer.MAX_VALUE);
                case "fuzzymatching" -> {
                    String v = single(name, values);
                    if (!v.equals("true") && !v.equals("false")) {
                        throw new BadQuery("fuzzymatching must be true or false");
                    }
                    fuzzy = v.equals("true");
                }
                case "includefield" -> {
                    for (String v : values) {
                        for (String field : v.split(",")) {
                            String f = field.strip();
                            if (f.equals("all")) {
                                all = true;
                            } else if (!f.isEmpty()) {
                                include.add(QidoModel.find(f).orElseThrow(() -> new BadQuery(
                                        "includefield names an attribute this server does not know: " + f)));
                            }
                        }
                    }
                }
                default -> {
                    Attr attr = QidoModel.find(name).orElseThrow(() -> new BadQuery("Unknown query parameter or "
                            + "unsupported matching attribute: " + name + " (see docs/imaging.md, QIDO-RS)"));
                    if (attr.level().ordinal() > level.ordinal()) {
                        throw new BadQuery(attr.keyword() + " is not a matching attribute at the "
                                + level.name().toLowerCase() + " level");
                    }
                    if (attr.computed() && !attr.vr().equals("UI") && !attr.keyword().equals("ModalitiesInStudy")) {
                        throw new BadQuery(attr.keyword() + " cannot be used for matching");
                    }
                    String key = single(attr.keyword(), values);
                    try {
                        QidoModel.validate(attr, key);
                    } catch (QidoModel.BadValue e) {
                        throw new BadQuery(e.getMessage());
                    }
                    keys.put(attr, key);
                }
            }
        }
        return new Query(level, studyUid, seriesUid, keys, include, all, fuzzy, Math.min(limit, MAX_LIMIT), offset);
    }

    private static String single(String name, String[] values) throws BadQuery {
        if (values.length != 1) {
            throw new BadQuery(name + " may be given once");
        }
        return values[0];
    }

    private static int number(String name, String[] values, int min, int max) throws BadQuery {
        String v = single(name, values);
        try {
            int n = Integer.parseInt(v.strip());
            if (n < min || n > max) {
                throw new BadQuery(name + " must be at least " + min);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new BadQuery(name + " must be a whole number");
        }
    }

    /** The matching results, one DICOM JSON dataset each, in a stable order; at most {@code limit} from offset. */
    List<Map<String, Object>> search(HttpServletRequest request, FhirDispatch dispatch, Query q) {
        List<String> uidFilter = new ArrayList<>();
        if (q.studyUid() != null) {
            uidFilter.add(q.studyUid());
        } else {
            String listed = q.keys().entrySet().stream().filter(e -> e.getKey().keyword().equals("StudyInstanceUID"))
                    .map(Map.Entry::getValue).findFirst().orElse("");
            for (String u : listed.split("[,\\\\]")) {
                if (!u.isBlank()) {
                    uidFilter.add(u.strip());
                }
            }
        }
        Map<String, String> visible = studies.visible(request, dispatch, uidFilter, PAGE, MAX_STUDIES);
        // Instances of the visible studies that STOW stored for them, under the study's own subject only.
        Map<String, Map<String, Map<String, DicomInstanceIndex.Row>>> tree = new java.util.TreeMap<>();
        for (DicomInstanceIndex.Row r : index.ofStudies(visible.keySet())) {
            if (!r.patient().equals(visible.get(r.studyResource()))) {
                continue;
            }
            tree.computeIfAbsent(r.studyUid(), k -> new java.util.TreeMap<>())
                    .computeIfAbsent(r.seriesUid(), k -> new LinkedHashMap<>())
                    .putIfAbsent(r.sopUid(), r);
        }
        List<Result> results = new ArrayList<>();
        for (Map.Entry<String, Map<String, Map<String, DicomInstanceIndex.Row>>> study : tree.entrySet()) {
            if (q.studyUid() != null && !q.studyUid().equals(study.getKey())) {
                continue;
            }
            StudyView sv = new StudyView(study.getKey(), study.getValue());
            if (!sv.matches(q, Level.STUDY)) {
                continue;
            }
            if (q.level() == Level.STUDY) {
                results.add(new Result(sv, null, null));
                continue;
            }
            for (Map.Entry<String, Map<String, DicomInstanceIndex.Row>> series : study.getValue().entrySet()) {
                if (q.seriesUid() != null && !q.seriesUid().equals(series.getKey())) {
                    continue;
                }
                SeriesView se = new SeriesView(series.getKey(), series.getValue());
                if (!se.matches(q)) {
                    continue;
                }
                if (q.level() == Level.SERIES) {
                    results.add(new Result(sv, se, null));
                    continue;
                }
                for (DicomInstanceIndex.Row i : series.getValue().values()) {
                    if (instanceMatches(q, i)) {
                        results.add(new Result(sv, se, i));
                    }
                }
            }
        }
        results.sort(order(q.level()));
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = q.offset(); i < results.size() && out.size() < q.limit(); i++) {
            out.add(results.get(i).json(request, q));
        }
        return out;
    }

    private static Comparator<Result> order(Level level) {
        Comparator<Result> studies = Comparator.comparing((Result r) -> r.study().value("00080020"),
                Comparator.nullsLast(Comparator.reverseOrder())).thenComparing(r -> r.study().uid());
        return switch (level) {
            case STUDY -> studies;
            case SERIES -> studies.thenComparing(r -> r.series().number()).thenComparing(r -> r.series().uid());
            case INSTANCE -> studies.thenComparing(r -> r.series().number()).thenComparing(r -> r.series().uid())
                    .thenComparing(r -> r.instance().number() == null ? Integer.MAX_VALUE : r.instance().number())
                    .thenComparing(r -> r.instance().sopUid());
        };
    }

    private static boolean instanceMatches(Query q, DicomInstanceIndex.Row i) {
        for (Map.Entry<Attr, String> k : q.keys().entrySet()) {
            if (k.getKey().level() != Level.INSTANCE) {
                continue;
            }
            String value = switch (k.getKey().keyword()) {
                case "SOPInstanceUID" -> i.sopUid();
                case "SOPClassUID" -> i.sopClass();
                default -> i.attributes().get(k.getKey().tag());
            };
            if (!QidoModel.matches(k.getKey(), k.getValue(), value, q.fuzzy())) {
                return false;
            }
        }
        return true;
    }

    /** A study as the caller sees it: attributes of its first instance, computed counts and modalities. */
    private static final class StudyView {
        private final String uid;
        private final Map<String, String> first;
        private final Set<String> modalities = new TreeSet<>();
        private final int series;
        private int instances;

        StudyView(String uid, Map<String, Map<String, DicomInstanceIndex.Row>> bySeries) {
            this.uid = uid;
            this.series = bySeries.size();
            Map<String, String> firstSeen = null;
            for (Map<String, DicomInstanceIndex.Row> s : bySeries.values()) {
                for (DicomInstanceIndex.Row r : s.values()) {
                    if (firstSeen == null) {
                        firstSeen = r.attributes();
                    }
                    String m = r.attributes().get("00080060");
                    if (m != null) {
                        modalities.add(m);
                    }
                    instances++;
                }
            }
            this.first = firstSeen == null ? Map.of() : firstSeen;
        }

        String uid() {
            return uid;
        }

        String value(String tag) {
            return switch (tag) {
                case "0020000D" -> uid;
                case "00080061" -> modalities.isEmpty() ? null : String.join("\\", modalities);
                case "00201206" -> Integer.toString(series);
                case "00201208" -> Integer.toString(instances);
                default -> first.get(tag);
            };
        }

        boolean matches(Query q, Level level) {
            for (Map.Entry<Attr, String> k : q.keys().entrySet()) {
                if (k.getKey().level() != level) {
                    continue;
                }
                if (k.getKey().keyword().equals("ModalitiesInStudy")) {
                    boolean any = k.getValue().isEmpty();
                    for (String wanted : k.getValue().split("[,\\\\]")) {
                        any |= modalities.contains(wanted.strip());
                    }
                    if (!any) {
                        return false;
                    }
                } else if (!QidoModel.matches(k.getKey(), k.getValue(), value(k.getKey().tag()), q.fuzzy())) {
                    return false;
                }
            }
            return true;
        }
    }

    /** A series as the caller sees it. */
    private static final class SeriesView {
        private final String uid;
        private final Map<String, String> first;
        private final int instances;

        SeriesView(String uid, Map<String, DicomInstanceIndex.Row> instances) {
            this.uid = uid;
            this.instances = instances.size();
            this.first = instances.isEmpty() ? Map.of() : instances.values().iterator().next().attributes();
        }

        String uid() {
            return uid;
        }

        int number() {
            try {
                return Integer.parseInt(first.getOrDefault("00200011", "").strip());
            } catch (NumberFormatException e) {
                return Integer.MAX_VALUE;
            }
        }

        String value(String tag) {
            return switch (tag) {
                case "0020000E" -> uid;
                case "00201209" -> Integer.toString(instances);
                default -> first.get(tag);
            };
        }

        boolean matches(Query q) {
            for (Map.Entry<Attr, String> k : q.keys().entrySet()) {
                if (k.getKey().level() == Level.SERIES
                        && !QidoModel.matches(k.getKey(), k.getValue(), value(k.getKey().tag()), q.fuzzy())) {
                    return false;
                }
            }
            return true;
        }
    }

    private final class Result {
        private final StudyView study;
        private final SeriesView series;
        private final DicomInstanceIndex.Row instance;

        Result(StudyView study, SeriesView series, DicomInstanceIndex.Row instance) {
            this.study = study;
            this.series = series;
            this.instance = instance;
        }

        StudyView study() {
            return study;
        }

        SeriesView series() {
            return series;
        }

        DicomInstanceIndex.Row instance() {
            return instance;
        }

        Map<String, Object> json(HttpServletRequest request, Query q) {
            Set<String> tags = new TreeSet<>(QidoModel.DEFAULTS.get(q.level()));
            q.keys().keySet().forEach(a -> tags.add(a.tag()));
            q.include().forEach(a -> tags.add(a.tag()));
            if (q.all()) {
                for (Attr a : QidoModel.ALL) {
                    if (a.level().ordinal() <= q.level().ordinal()) {
                        tags.add(a.tag());
                    }
                }
            }
            Map<String, Object> ds = new LinkedHashMap<>();
            ds.put("00080005", Map.of("vr", "CS", "Value", List.of("ISO_IR 192")));
            for (String tag : tags) {
                Attr a = QidoModel.find(tag).orElseThrow();
                String value = switch (a.level()) {
                    case STUDY -> study.value(tag);
                    case SERIES -> series == null ? null : series.value(tag);
                    case INSTANCE -> instance == null ? null : switch (tag) {
                        case "00080016" -> instance.sopClass();
                        case "00080018" -> instance.sopUid();
                        default -> instance.attributes().get(tag);
                    };
                };
                if (a.level().ordinal() > q.level().ordinal()) {
                    continue;
                }
                ds.put(tag, QidoModel.json(a, value));
            }
            String url = switch (q.level()) {
                case STUDY -> urls.study(request, study.uid());
                case SERIES -> urls.series(request, study.uid(), series.uid());
                case INSTANCE -> urls.instance(request, study.uid(), series.uid(), instance.sopUid());
            };
            ds.put("00081190", Map.of("vr", "UR", "Value", List.of(url)));
            return new java.util.TreeMap<>(ds);
        }
    }
}
