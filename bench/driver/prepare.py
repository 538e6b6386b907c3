#!/usr/bin/env python3
"""Makes Synthea's FHIR bundles acceptable to today's vault, and the same for every server in a benchmark run.

Usage: prepare.py --in SYNTHEA_FHIR_DIR --out DIR [--resident-id PATIENT_FILE=RESIDENT_ID ...]

- ImagingStudy entries are dropped: the vault takes ImagingStudy only from DICOM (STOW-RS), never through /fhir
  (422), because a study's series and instances must be images the vault actually holds. Synthea's Provenance names
  every resource of its bundle as a target, so targets naming a dropped study are dropped too; any other reference to
  one (none in Synthea 3.3.0) stops the run, since the bundle would then point at nothing.
- --resident-id adds a Chinese resident ID (https://patientvault.org/fhir/sid/cn-resident-id) to the Patient of one
  bundle (file name as written by Synthea): the vault links a patient login to the hospital-submitted Patient that
  carries the login's resident ID, which is how a demo account (alice, bob) is given a Synthea patient's record.
Files are written once per input set; the input is never changed. Every server of a run gets the same prepared files.
Python 3 standard library only.
"""
import argparse
import json
import os
import sys

RESIDENT_ID_SYSTEM = "https://patientvault.org/fhir/sid/cn-resident-id"


def references(node, out):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "reference" and isinstance(v, str):
                out.append(v)
            else:
                references(v, out)
    elif isinstance(node, list):
        for v in node:
            references(v, out)


def prepare(bundle, resident_id=None):
    entries = bundle.get("entry", [])
    studies = {e.get("fullUrl") for e in entries if e.get("resource", {}).get("resourceType") == "ImagingStudy"}
    studies |= {"ImagingStudy/" + e["resource"]["id"] for e in entries
                if e.get("resource", {}).get("resourceType") == "ImagingStudy" and "id" in e["resource"]}
    studies.discard(None)
    kept = [e for e in entries if e.get("resource", {}).get("resourceType") != "ImagingStudy"]
    for e in kept:
        r = e.get("resource", {})
        if r.get("resourceType") == "Provenance":
            r["target"] = [t for t in r.get("target", []) if t.get("reference") not in studies]
        else:
            refs = []
            references(r, refs)
            dangling = [x for x in refs if x in studies]
            if dangling:
                raise SystemExit(f"a {r.get('resourceType')} refers to a dropped ImagingStudy ({dangling[0]})")
        if resident_id and r.get("resourceType") == "Patient":
            r.setdefault("identifier", []).append({"system": RESIDENT_ID_SYSTEM, "value": resident_id})
    bundle["entry"] = kept
    return len(entries) - len(kept)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--in", dest="src", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--resident-id", action="append", default=[])
    a = ap.parse_args()
    rids = dict(x.split("=", 1) for x in a.resident_id)
    os.makedirs(a.out, exist_ok=True)
    dropped = 0
    for name in sorted(os.listdir(a.src)):
        if not name.endswith(".json"):
            continue
        with open(os.path.join(a.src, name), "rb") as f:
            bundle = json.load(f)
        dropped += prepare(bundle, rids.pop(name, None))
        with open(os.path.join(a.out, name), "w") as f:
            json.dump(bundle, f, separators=(",", ":"))
    if rids:
        print(f"no such bundle: {', '.join(rids)}", file=sys.stderr)
        return 1
    print(f"prepared {a.out}: {dropped} ImagingStudy entries dropped", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
