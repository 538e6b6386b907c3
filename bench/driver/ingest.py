#!/usr/bin/env python3
"""Sequentially POSTs FHIR transaction bundles to <base>/fhir and reports what happened (ingest benchmark driver).

Usage: ingest.py --base http://127.0.0.1:PORT --files LIST --result OUT.json --failures OUT.txt
       ingest.py --base http://127.0.0.1:PORT --wait-ready --since EPOCH --pid PID [--timeout S]
         (prints the seconds from EPOCH until GET /fhir/metadata answered 200; exit 1 if PID died or timed out)

Failures are non-2xx bundles, plus non-2xx entries inside a 2xx batch response (entry failures do not count as
accepted resources). LIST holds one bundle path per line, in the order to send them; lines are "kind<TAB>path", kind being hospital,
practitioner or patient. Resources = bundle entries. Resources/second is measured over the patient bundles only:
entries of the patient bundles that were accepted (2xx) divided by the wall time of all patient-bundle POSTs.
If the server publishes /.well-known/openid-configuration, a client-credentials token is fetched and refreshed
before it expires; otherwise requests go without Authorization. Python 3 standard library only.
"""
import argparse
import base64
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

CLIENT_ID = "hosp-beijing"
CLIENT_SECRET = "hosp-beijing-secret"
MAX_FAILURES_SAVED = 5
TIMEOUT_S = 1800


class Auth:
    """A bearer token by client credentials when the server has an issuer; no header otherwise."""

    def __init__(self, base):
        self.token_endpoint = None
        self.token = None
        self.expires_at = 0.0
        try:
            with urllib.request.urlopen(base + "/.well-known/openid-configuration", timeout=30) as r:
                if r.status == 200:
                    self.token_endpoint = json.load(r)["token_endpoint"]
        except (urllib.error.HTTPError, urllib.error.URLError, KeyError, ValueError):
            self.token_endpoint = None

    @property
    def enabled(self):
        return self.token_endpoint is not None

    def header(self):
        if not self.enabled:
            return {}
        # refresh a minute early: a large bundle may take a while and the token must not expire mid-run
        if self.token is None or time.time() > self.expires_at - 60:
            body = self._token()
            self.token = body["access_token"]
            self.expires_at = time.time() + float(body.get("expires_in", 300))
        return {"Authorization": "Bearer " + self.token}

    def _token(self):
        """Client credentials, as client_secret_basic first and client_secret_post if that is refused: a client may
        be registered for either, and a request must not carry both."""
        basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        attempts = [
            ({"grant_type": "client_credentials"}, {"Authorization": "Basic " + basic}),
            ({"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}, {}),
        ]
        last = None
        for form, extra in attempts:
            headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}
            headers.update(extra)
            req = urllib.request.Request(self.token_endpoint, data=urllib.parse.urlencode(form).encode(),
                                         method="POST", headers=headers)
            try:
                with urllib.request.urlopen(req, timeout=60) as r:
                    return json.load(r)
            except urllib.error.HTTPError as e:
                last = e
                if e.code not in (400, 401):
                    break
        raise RuntimeError(f"token request to {self.token_endpoint} failed: HTTP {last.code}")


def outcome_text(raw):
    """The OperationOutcome diagnostics of an error response, or the start of the raw body."""
    try:
        doc = json.loads(raw)
        issues = doc.get("issue", []) if doc.get("resourceType") == "OperationOutcome" else []
        if issues:
            # errors first and in full; validators add hundreds of warnings and notes, which are only counted
            def line(i):
                where = f" @ {','.join(i['location'])}" if i.get("location") else ""
                return f"[{i.get('severity')}/{i.get('code')}] {i.get('diagnostics', '')}{where}"
            errors = [line(i) for i in issues if i.get("severity") in ("error", "fatal")]
            others = {}
            for i in issues:
                if i.get("severity") not in ("error", "fatal"):
                    others[i.get("severity")] = others.get(i.get("severity"), 0) + 1
            rest = ", ".join(f"{n} {sev}" for sev, n in sorted(others.items()))
            return "\n".join(errors + ([f"(plus {rest} issues)"] if rest else []))
    except (ValueError, AttributeError):
        pass
    return raw[:4000].decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)[:4000]


def entry_failures(raw):
    """(status, outcome text) of each response entry whose status is not 2xx."""
    try:
        doc = json.loads(raw)
    except ValueError:
        return []
    bad = []
    for e in doc.get("entry", []) if isinstance(doc, dict) else []:
        resp = e.get("response", {})
        st = str(resp.get("status", ""))
        if st and not st.startswith("2"):
            out = resp.get("outcome")
            bad.append((st, outcome_text(json.dumps(out)) if out else "(no outcome)"))
    return bad


def wait_ready(base, since, pid, timeout):
    """Polls /fhir/metadata until 200. Once the server has an issuer, a 401 is retried with a token."""
    auth = None
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            print(f"process {pid} exited before /fhir/metadata answered", file=sys.stderr)
            return 1
        headers = {"Accept": "application/fhir+json"}
        try:
            if auth is not None and auth.enabled:
                headers.update(auth.header())
            req = urllib.request.Request(base + "/fhir/metadata", headers=headers)
            with urllib.request.urlopen(req, timeout=10) as r:
                if r.status == 200:
                    print(f"{time.time() - since:.2f}")
                    return 0
        except urllib.error.HTTPError as e:
            if e.code in (401, 403) and auth is None:
                auth = Auth(base)
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            pass
        time.sleep(0.25)
    print(f"/fhir/metadata did not answer 200 within {timeout}s", file=sys.stderr)
    return 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", required=True)
    ap.add_argument("--files")
    ap.add_argument("--result")
    ap.add_argument("--failures")
    ap.add_argument("--label", default="server")
    ap.add_argument("--wait-ready", action="store_true")
    ap.add_argument("--since", type=float)
    ap.add_argument("--pid", type=int)
    ap.add_argument("--timeout", type=float, default=600)
    a = ap.parse_args()
    if a.wait_ready:
        return wait_ready(a.base, a.since, a.pid, a.timeout)
    if not (a.files and a.result and a.failures):
        ap.error("--files, --result and --failures are required to ingest")

    auth = Auth(a.base)
    plan = [line.rstrip("\n").split("\t", 1) for line in open(a.files) if line.strip()]
    stats = {"label": a.label, "auth": auth.enabled, "bundles": 0, "resources": 0, "failed_bundles": 0,
             "failed_resources": 0, "failed_entries": 0, "patient_bundles": 0, "patient_resources_ok": 0, "patient_seconds": 0.0,
             "status_counts": {}, "per_bundle": []}
    saved = 0
    with open(a.failures, "w") as fail_out:
        fail_out.write(f"# first {MAX_FAILURES_SAVED} failures of {a.label} ({a.base}/fhir)\n")
        for kind, path in plan:
            body = open(path, "rb").read()
            entries = len(json.loads(body).get("entry", []))
            headers = {"Content-Type": "application/fhir+json", "Accept": "application/fhir+json"}
            headers.update(auth.header())
            req = urllib.request.Request(a.base + "/fhir", data=body, method="POST", headers=headers)
            t0 = time.monotonic()
            try:
                with urllib.request.urlopen(req, timeout=TIMEOUT_S) as r:
                    status, raw = r.status, r.read()
            except urllib.error.HTTPError as e:
                status, raw = e.code, e.read()
            except (urllib.error.URLError, TimeoutError, ConnectionError) as e:
                status, raw = 0, str(e).encode()
            dt = time.monotonic() - t0
            ok = 200 <= status < 300
            # A batch answers 200 even when entries fail (Synthea's hospital and practitioner bundles are batches),
            # so the entry statuses of every 2xx response are checked too.
            bad_entries = entry_failures(raw) if ok else []
            stats["bundles"] += 1
            stats["resources"] += entries
            stats["status_counts"][str(status)] = stats["status_counts"].get(str(status), 0) + 1
            stats["per_bundle"].append({"kind": kind, "file": path.rsplit("/", 1)[-1], "entries": entries,
                                        "status": status, "seconds": round(dt, 3)})
            stats["failed_entries"] += len(bad_entries)
            if kind == "patient":
                stats["patient_bundles"] += 1
                stats["patient_seconds"] += dt
                if ok:
                    stats["patient_resources_ok"] += entries - len(bad_entries)
            for status_text, outcome in bad_entries:
                if saved < MAX_FAILURES_SAVED:
                    saved += 1
                    fail_out.write(f"\n## {kind} {path.rsplit('/', 1)[-1]}: HTTP {status}, entry {status_text}\n")
                    fail_out.write(outcome + "\n")
            if not ok:
                stats["failed_bundles"] += 1
                stats["failed_resources"] += entries
                if saved < MAX_FAILURES_SAVED:
                    saved += 1
                    fail_out.write(f"\n## {kind} {path.rsplit('/', 1)[-1]} ({entries} entries): HTTP {status}\n")
                    fail_out.write(outcome_text(raw) + "\n")
            print(f"{a.label}: {kind:12s} {entries:6d} entries HTTP {status} {len(bad_entries)} failed entries {dt:8.2f}s", file=sys.stderr, flush=True)
    ps = stats["patient_seconds"]
    stats["resources_per_second"] = round(stats["patient_resources_ok"] / ps, 1) if ps > 0 else 0.0
    with open(a.result, "w") as out:
        json.dump(stats, out, indent=1)
    print(json.dumps({k: v for k, v in stats.items() if k != "per_bundle"}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
