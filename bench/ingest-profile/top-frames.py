#!/usr/bin/env python3
"""Where the request threads spent their CPU samples in a JFR recording (jdk.ExecutionSample, full stacks).

Usage: top-frames.py REC.jfr [--threads http-nio] [--top 25] [--from HH:MM:SS] [--to HH:MM:SS]
Prints (1) the share of samples in each phase of the submission path (inclusive: a sample counts for the first
phase, in the PHASES order, whose marker appears anywhere in its stack), (2) the top self frames and (3) the top
inclusive vault/HAPI methods. Only samples of threads whose name contains --threads count (Tomcat's request threads;
startup runs on other threads).
"""
import argparse
import collections
import re
import subprocess

# (phase, markers): the first phase whose marker occurs in a stack gets the sample. Order matters: nested phases first.
PHASES = [
    ("request validation (base R4, FhirInstanceValidator)", ["RequestValidatingInterceptor", "FhirInstanceValidator",
                                                            "org.hl7.fhir.validation."]),
    ("quality scoring", ["SubmissionQuality.score", "QualityScorer"]),
    ("quality receipt + scorecard", ["SubmissionQuality.complete"]),
    ("patient linking (prepare)", ["PatientLinking.prepare"]),
    ("content SHA-256 (re-encode)", ["SubmissionService.contentSha256"]),
    ("ledger response store (encode)", ["SubmissionLedger.storeResponse"]),
    ("terminology normalisation", [".terminology."]),
    ("consent on outcomes", ["ConsentInterceptor", "IConsentService", ".consent."]),
    ("audit", [".audit."]),
    ("HAPI transaction: Hibernate flush/commit", ["SessionImpl.flush", "doCommit", "ActionQueue.executeActions"]),
    ("HAPI transaction: search-param indexing", ["SearchParamExtractor", "ResourceIndexedSearchParams",
                                                 "SearchParamWithInlineReferencesExtractor"]),
    ("HAPI transaction: other", ["TransactionProcessor", "BaseTransactionProcessor", "FhirSystemDao.transaction"]),
    ("request parse (JSON -> Bundle)", ["JsonParser.parseResource", "BaseParser.parseResource", "JsonLikeParser"]),
    ("response encode", ["RestfulServerUtils.streamResponseAsResource", "encodeResourceToWriter"]),
    ("authorization / access", [".access.", "AuthorizationInterceptor"]),
]


def samples(path, threads, start=None, end=None):
    out = subprocess.run(["jfr", "print", "--events", "jdk.ExecutionSample", "--stack-depth", "400", path],
                         capture_output=True, text=True, check=True).stdout
    for block in out.split("jdk.ExecutionSample {")[1:]:
        m = re.search(r'sampledThread = "([^"]*)"', block)
        if not m or threads not in m.group(1):
            continue
        if start or end:
            t = re.search(r"startTime = (\d\d:\d\d:\d\d)", block).group(1)
            if (start and t < start) or (end and t > end):
                continue
        st = block.split("stackTrace = [", 1)[1].rsplit("]", 1)[0]
        frames = [re.sub(r"\s+line:.*$", "", l.strip()) for l in st.splitlines() if l.strip() and l.strip() != "..."]
        yield frames


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("jfr")
    ap.add_argument("--threads", default="http-nio")
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--from", dest="start", help="HH:MM:SS (UTC, as jfr prints): only samples from then on")
    ap.add_argument("--to", dest="end", help="HH:MM:SS: only samples until then")
    a = ap.parse_args()
    phase = collections.Counter()
    self_ = collections.Counter()
    incl = collections.Counter()
    n = 0
    for frames in samples(a.jfr, a.threads, a.start, a.end):
        n += 1
        joined = "\n".join(frames)
        for name, markers in PHASES:
            if any(mk in joined for mk in markers):
                phase[name] += 1
                break
        else:
            phase["other"] += 1
        if frames:
            self_[frames[0]] += 1
        for f in set(frames):
            if f.startswith(("org.patientvault", "ca.uhn", "org.hl7")):
                incl[f] += 1
    print(f"{n} samples on threads containing '{a.threads}'")
    print("\n# phases (inclusive, first match)")
    for k, v in phase.most_common():
        print(f"{100.0 * v / max(n, 1):5.1f}%  {v:6d}  {k}")
    print("\n# top self frames")
    for k, v in self_.most_common(a.top):
        print(f"{100.0 * v / max(n, 1):5.1f}%  {k}")
    print("\n# top inclusive vault/HAPI methods")
    for k, v in incl.most_common(a.top * 2):
        print(f"{100.0 * v / max(n, 1):5.1f}%  {k}")


if __name__ == "__main__":
    main()
