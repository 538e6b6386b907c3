#!/usr/bin/env python3
"""Appends one result row of bench/run-ingest.sh to docs/benchmarks-ingest.md (the table is the file's last part)."""
import argparse
import glob
import json
import os
import platform
import statistics
import subprocess
from datetime import datetime, timezone

SERVERS = [("a", "vault"), ("a2", "vault-novalidate"), ("b", "plain-hapi")]


def machine():
    cpu = "unknown CPU"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_kb = 0
    for line in open("/proc/meminfo"):
        if line.startswith("MemTotal:"):
            mem_kb = int(line.split()[1])
    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    return f"{nproc} CPU, {mem_kb / 1024 / 1024:.1f} GiB, {cpu}, {platform.system()} {platform.release()}"


def summarise(run_dir, key):
    """Mean over rounds; None when the server never started."""
    results = [json.load(open(p)) for p in sorted(glob.glob(os.path.join(run_dir, f"{key}-r*", "result.json")))]
    ok = [r for r in results if not r.get("start_failed")]
    if not ok:
        return None
    return {
        "start": statistics.mean(r["start_seconds"] for r in ok),
        "rss": statistics.mean(r["rss_mb"] for r in ok),
        "rps": statistics.mean(r["resources_per_second"] for r in ok),
        "failed_bundles": max(r["failed_bundles"] for r in ok),
        "failed_resources": max(r["failed_resources"] for r in ok),
        "failed_entries": max(r.get("failed_entries", 0) for r in ok),
        "rounds": len(ok),
        "start_failures": len(results) - len(ok),
    }


def cell(s):
    if s is None:
        return "did not start"
    parts = []
    if s["failed_bundles"]:
        parts.append(f"{s['failed_bundles']} bundles ({s['failed_resources']} res.)")
    if s["failed_entries"]:
        parts.append(f"{s['failed_entries']} batch entries")
    fail = " + ".join(parts) or "0"
    return f"{s['start']:.1f} s / {s['rss']:.0f} MB / **{s['rps']:.1f}** / {fail}"


def ratio(x, y):
    if x is None or y is None or y["rps"] == 0:
        return "n/a"
    return f"{x['rps'] / y['rps']:.2f}"


def main():
    ap = argparse.ArgumentParser()
    for name in ("run-dir", "doc", "plan", "patients", "ages", "seed", "jvm-flags", "order", "rounds",
                 "load-start", "load-end", "commit"):
        ap.add_argument("--" + name, required=True)
    a = ap.parse_args()

    plan = [line.rstrip("\n").split("\t", 1) for line in open(a.plan) if line.strip()]
    bundles = len(plan)
    resources = sum(len(json.load(open(p)).get("entry", [])) for _, p in plan)
    patient_bundles = sum(1 for k, _ in plan if k == "patient")
    s = {key: summarise(a.run_dir, key) for key, _ in SERVERS}
    order = " → ".join({"a": "a", "a2": "a'", "b": "b"}[k] for k in a.order.split())
    row = [
        datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M"),
        a.commit,
        machine(),
        f"{a.load_start} → {a.load_end}",
        f"{patient_bundles} / {bundles} / {resources} (seed {a.seed}, ages {a.ages})",
        f"`{a.jvm_flags}`, order {order}, {a.rounds} round(s)",
        cell(s["a"]), cell(s["a2"]), cell(s["b"]),
        ratio(s["a"], s["b"]), ratio(s["a2"], s["b"]),
    ]
    with open(a.doc, "a") as doc:
        doc.write("| " + " | ".join(row) + " |\n")
    print(json.dumps(s, indent=1))


if __name__ == "__main__":
    main()
