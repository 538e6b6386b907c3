#!/usr/bin/env python3
"""Copies Synthea bundles for profiling, without what the vault refuses by design: ImagingStudy entries (image lists
come only from stored DICOM) and Provenance targets naming them, as vault-api's SyntheaIngestIT does.

Usage: prepare.py OUT_DIR BUNDLE.json...   (writes OUT_DIR/<name>.json and OUT_DIR/plan.tsv in the given order;
hospitalInformation*/practitionerInformation* are marked as such, the rest as patient bundles)
"""
import json
import os
import sys

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
plan = []
for path in sys.argv[2:]:
    b = json.load(open(path))
    studies = {e.get("fullUrl") for e in b.get("entry", []) if e.get("resource", {}).get("resourceType") == "ImagingStudy"}
    b["entry"] = [e for e in b.get("entry", []) if e.get("fullUrl") not in studies]
    for e in b["entry"]:
        r = e.get("resource", {})
        if r.get("resourceType") == "Provenance":
            r["target"] = [t for t in r.get("target", []) if t.get("reference") not in studies]
    name = os.path.basename(path)
    dest = os.path.join(out, name)
    json.dump(b, open(dest, "w"), separators=(",", ":"))
    kind = "hospital" if name.startswith("hospitalInformation") else \
        "practitioner" if name.startswith("practitionerInformation") else "patient"
    plan.append(f"{kind}\t{dest}")
    print(f"{kind:12s} {len(b['entry']):5d} entries ({len(studies)} ImagingStudy dropped) {name}", file=sys.stderr)
open(os.path.join(out, "plan.tsv"), "w").write("\n".join(plan) + "\n")
