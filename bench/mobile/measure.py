#!/usr/bin/env python3
"""Measures the patient app's reads against plain HAPI on the same data (bench/mobile/run.sh runs it).

For each --patients NAME=RESIDENT_ID=BUNDLE_FILE (a demo login of the vault's development issuer, whose resident ID
the bundle's Patient carries):
  - logs in as NAME through the dev issuer's browser flow (authorization code + PKCE, like the app), finds the
    patient's id in the vault (GET /fhir/Patient with the token) and in plain HAPI (identifier search);
  - warms up, then interleaves (alternating which server goes first) SAMPLES requests each of:
      vault  GET /mobile/v1/timeline                  (first page, defaults: 20 items)
      HAPI   GET /fhir/Patient/<id>/$everything       (first page, server defaults)
      vault  GET /fhir/Patient/<id>/$everything       (the patient's own token: authorization + consent on)
      vault  GET /mobile/v1/timeline?cursor=<page 5>  (a later page)
    on one keep-alive connection per server, timing each request to its last byte;
  - for the first patient only, EXPORTS times: POST /mobile/v1/exports -> poll status -> GET the download (content
    MiB/s, i.e. the zip's uncompressed entries, from the POST to the last byte), each followed by RawReads: MinIO-SDK
    GETs, from the same S3 server, of the same original DICOM bytes the export carries.
Writes every figure to --result (JSON). Python 3 standard library only.
"""
import argparse
import base64
import hashlib
import http.client
import http.cookiejar
import json
import os
import re
import secrets
import statistics
import subprocess
import sys
import time
import urllib.error
import zipfile
import urllib.parse
import urllib.request

RID_SYSTEM = "https://patientvault.org/fhir/sid/cn-resident-id"
WEB_CLIENT = "vault-web"
REDIRECT = "http://127.0.0.1:65000/callback"
DEMO_PASSWORDS = {"alice": "alice-demo", "bob": "bob-demo"}


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def user_token(base, user, password):
    """The dev issuer's browser flow, as DevIssuerLogin (vault-api tests) drives it."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect())

    def go(url, data=None):
        if url is None:
            raise SystemExit(f"login as {user}: a step answered without a redirect")
        req = urllib.request.Request(url if url.startswith("http") else base + url, data=data)
        # a browser's Accept: without it Spring Security answers 401 instead of redirecting to the login page
        req.add_header("Accept", "application/json" if url.endswith("/oauth2/token")
                       else "text/html,application/xhtml+xml")
        if data is not None:
            req.add_header("Content-Type", "application/x-www-form-urlencoded")
        try:
            r = opener.open(req, timeout=60)
            return r.status, r.headers, r.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read().decode("utf-8", "replace")

    verifier = secrets.token_urlsafe(32)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    state = secrets.token_urlsafe(12)
    q = urllib.parse.urlencode({"response_type": "code", "client_id": WEB_CLIENT, "redirect_uri": REDIRECT,
                                "scope": "openid", "state": state, "code_challenge": challenge,
                                "code_challenge_method": "S256"})
    st, h, _ = go("/oauth2/authorize?" + q)
    st, h, page = go(h.get("Location"))
    m = re.search(r'name="_csrf"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="_csrf"', page)
    csrf = m.group(1) or m.group(2)
    st, h, _ = go("/login", urllib.parse.urlencode({"username": user, "password": password, "_csrf": csrf}).encode())
    loc = h.get("Location")
    for _ in range(5):
        if loc is None or loc.startswith(REDIRECT):
            break
        st, h, _ = go(loc)
        loc = h.get("Location")
    if loc is None or "code=" not in loc:
        raise SystemExit(f"login as {user}: no authorization code (HTTP {st})")
    code = urllib.parse.parse_qs(urllib.parse.urlparse(loc).query)["code"][0]
    st, h, body = go("/oauth2/token", urllib.parse.urlencode({
        "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "client_id": WEB_CLIENT,
        "code_verifier": verifier}).encode())
    if st != 200:
        raise SystemExit(f"token exchange for {user}: HTTP {st} {body[:200]}")
    return json.loads(body)["access_token"]


class Conn:
    """One keep-alive HTTP/1.1 connection; each request is timed to its last byte."""

    def __init__(self, base):
        u = urllib.parse.urlparse(base)
        self.host, self.port = u.hostname, u.port
        self.c = http.client.HTTPConnection(self.host, self.port, timeout=600)

    def request(self, method, path, headers=None, body=None):
        for attempt in (1, 2):
            try:
                t0 = time.perf_counter()
                self.c.request(method, path, body=body, headers=headers or {})
                r = self.c.getresponse()
                data = r.read()
                return r.status, dict(r.getheaders()), data, time.perf_counter() - t0
            except (http.client.HTTPException, ConnectionError):
                self.c.close()
                self.c = http.client.HTTPConnection(self.host, self.port, timeout=600)
                if attempt == 2:
                    raise


def pct(xs, p):
    xs = sorted(xs)
    k = (len(xs) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def summary(xs):
    ms = [x * 1000 for x in xs]
    return {"n": len(ms), "p50_ms": round(pct(ms, 50), 1), "p95_ms": round(pct(ms, 95), 1),
            "mean_ms": round(statistics.mean(ms), 1), "max_ms": round(max(ms), 1)}


def ok(status, data, what):
    if status != 200:
        raise SystemExit(f"{what}: HTTP {status} {data[:300]!r}")
    return data


def reads(a, name, rid, bundle_file):
    token = user_token(a.vault, name, DEMO_PASSWORDS[name])
    vault, hapi = Conn(a.vault), Conn(a.hapi)
    auth = {"Authorization": "Bearer " + token, "Accept": "application/fhir+json"}
    b = json.loads(ok(*vault.request("GET", "/fhir/Patient", auth)[0::2], f"{name}: vault /fhir/Patient"))
    vault_id = b["entry"][0]["resource"]["id"]
    q = urllib.parse.quote(f"{RID_SYSTEM}|{rid}", safe="")
    b = json.loads(ok(*hapi.request("GET", f"/fhir/Patient?identifier={q}",
                                    {"Accept": "application/fhir+json"})[0::2], f"{name}: HAPI Patient search"))
    hapi_id = b["entry"][0]["resource"]["id"]
    app = {"Authorization": "Bearer " + token, "Accept": "application/json", "Accept-Language": "en"}
    first = json.loads(ok(*vault.request("GET", "/mobile/v1/timeline", app)[0::2], "timeline"))
    cursor = None
    for _ in range(4):  # the cursor of page 5
        p = json.loads(ok(*vault.request("GET", "/mobile/v1/timeline" + (f"?cursor={cursor}" if cursor else ""),
                                         app)[0::2], "timeline page"))
        cursor = p.get("nextCursor")
    hapi_first = json.loads(ok(*hapi.request("GET", f"/fhir/Patient/{hapi_id}/$everything",
                                             {"Accept": "application/fhir+json"})[0::2], "HAPI $everything"))
    vault_first = json.loads(ok(*vault.request("GET", f"/fhir/Patient/{vault_id}/$everything", auth)[0::2],
                                "vault $everything"))
    ops = {
        "timeline_first_page": lambda: vault.request("GET", "/mobile/v1/timeline", app),
        "hapi_everything": lambda: hapi.request("GET", f"/fhir/Patient/{hapi_id}/$everything",
                                                {"Accept": "application/fhir+json"}),
        "vault_everything": lambda: vault.request("GET", f"/fhir/Patient/{vault_id}/$everything", auth),
    }
    if cursor:
        ops["timeline_page_6"] = lambda: vault.request("GET", f"/mobile/v1/timeline?cursor={cursor}", app)
    names = list(ops)
    for _ in range(a.warmup):
        for n in names:
            ok(*ops[n]()[0::2], n)
    times = {n: [] for n in names}
    for i in range(a.samples):
        order = names if i % 2 == 0 else list(reversed(names))
        for n in order:
            st, _, data, dt = ops[n]()
            ok(st, data, n)
            times[n].append(dt)
    out = {n: summary(t) for n, t in times.items()}
    out.update(patient=name, bundle=bundle_file, vault_patient=vault_id, hapi_patient=hapi_id,
               timeline_total=first.get("total"), timeline_items=sum(len(d["items"]) for d in first["days"]),
               hapi_everything_entries=len(hapi_first.get("entry", [])),
               vault_everything_entries=len(vault_first.get("entry", [])))
    return out, token


def exports(a, token):
    vault = Conn(a.vault)
    app = {"Authorization": "Bearer " + token, "Accept": "application/json"}
    rows = []
    for i in range(a.exports):
        t0 = time.perf_counter()
        st, h, data, _ = vault.request("POST", "/mobile/v1/exports", app, b"")
        if st != 202:
            raise SystemExit(f"export: HTTP {st} {data[:300]!r}")
        loc = h.get("Location") or h.get("location")
        while True:
            s = json.loads(ok(*vault.request("GET", loc, app)[0::2], "export status"))
            if s["status"] in ("done", "failed", "expired"):
                break
            time.sleep(0.05)
        if s["status"] != "done":
            raise SystemExit(f"export {s['status']}: {s.get('error')}")
        st, _, zipped, dl = vault.request("GET", s["download"]["url"], app)
        total = time.perf_counter() - t0
        ok(st, zipped[:200], "export download")
        path = os.path.join(a.work, "export.zip")
        with open(path, "wb") as f:
            f.write(zipped)
        # The export's work is its content (DICOM is deflated in the zip, and test images compress ~150:1), so the
        # baseline reads the same content: the original DICOM bytes from the zip, as one object, by raw GETs.
        content = os.path.join(a.work, "export-content.bin")
        with zipfile.ZipFile(path) as z, open(content, "wb") as out:
            size = sum(entry.file_size for entry in z.infolist())
            for entry in z.infolist():
                if entry.filename.lower().endswith(".dcm"):
                    out.write(z.read(entry))
        raw = subprocess.run(["java", "-Xmx512m", "-cp", a.raw_cp, "RawReads", a.s3, content, str(a.raw_gets)],
                             check=True, capture_output=True, text=True).stdout.split("\n")
        os.remove(content)
        raw = [x.split() for x in raw if x.strip()]
        raw_s = [float(x[1]) for x in raw]
        rows.append({"bytes": len(zipped), "content_bytes": size, "raw_bytes": int(raw[0][0]),
                     "export_seconds": round(total, 3), "download_seconds": round(dl, 3), "raw_get_seconds": raw_s})
        print(f"[measure] export {i + 1}: {len(zipped)} bytes in {total:.2f}s (download {dl:.2f}s); "
              f"raw GETs {', '.join(f'{x:.3f}' for x in raw_s)}s", file=sys.stderr, flush=True)
    export_s = [r["export_seconds"] for r in rows]
    dl_s = [r["download_seconds"] for r in rows]
    raw_s = [x for r in rows for x in r["raw_get_seconds"]]
    return {"bytes": rows[0]["bytes"], "content_bytes": rows[0]["content_bytes"], "raw_bytes": rows[0]["raw_bytes"],
            "runs": rows,
            "export_mib_s": round(rows[0]["content_bytes"] / 1048576 / statistics.median(export_s), 2),
            "download_mib_s": round(rows[0]["bytes"] / 1048576 / statistics.median(dl_s), 2),
            "raw_get_mib_s": round(rows[0]["raw_bytes"] / 1048576 / statistics.median(raw_s), 2)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vault", required=True)
    ap.add_argument("--hapi", required=True)
    ap.add_argument("--s3", required=True)
    ap.add_argument("--raw-cp", required=True)
    ap.add_argument("--patients", action="append", required=True)
    ap.add_argument("--samples", type=int, default=200)
    ap.add_argument("--warmup", type=int, default=20)
    ap.add_argument("--exports", type=int, default=5)
    ap.add_argument("--raw-gets", type=int, default=3)
    ap.add_argument("--work", required=True)
    ap.add_argument("--result", required=True)
    a = ap.parse_args()
    result = {"samples": a.samples, "warmup": a.warmup, "patients": []}
    first_token = None
    for spec in a.patients if a.samples > 0 else []:
        name, rid, bundle = spec.split("=", 2)
        r, token = reads(a, name, rid, bundle)
        first_token = first_token or token
        print(f"[measure] {name}: " + json.dumps(r), file=sys.stderr, flush=True)
        result["patients"].append(r)
    with open(a.result, "w") as f:
        json.dump(result, f, indent=1)
    if a.exports > 0:
        # a fresh login: the dev issuer's access tokens live five minutes, less than the reads take
        name = a.patients[0].split("=", 1)[0]
        result["export"] = exports(a, user_token(a.vault, name, DEMO_PASSWORDS[name]))
        print("[measure] export: " + json.dumps({k: v for k, v in result["export"].items() if k != "runs"}),
              file=sys.stderr)
    with open(a.result, "w") as f:
        json.dump(result, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
