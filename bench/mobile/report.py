#!/usr/bin/env python3
"""Appends bench/mobile/measure.py's figures to docs/benchmarks.md, section "mobile-api" (created if absent).

One row per figure: date, commit, machine, figure, baseline, ratio. Python 3 standard library only.
"""
import argparse
import json
import os
import platform
import subprocess
import time

HEADER = """## mobile-api (issue 15): timeline vs plain HAPI `$everything`, export vs raw object reads — `bench/mobile/run.sh`

Synthea 3.3.0 (seed 42, 50 patients aged 0–64; ImagingStudy entries dropped for every server, `bench/driver/prepare.py`)
loaded once into the vault (every feature on: dev-issuer tokens, authorization, consent, audit, linking, terminology,
quality, Provenance; request validation on while measuring, off while loading only) and into `bench/plain-hapi` (HAPI
JPA 8.8.0, defaults), both up together, same JVM flags, same PostgreSQL. alice = the median patient by record count,
bob = the largest (their bundles carry the demo logins' resident IDs, so the vault links the logins to them). Timeline:
`GET /mobile/v1/timeline` (first page, 20 items) with the patient's own token vs plain HAPI
`GET /fhir/Patient/<id>/$everything` (first page, server defaults), interleaved on keep-alive connections, timed to the
last byte, after a warm-up. Export: `POST /mobile/v1/exports` → status polled → zip downloaded, content MiB/s (the zip's
uncompressed entries) from the POST to the last byte, vs MinIO-SDK GETs of the same original DICOM bytes from the same
S3Proxy (`bench/mobile/src/RawReads.java`); alice's record holds a dcmtk-made 256 MiB CT study sent by STOW-RS
(Synthea's ImagingStudy cannot come through `/fhir`).
Goals: timeline p95 ≤ 1.0× HAPI `$everything` p95 (ratio = vault / HAPI, lower is better); export ≥ 0.8× raw reads
(ratio = vault / raw, higher is better).

| date (UTC) | commit | machine (load start → end) | figure | vault | baseline | ratio |
|---|---|---|---|---|---|---|
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--result", required=True)
    ap.add_argument("--doc", required=True)
    ap.add_argument("--commit", required=True)
    ap.add_argument("--data-set", required=True)
    ap.add_argument("--jvm-flags", required=True)
    ap.add_argument("--load-start", required=True)
    ap.add_argument("--load-end", required=True)
    a = ap.parse_args()
    r = json.load(open(a.result))
    date = time.strftime("%Y-%m-%d %H:%M", time.gmtime())
    machine = (f"{os.cpu_count()} cores, load {a.load_start.split()[0]} → {a.load_end.split()[0]}")
    rows = []
    for p in r["patients"]:
        who = f"{p['patient']} ({p['timeline_total']} timeline items)"
        t, h = p["timeline_first_page"], p["hapi_everything"]
        rows.append((f"{who}: timeline first page p95 (p50) ms vs HAPI `$everything` "
                     f"({p['hapi_everything_entries']} entries)",
                     f"**{t['p95_ms']}** ({t['p50_ms']})", f"{h['p95_ms']} ({h['p50_ms']})",
                     f"**{t['p95_ms'] / h['p95_ms']:.2f}×**"))
        if "timeline_page_6" in p:
            t6 = p["timeline_page_6"]
            rows.append((f"{who}: timeline page 6 (cursor) p95 (p50) ms vs HAPI `$everything`",
                         f"{t6['p95_ms']} ({t6['p50_ms']})", f"{h['p95_ms']} ({h['p50_ms']})",
                         f"{t6['p95_ms'] / h['p95_ms']:.2f}×"))
        v = p["vault_everything"]
        rows.append((f"{who}: vault `/fhir` `$everything` as the patient p95 (p50) ms vs HAPI `$everything` "
                     f"({p['vault_everything_entries']} entries)",
                     f"{v['p95_ms']} ({v['p50_ms']})", f"{h['p95_ms']} ({h['p50_ms']})",
                     f"{v['p95_ms'] / h['p95_ms']:.2f}×"))
    if "export" in r:
        e = r["export"]
        rows.append((f"export of alice ({e['content_bytes'] / 1048576:.1f} MiB content in a "
                     f"{e['bytes'] / 1048576:.1f} MiB zip, {len(e['runs'])} runs, medians): content MiB/s, POST → "
                     f"last byte, vs raw MinIO-SDK GET of the same {e['raw_bytes'] / 1048576:.0f} MiB of DICOM",
                     f"**{e['export_mib_s']}**", f"{e['raw_get_mib_s']}",
                     f"**{e['export_mib_s'] / e['raw_get_mib_s']:.2f}×**"))
    doc = open(a.doc).read() if os.path.exists(a.doc) else "# Benchmarks\n"
    lines = "".join(f"| {date} | {a.commit} | {machine} | {f} | {v} | {b} | {x} |\n" for f, v, b, x in rows)
    marker = "## mobile-api (issue 15)"
    if marker not in doc:
        doc = doc.rstrip("\n") + "\n\n" + HEADER + lines
    else:
        start = doc.index(marker)
        nxt = doc.find("\n## ", start + 1)
        section = doc[start:] if nxt < 0 else doc[start:nxt + 1]
        # rows go after the section's last table row
        idx = section.rfind("\n| ")
        end = section.index("\n", idx + 1) + 1
        section = section[:end] + lines + section[end:]
        doc = doc[:start] + section + ("" if nxt < 0 else doc[nxt + 1:])
    open(a.doc, "w").write(doc)
    print(lines, end="")


if __name__ == "__main__":
    main()
