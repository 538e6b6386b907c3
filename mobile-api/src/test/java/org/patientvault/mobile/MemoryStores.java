package org.patientvault.mobile;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.patientvault.mobile.port.ExportJobStore;
import org.patientvault.mobile.port.ShareLinkStore;

/**
 * The stores of the patient API in memory, for this module's tests (vault-api's are on PostgreSQL and tested there).
 * Every method is synchronized: it stands for one atomic statement.
 */
public final class MemoryStores {

    private MemoryStores() {
    }

    /** Export jobs in a map. */
    public static final class Jobs implements ExportJobStore {

        private final Map<String, Job> jobs = new ConcurrentHashMap<>();

        @Override
        public synchronized Job startUnlessRunning(Job job, Instant staleBefore, String staleError) {
            failStale(staleBefore, Instant.now(), staleError);
            for (Job j : jobs.values()) {
                if (j.owner().equals(job.owner()) && j.status().matches("queued|running")
                        && !j.heartbeat().isBefore(staleBefore)) {
                    return j;
                }
            }
            jobs.put(job.id(), job);
            return job;
        }

        @Override
        public Optional<Job> find(String id) {
            return Optional.ofNullable(jobs.get(id));
        }

        @Override
        public synchronized void progress(String id, String status, long done, long total, Instant heartbeat) {
            jobs.computeIfPresent(id, (k, j) -> j.status().matches("queued|running") ? new Job(j.id(), j.owner(),
                    j.createdAt(), status, done, total, j.finishedAt(), j.expiresAt(), j.bytes(), j.error(),
                    j.worker(), heartbeat) : j);
        }

        @Override
        public synchronized void finish(String id, String status, long done, long total, Instant finishedAt,
                                        Instant expiresAt, long bytes, String error) {
            jobs.computeIfPresent(id, (k, j) -> new Job(j.id(), j.owner(), j.createdAt(), status, done, total,
                    finishedAt, expiresAt, bytes, error, j.worker(), finishedAt));
        }

        @Override
        public synchronized int failStale(Instant staleBefore, Instant now, String error) {
            int n = 0;
            for (Job j : List.copyOf(jobs.values())) {
                if (j.status().matches("queued|running") && j.heartbeat().isBefore(staleBefore)) {
                    jobs.put(j.id(), new Job(j.id(), j.owner(), j.createdAt(), "failed", j.done(), j.total(), now,
                            now, 0, error, j.worker(), j.heartbeat()));
                    n++;
                }
            }
            return n;
        }

        @Override
        public synchronized List<String> expire(Instant now) {
            List<String> out = new ArrayList<>();
            for (Job j : List.copyOf(jobs.values())) {
                if ("done".equals(j.status()) && j.expiresAt() != null && j.expiresAt().isBefore(now)) {
                    jobs.put(j.id(), new Job(j.id(), j.owner(), j.createdAt(), "expired", j.done(), j.total(),
                            j.finishedAt(), j.expiresAt(), j.bytes(), j.error(), j.worker(), j.heartbeat()));
                    out.add(j.id());
                }
            }
            return out;
        }

        @Override
        public synchronized int purge(Instant before) {
            int n = jobs.size();
            jobs.values().removeIf(j -> j.status().matches("expired|failed") && j.expiresAt() != null
                    && j.expiresAt().isBefore(before));
            return n - jobs.size();
        }

        public void clear() {
            jobs.clear();
        }
    }

    /** Share links, grants and accesses in maps. */
    public static final class Links implements ShareLinkStore {

        private final Map<String, Link> links = new ConcurrentHashMap<>();
        private final Map<String, String> contents = new ConcurrentHashMap<>();
        private final Map<String, Object[]> grants = new ConcurrentHashMap<>();
        private final List<Access> accesses = new ArrayList<>();

        @Override
        public synchronized void create(Link link, String jwe) {
            links.put(link.id(), link);
            contents.put(link.id(), jwe);
        }

        @Override
        public synchronized int countLive(String owner, Instant now) {
            return (int) links.values().stream().filter(l -> l.owner().equals(owner) && l.live(now)).count();
        }

        @Override
        public List<Link> ofOwner(String owner, int limit) {
            return links.values().stream().filter(l -> l.owner().equals(owner))
                    .sorted(java.util.Comparator.comparing(Link::createdAt).reversed()).limit(limit).toList();
        }

        @Override
        public Optional<Link> byId(String id) {
            return Optional.ofNullable(links.get(id));
        }

        @Override
        public synchronized Optional<Link> byManifest(String manifestId) {
            return links.values().stream().filter(l -> l.manifestId().equals(manifestId)).findFirst();
        }

        @Override
        public synchronized boolean revoke(String id, String owner) {
            Link l = links.get(id);
            if (l == null || !l.owner().equals(owner)) {
                return false;
            }
            links.put(id, with(l, l.remaining(), false));
            contents.remove(id);
            grants.values().removeIf(g -> g[0].equals(id));
            return true;
        }

        @Override
        public synchronized Optional<Integer> countWrongPasscode(String manifestId, Instant now) {
            Optional<Link> found = byManifest(manifestId).filter(l -> l.live(now));
            found.ifPresent(l -> links.put(l.id(), with(l, l.remaining() - 1, l.remaining() - 1 > 0)));
            return found.map(l -> l.remaining() - 1);
        }

        @Override
        public synchronized void grant(String token, String linkId, Instant expiresAt) {
            grants.put(token, new Object[] {linkId, expiresAt});
        }

        @Override
        public synchronized Optional<Link> granted(String token, Instant now) {
            Object[] g = grants.get(token);
            if (g == null || !now.isBefore((Instant) g[1])) {
                return Optional.empty();
            }
            return Optional.ofNullable(links.get((String) g[0])).filter(l -> l.live(now));
        }

        @Override
        public Optional<String> content(String linkId) {
            return Optional.ofNullable(contents.get(linkId));
        }

        @Override
        public synchronized void recordAccess(Access access) {
            accesses.add(access);
        }

        @Override
        public synchronized List<Access> accesses(String owner) {
            return accesses.stream().filter(a -> a.owner().equals(owner)).sorted(Comparator.comparing(Access::when))
                    .toList();
        }

        public synchronized void clear() {
            links.clear();
            contents.clear();
            grants.clear();
            accesses.clear();
        }

        private static Link with(Link l, int remaining, boolean active) {
            return new Link(l.id(), l.manifestId(), l.owner(), l.salt(), l.passcodeHash(), l.createdAt(),
                    l.expiresAt(), l.label(), l.resources(), remaining, active);
        }
    }
}
