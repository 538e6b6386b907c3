#!/usr/bin/env python3
"""Cohort-export benchmark driver (bench/cohort/run.sh calls it; Python 3 standard library only).

  driver.py load     --vault URL --control URL [--hapi URL] --kind throughput|heap --patients N --obs M
                     --instances K --rows R --out FILE
      Generates N patients (Patient + M laboratory Observations + one CT study of K instances of R x R 16-bit
      pixels) and loads them: FHIR transaction bundles as hosp-beijing, the study by DICOMweb STOW-RS, an active
      research Consent per patient through the benchmark launcher's control endpoint (BenchVault). With --hapi,
      the same Patient and Observations plus an equivalent ImagingStudy go to the plain HAPI server.
  driver.py measure  --vault URL --hapi URL --rounds N --out FILE
      One approved cohort request; N rounds, alternating which server goes first: vault kick-off -> manifest -> every
      NDJSON file downloaded, and HAPI Patient/$export?_type=Patient,Observation,ImagingStudy kick-off -> complete
      -> every NDJSON file downloaded. Counting is identical: non-empty NDJSON lines of those three types divided by
      the wall time from kick-off to the last byte. Both are polled every 0.5 s (neither server's Retry-After).
  driver.py heap     --vault URL --pid PID --gc-log FILE --out FILE
      An approved cohort of the heap patients (criterion: LOINC 2093-3); while it builds, a full GC (jcmd GC.run)
      every 3 s; live heap = the after-value of each full GC in the vault's GC log.

Tokens come from the vault's issuer (Keycloak): client credentials for hosp-beijing and ai-lab, the password grant
through vault-cli for vault-admin (the data-access committee).
"""
import argparse
import json
import os
import re
import struct
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

SD = "https://patientvault.org/fhir/StructureDefinition/"
RESIDENT_ID = "https://patientvault.org/fhir/sid/cn-resident-id"
LAB_CODES = [("1558-6", "Fasting glucose", "mmol/L", 5.0), ("2345-7", "Glucose", "mmol/L", 5.5),
             ("2160-0", "Creatinine", "umol/L", 80.0), ("718-7", "Hemoglobin", "g/L", 135.0),
             ("6690-2", "Leukocytes", "10*9/L", 6.0), ("777-3", "Platelets", "10*9/L", 250.0)]
HEAP_CODE = ("2093-3", "Cholesterol", "mmol/L", 4.8)
TYPES = ["Patient", "Observation", "ImagingStudy"]
POLL_S = 0.5


def log(msg):
    print(f"[cohort-bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# --- HTTP ------------------------------------------------------------------------------------------------------------
def http(method, url, body=None, headers=None, timeout=1800):
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


class Tokens:
    """Tokens from the vault's issuer, fetched again a minute before they expire."""

    def __init__(self, vault):
        issuer = os.environ["VAULT_OIDC_ISSUER"]
        self.endpoint = issuer + "/protocol/openid-connect/token"
        self.cache = {}

    def header(self, who):
        tok, exp = self.cache.get(who, (None, 0))
        if tok is None or time.time() > exp - 60:
            if who == "vault-admin":
                form = {"grant_type": "password", "client_id": "vault-cli", "username": who,
                        "password": "vault-admin-demo"}
            else:
                form = {"grant_type": "client_credentials", "client_id": who, "client_secret": who + "-secret"}
            s, _, b = http("POST", self.endpoint, urllib.parse.urlencode(form).encode(),
                           {"Content-Type": "application/x-www-form-urlencoded"})
            if s != 200:
                raise RuntimeError(f"token for {who}: HTTP {s} {b[:200]!r}")
            j = json.loads(b)
            tok, exp = j["access_token"], time.time() + float(j.get("expires_in", 300))
            self.cache[who] = (tok, exp)
        return {"Authorization": "Bearer " + tok}


def fhir_json(method, url, resource, headers):
    h = {"Content-Type": "application/fhir+json", "Accept": "application/fhir+json"}
    h.update(headers)
    s, hh, b = http(method, url, json.dumps(resource).encode() if resource is not None else None, h)
    return s, hh, b


# --- data ------------------------------------------------------------------------------------------------------------
def resident_id(n):
    first17 = "110105" + str(1970 + n % 5) + "01" + f"{10 + n % 18:02d}" + f"{n % 1000:03d}"
    weights = [pow(2, 17 - i, 11) for i in range(17)]
    total = sum(int(c) * w for c, w in zip(first17, weights))
    return first17 + "10X98765432"[total % 11]


def patient_bundle(n, kind, obs):
    pid = "urn:uuid:" + str(uuid.uuid4())
    rid = resident_id(n)
    patient = {"resourceType": "Patient",
               "identifier": [{"system": RESIDENT_ID, "value": rid}],
               "name": [{"family": f"Bench{n}", "given": ["Planted"]}],
               "telecom": [{"system": "phone", "value": f"1380013{n:04d}"}],
               "gender": "female" if n % 2 == 0 else "male",
               "birthDate": f"{1970 + n % 5}-03-12",
               "address": [{"state": "北京市", "city": "北京", "line": [f"Planted Road {n}"]}]}
    entries = [{"fullUrl": pid, "resource": patient,
                "request": {"method": "POST", "url": "Patient", "ifNoneExist": f"identifier={RESIDENT_ID}|{rid}"}}]
    codes = [HEAP_CODE] if kind == "heap" else LAB_CODES
    for i in range(obs):
        code, display, unit, base = codes[i % len(codes)]
        o = {"resourceType": "Observation", "status": "final",
             "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category",
                                       "code": "laboratory", "display": "Laboratory"}]}],
             "code": {"coding": [{"system": "http://loinc.org", "code": code, "display": display}]},
             "subject": {"reference": pid},
             "effectiveDateTime": f"2026-{1 + i % 10:02d}-{1 + i % 28:02d}T08:00:00+08:00",
             "valueQuantity": {"value": round(base * (1 + ((n * 7 + i) % 11 - 5) / 100), 2), "unit": unit,
                               "system": "http://unitsofmeasure.org", "code": unit}}
        entries.append({"fullUrl": "urn:uuid:" + str(uuid.uuid4()), "resource": o,
                        "request": {"method": "POST", "url": "Observation"}})
    return rid, {"resourceType": "Bundle", "type": "transaction", "entry": entries}


def _el(tag, vr, value):
    """One explicit-VR little-endian element."""
    g, e = tag
    if isinstance(value, str):
        value = value.encode("ascii")
        if len(value) % 2:
            value += b"\0" if vr == "UI" else b" "
    head = struct.pack("<HH", g, e) + vr.encode()
    if vr in ("OB", "OW", "SQ", "UN", "UT"):
        return head + b"\0\0" + struct.pack("<I", len(value)) + value
    return head + struct.pack("<H", len(value)) + value


def _us(v):
    return struct.pack("<H", v)


def dicom(study, instance, rid, rows):
    """A CT instance (rows x rows, 16 bit) naming the patient by resident ID (Other Patient IDs Sequence), with the
    acquisition attributes research scoring looks for. Checked against dcmtk's dcmdump by run.sh."""
    sop = f"{study}.1.{instance}"
    item = _el((0x0010, 0x0020), "LO", rid) + _el((0x0010, 0x0021), "LO", "CN-RESIDENT-ID")
    seq = struct.pack("<HHI", 0xFFFE, 0xE000, len(item)) + item
    px = bytes(((i * 7) & 0xFF) for i in range(rows * 2)) * rows
    ds = b"".join([
        _el((0x0008, 0x0016), "UI", "1.2.840.10008.5.1.4.1.1.2"), _el((0x0008, 0x0018), "UI", sop),
        _el((0x0008, 0x0020), "DA", "20261001"), _el((0x0008, 0x0060), "CS", "CT"),
        _el((0x0008, 0x0070), "LO", "ACME"), _el((0x0008, 0x1030), "LO", "CT chest"),
        _el((0x0008, 0x1090), "LO", "Scanner 1"), _el((0x0010, 0x0010), "PN", "Bench^Planted"),
        _el((0x0010, 0x0020), "LO", "BENCH-" + rid), _el((0x0010, 0x1002), "SQ", seq),
        _el((0x0018, 0x0015), "CS", "CHEST"), _el((0x0018, 0x0050), "DS", "1.25"),
        _el((0x0018, 0x0060), "DS", "120"), _el((0x0018, 0x1210), "SH", "LUNG"),
        _el((0x0020, 0x000D), "UI", study), _el((0x0020, 0x000E), "UI", study + ".1"),
        _el((0x0020, 0x0013), "IS", str(instance)), _el((0x0028, 0x0002), "US", _us(1)),
        _el((0x0028, 0x0004), "CS", "MONOCHROME2"), _el((0x0028, 0x0010), "US", _us(rows)),
        _el((0x0028, 0x0011), "US", _us(rows)), _el((0x0028, 0x0030), "DS", "0.7\\0.7"),
        _el((0x0028, 0x0100), "US", _us(16)), _el((0x0028, 0x0101), "US", _us(12)),
        _el((0x0028, 0x0102), "US", _us(11)), _el((0x0028, 0x0103), "US", _us(0)),
        _el((0x7FE0, 0x0010), "OW", px)])
    meta = b"".join([_el((0x0002, 0x0001), "OB", b"\0\1"), _el((0x0002, 0x0002), "UI", "1.2.840.10008.5.1.4.1.1.2"),
                     _el((0x0002, 0x0003), "UI", sop), _el((0x0002, 0x0010), "UI", "1.2.840.10008.1.2.1"),
                     _el((0x0002, 0x0012), "UI", "1.2.826.0.1.3680043.9.9999")])
    return b"\0" * 128 + b"DICM" + _el((0x0002, 0x0000), "UL", struct.pack("<I", len(meta))) + meta + ds


def stow(vault, tokens, study, instances, rid, rows):
    boundary = "pvbench" + uuid.uuid4().hex
    parts = []
    for i in range(1, instances + 1):
        parts.append(f"--{boundary}\r\nContent-Type: application/dicom\r\n\r\n".encode())
        parts.append(dicom(study, i, rid, rows))
        parts.append(b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    body = b"".join(parts)
    h = {"Content-Type": f'multipart/related; type="application/dicom"; boundary={boundary}',
         "Accept": "application/dicom+json"}
    h.update(tokens.header("hosp-beijing"))
    s, _, b = http("POST", vault + "/dicomweb/studies", body, h)
    if s != 200:
        raise RuntimeError(f"STOW {study}: HTTP {s} {b[:300]!r}")
    return len(body)


def imaging_study(patient_ref, study, instances):
    return {"resourceType": "ImagingStudy", "status": "available", "subject": {"reference": patient_ref},
            "identifier": [{"system": "urn:dicom:uid", "value": "urn:oid:" + study}],
            "started": "2026-10-01", "modality": [{"system": "http://dicom.nema.org/resources/ontology/DCM",
                                                    "code": "CT"}],
            "numberOfSeries": 1, "numberOfInstances": instances, "description": "CT chest",
            "series": [{"uid": study + ".1", "number": 1,
                        "modality": {"system": "http://dicom.nema.org/resources/ontology/DCM", "code": "CT"},
                        "numberOfInstances": instances, "bodySite": {"code": "51185008", "display": "Chest"},
                        "instance": [{"uid": f"{study}.1.{i}", "number": i,
                                      "sopClass": {"system": "urn:ietf:rfc:3986",
                                                   "code": "urn:oid:1.2.840.10008.5.1.4.1.1.2"}}
                                     for i in range(1, instances + 1)]}]}


def location_id(response, index):
    loc = response["entry"][index]["response"]["location"]
    return loc.split("/")[1]


def cmd_load(a):
    tokens = Tokens(a.vault)
    base = 1000 if a.kind == "heap" else 0
    vault_ids, hapi_count, dicom_bytes, resources = [], 0, 0, 0
    t0 = time.time()
    run = str(int(time.time()))
    for k in range(a.patients):
        n = base + k
        rid, bundle = patient_bundle(n, a.kind, a.obs)
        s, _, b = fhir_json("POST", a.vault + "/fhir", bundle, tokens.header("hosp-beijing"))
        if s != 200:
            raise RuntimeError(f"vault bundle {n}: HTTP {s} {b[:300]!r}")
        vid = location_id(json.loads(b), 0)
        vault_ids.append(vid)
        resources += len(bundle["entry"])
        study = f"2.25.{run}{n:05d}"
        dicom_bytes += stow(a.vault, tokens, study, a.instances, rid, a.rows)
        if a.hapi:
            s, _, b = fhir_json("POST", a.hapi + "/fhir", bundle, {})
            if s != 200:
                raise RuntimeError(f"HAPI bundle {n}: HTTP {s} {b[:300]!r}")
            hid = location_id(json.loads(b), 0)
            s, _, b = fhir_json("POST", a.hapi + "/fhir/ImagingStudy",
                                imaging_study("Patient/" + hid, study, a.instances), {})
            if s != 201:
                raise RuntimeError(f"HAPI ImagingStudy {n}: HTTP {s} {b[:300]!r}")
            hapi_count += 1
        if (k + 1) % 10 == 0:
            log(f"{a.kind}: {k + 1}/{a.patients} patients loaded ({time.time() - t0:.0f} s)")
    s, _, b = http("POST", a.control + "/consents", "\n".join(vault_ids).encode())
    if s != 200 or int(b) != len(vault_ids):
        raise RuntimeError(f"consents: HTTP {s} {b[:300]!r}")
    out = {"kind": a.kind, "patients": a.patients, "observations_per_patient": a.obs,
           "instances_per_patient": a.instances, "dicom_bytes": dicom_bytes, "fhir_resources": resources,
           "hapi_patients": hapi_count, "seconds": round(time.time() - t0, 1), "vault_patient_ids": vault_ids}
    json.dump(out, open(a.out, "w"), indent=1)
    log(f"{a.kind}: {a.patients} patients, {resources} FHIR resources, {dicom_bytes / 1048576:.0f} MiB DICOM "
        f"in {out['seconds']} s; research consents written")


# --- exports ---------------------------------------------------------------------------------------------------------
def cohort_request(code, title):
    return {"resourceType": "Group", "type": "person", "actual": True, "name": title,
            "modifierExtension": [{"url": "http://hl7.org/fhir/uv/bulkdata/StructureDefinition/member-filter",
                                   "valueExpression": {"language": "application/x-fhir-query",
                                                       "expression": f"Observation?code=http://loinc.org|{code}"}}],
            "extension": [{"url": SD + "cohort-purpose", "valueCode": "ai-training"},
                          {"url": SD + "cohort-data-class", "valueCode": "imaging"},
                          {"url": SD + "cohort-data-class", "valueCode": "laboratory"},
                          {"url": SD + "cohort-modality", "valueCode": "CT"},
                          {"url": SD + "cohort-min-quality", "valueDecimal": 0.5},
                          {"url": SD + "cohort-age", "valueRange": {"low": {"value": 18}, "high": {"value": 100}}},
                          {"url": SD + "cohort-cross-border", "valueBoolean": True},
                          {"url": SD + "cohort-project", "extension": [
                              {"url": "title", "valueString": title},
                              {"url": "description", "valueString": "cohort export benchmark"}]}]}


def approved_group(vault, tokens, code, title):
    s, _, b = fhir_json("POST", vault + "/fhir/Group", cohort_request(code, title), tokens.header("ai-lab"))
    if s != 201:
        raise RuntimeError(f"cohort request: HTTP {s} {b[:500]!r}")
    gid = json.loads(b)["id"]
    reason = {"resourceType": "Parameters", "parameter": [{"name": "reason", "valueString": "benchmark"}]}
    s, _, b = fhir_json("POST", f"{vault}/fhir/Group/{gid}/$approve", reason, tokens.header("vault-admin"))
    if s != 200:
        raise RuntimeError(f"approve: HTTP {s} {b[:500]!r}")
    return gid


def header_value(headers, name):
    for k, v in headers.items():
        if k.lower() == name.lower():
            return v
    return None


def run_export(label, kick_url, auth, on_poll=None):
    """Kick-off -> 200 manifest -> every NDJSON output of TYPES downloaded. Returns counts and timings."""
    t0 = time.perf_counter()
    h = {"Prefer": "respond-async", "Accept": "application/fhir+json"}
    h.update(auth())
    s, hh, b = http("GET", kick_url, None, h)
    if s != 202:
        raise RuntimeError(f"{label} kick-off: HTTP {s} {b[:500]!r}")
    status_url = header_value(hh, "Content-Location")
    polls = 0
    while True:
        h = {"Accept": "application/json"}
        h.update(auth())
        s, hh, b = http("GET", status_url, None, h)
        polls += 1
        if s == 200:
            break
        if s != 202:
            raise RuntimeError(f"{label} poll: HTTP {s} {b[:500]!r}")
        if on_poll:
            on_poll()
        time.sleep(POLL_S)
    t_manifest = time.perf_counter()
    manifest = json.loads(b)
    counts, nbytes = {}, 0
    for o in manifest.get("output", []):
        if o["type"] not in TYPES:
            continue
        # No Accept header (as a Bulk Data client's plain file GET): HAPI then streams a Binary's content as stored.
        s, _, body = http("GET", o["url"], None, auth())
        if s != 200:
            raise RuntimeError(f"{label} download {o['url']}: HTTP {s} {body[:300]!r}")
        nbytes += len(body)
        counts[o["type"]] = counts.get(o["type"], 0) + sum(1 for line in body.split(b"\n") if line.strip())
    t_end = time.perf_counter()
    total = sum(counts.values())
    return {"label": label, "resources": total, "counts": counts, "bytes": nbytes, "polls": polls,
            "seconds": round(t_end - t0, 3), "build_seconds": round(t_manifest - t0, 3),
            "resources_per_second": round(total / (t_end - t0), 1), "manifest": manifest}


def cmd_measure(a):
    tokens = Tokens(a.vault)
    gid = approved_group(a.vault, tokens, "1558-6", "Cohort export benchmark")
    log(f"vault cohort request Group/{gid} approved")
    vault_kick = f"{a.vault}/fhir/Group/{gid}/$export"
    hapi_kick = f"{a.hapi}/fhir/Patient/$export?_type=" + ",".join(TYPES)
    rows = []

    def vault():
        r = run_export("vault", vault_kick, lambda: tokens.header("ai-lab"))
        about = r["manifest"].get("extension", {}).get(SD + "cohort-release", {})
        r["release"] = about.get("release")
        r["dicom_files"] = len(about.get("dicom", []))
        r.pop("manifest")
        return r

    def hapi():
        r = run_export("hapi", hapi_kick, lambda: {})
        r.pop("manifest")
        return r

    for rnd in range(1, a.rounds + 1):
        order = [vault, hapi] if rnd % 2 == 1 else [hapi, vault]
        for f in order:
            r = f()
            r["round"] = rnd
            rows.append(r)
            log(f"round {rnd} {r['label']}: {r['resources']} resources {r['counts']} in {r['seconds']} s "
                f"(manifest after {r['build_seconds']} s, {r['polls']} polls) = {r['resources_per_second']}/s")
    profiled = None
    if a.jfr:
        # One more vault export, not counted, under JDK Flight Recorder (the profile of the figure above).
        subprocess.run(["jcmd", str(a.pid), "JFR.start", "name=cohort", "settings=profile"], check=True,
                       capture_output=True)
        profiled = vault()
        subprocess.run(["jcmd", str(a.pid), "JFR.stop", "name=cohort", "filename=" + a.jfr], check=True,
                       capture_output=True)
        log(f"profiled vault export (not counted): {profiled['resources']} in {profiled['seconds']} s -> {a.jfr}")
    json.dump({"group": gid, "rows": rows, "profiled": profiled}, open(a.out, "w"), indent=1)


FULL_GC = re.compile(r"^\[([0-9.]+)s\].*Pause Full.* (\d+)M->(\d+)M\((\d+)M\)")


def full_gcs(path):
    out = []
    with open(path) as f:
        for line in f:
            m = FULL_GC.search(line)
            if m:
                out.append((float(m.group(1)), int(m.group(3)), int(m.group(4))))
    return out


def cmd_heap(a):
    tokens = Tokens(a.vault)
    gid = approved_group(a.vault, tokens, HEAP_CODE[0], "Cohort heap benchmark")
    subprocess.run(["jcmd", str(a.pid), "GC.run"], check=True, capture_output=True)
    time.sleep(1)
    before = full_gcs(a.gc_log)[-1]
    n_before = len(full_gcs(a.gc_log))
    used_samples = []
    stop = threading.Event()

    def sampler():
        # jstat: used heap incl. garbage every second (S0U S1U EU OU are columns 3,4,6,8 of -gc).
        last_gc = time.time()
        while not stop.is_set():
            p = subprocess.run(["jstat", "-gc", str(a.pid)], capture_output=True, text=True)
            try:
                cols = p.stdout.split("\n")[1].split()
                used_samples.append((float(cols[2]) + float(cols[3]) + float(cols[5]) + float(cols[7])) / 1024)
            except (IndexError, ValueError):
                pass
            if time.time() - last_gc >= 3:
                subprocess.run(["jcmd", str(a.pid), "GC.run"], capture_output=True)
                last_gc = time.time()
            stop.wait(1)

    th = threading.Thread(target=sampler, daemon=True)
    th.start()
    try:
        r = run_export("vault-heap", f"{a.vault}/fhir/Group/{gid}/$export", lambda: tokens.header("ai-lab"))
    finally:
        stop.set()
        th.join()
    about = r["manifest"].get("extension", {}).get(SD + "cohort-release", {})
    dicom = about.get("dicom", [])
    during = full_gcs(a.gc_log)[n_before:]
    out = {"group": gid, "seconds": r["seconds"], "build_seconds": r["build_seconds"], "counts": r["counts"],
           "patients": about.get("patients"), "dicom_files": len(dicom),
           "dicom_bytes": sum(int(d.get("bytes", 0)) for d in dicom),
           "live_before_mib": before[1], "heap_capacity_mib": before[2], "full_gcs_during": len(during),
           "live_during_min_mib": min((g[1] for g in during), default=None),
           "live_during_max_mib": max((g[1] for g in during), default=None),
           "used_incl_garbage_max_mib": round(max(used_samples, default=0)), "jstat_samples": len(used_samples)}
    json.dump(out, open(a.out, "w"), indent=1)
    log(f"heap: {out}")


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    l = sub.add_parser("load")
    l.add_argument("--vault", required=True)
    l.add_argument("--control", required=True)
    l.add_argument("--hapi")
    l.add_argument("--kind", choices=["throughput", "heap"], required=True)
    l.add_argument("--patients", type=int, required=True)
    l.add_argument("--obs", type=int, required=True)
    l.add_argument("--instances", type=int, default=1)
    l.add_argument("--rows", type=int, default=8)
    l.add_argument("--out", required=True)
    m = sub.add_parser("measure")
    m.add_argument("--vault", required=True)
    m.add_argument("--hapi", required=True)
    m.add_argument("--rounds", type=int, default=3)
    m.add_argument("--pid", type=int)
    m.add_argument("--jfr")
    m.add_argument("--out", required=True)
    h = sub.add_parser("heap")
    h.add_argument("--vault", required=True)
    h.add_argument("--pid", type=int, required=True)
    h.add_argument("--gc-log", required=True)
    h.add_argument("--out", required=True)
    d = sub.add_parser("dicom")  # writes one instance, for run.sh's dcmdump check
    d.add_argument("--out", required=True)
    a = p.parse_args()
    if a.cmd == "dicom":
        open(a.out, "wb").write(dicom("2.25.1", 1, resident_id(1), 8))
        return
    {"load": cmd_load, "measure": cmd_measure, "heap": cmd_heap}[a.cmd](a)


if __name__ == "__main__":
    main()
