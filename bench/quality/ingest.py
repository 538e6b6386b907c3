#!/usr/bin/env python3
"""Quality-overhead benchmark driver: generates checkup transaction bundles and posts them, sequentially, to two vault
instances (scoring on / off) in alternating rounds. Standard library only. Called by run.sh; prints one JSON line."""
import base64
import http.client
import json
import random
import sys
import time
import urllib.parse
import urllib.request
import uuid

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECK = "10X98765432"
LOINC = [  # code, display, value, unit, low, high
    ("14749-6", "Glucose", 5.2, "mmol/L", 3.9, 6.1), ("4548-4", "Hemoglobin A1c", 5.5, "%", 4.0, 6.0),
    ("1742-6", "ALT", 24, "U/L", 9, 50), ("1920-8", "AST", 22, "U/L", 15, 40),
    ("14682-9", "Creatinine", 78, "umol/L", 57, 111), ("14647-2", "Cholesterol", 4.6, "mmol/L", 0, 5.2),
    ("14927-8", "Triglyceride", 1.3, "mmol/L", 0, 1.7), ("14646-4", "HDL cholesterol", 1.3, "mmol/L", 1.0, 3.0),
    ("22748-8", "LDL cholesterol", 2.8, "mmol/L", 0, 3.4), ("6690-2", "Leukocytes", 6.2, "10*9/L", 3.5, 9.5),
    ("789-8", "Erythrocytes", 4.9, "10*12/L", 4.3, 5.8), ("718-7", "Hemoglobin", 148, "g/L", 130, 175),
    ("777-3", "Platelets", 230, "10*9/L", 125, 350)]


def resident_id(i):
    birth = time.strftime("%Y%m%d", time.gmtime(-631152000 + (i % 15000) * 86400))  # from 1950-01-01
    first17 = "110105" + birth + "%03d" % (i // 15000 % 1000)  # unique for i < 15 million
    return first17 + CHECK[sum(int(c) * w for c, w in zip(first17, WEIGHTS)) % 11], birth


def ucum(v, unit):
    return {"value": v, "unit": unit, "system": "http://unitsofmeasure.org", "code": unit}


def bundle(i, run_tag):
    """One checkup: Patient + 13 lab Observations + DiagnosticReport = 15 resources. Every 5th carries defects."""
    rnd = random.Random(i)
    rid, birth = resident_id(i)
    pat = "urn:uuid:" + str(uuid.UUID(int=rnd.getrandbits(128)))
    entries = [{"fullUrl": pat, "resource": {
        "resourceType": "Patient",
        "identifier": [{"system": "https://patientvault.org/fhir/sid/cn-resident-id", "value": rid}],
        "name": [{"family": "Bench", "given": ["P%d" % i]}], "gender": "female" if i % 2 else "male",
        "birthDate": "%s-%s-%s" % (birth[:4], birth[4:6], birth[6:])},
        "request": {"method": "POST", "url": "Patient"}}]
    results = []
    for k, (code, display, v, unit, low, high) in enumerate(LOINC):
        url = "urn:uuid:" + str(uuid.UUID(int=rnd.getrandbits(128)))
        value = round(v * (0.9 + 0.2 * rnd.random()), 2)
        obs = {"resourceType": "Observation", "status": "final",
               "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category",
                                         "code": "laboratory"}]}],
               "code": {"coding": [{"system": "http://loinc.org", "code": code, "display": display}], "text": display},
               "subject": {"reference": pat}, "effectiveDateTime": "2026-11-%02dT08:30:00+08:00" % (1 + i % 25),
               "valueQuantity": ucum(value, unit),
               "referenceRange": [{"low": ucum(low, unit), "high": ucum(high, unit)}]}
        if i % 5 == 0 and k == 0:
            obs["valueQuantity"] = {"value": value}
        if i % 5 == 0 and k == 1:
            obs["code"] = {"coding": [{"system": "https://hosp-beijing.example.org/lab", "code": "L%d" % k}]}
        entries.append({"fullUrl": url, "resource": obs, "request": {"method": "POST", "url": "Observation"}})
        results.append({"reference": url})
    entries.append({"fullUrl": "urn:uuid:" + str(uuid.UUID(int=rnd.getrandbits(128))), "resource": {
        "resourceType": "DiagnosticReport", "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "11502-2", "display": "Laboratory report"}]},
        "subject": {"reference": pat}, "effectiveDateTime": "2026-11-%02dT08:30:00+08:00" % (1 + i % 25),
        "issued": "2026-11-%02dT15:00:00+08:00" % (1 + i % 25),
        "performer": [{"reference": "Organization?identifier=https://patientvault.org/fhir/sid/org|hosp-beijing"}],
        "result": results}, "request": {"method": "POST", "url": "DiagnosticReport"}})
    return {"resourceType": "Bundle", "type": "transaction",
            "identifier": {"system": "urn:patientvault:bench", "value": "%s-%d" % (run_tag, i)}, "entry": entries}


def token(base):
    with urllib.request.urlopen(base + "/.well-known/openid-configuration", timeout=60) as r:
        endpoint = json.load(r)["token_endpoint"]
    req = urllib.request.Request(endpoint, data=b"grant_type=client_credentials", headers={
        "Authorization": "Basic " + base64.b64encode(b"hosp-beijing:hosp-beijing-secret").decode(),
        "Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.load(r)["access_token"]


class Vault:
    def __init__(self, name, base):
        self.name, self.base = name, base
        u = urllib.parse.urlparse(base)
        self.conn = http.client.HTTPConnection(u.hostname, u.port, timeout=300)
        self.auth = "Bearer " + token(base)
        self.seconds, self.resources, self.scores = 0.0, 0, []

    def post(self, body, count):
        data = json.dumps(body).encode()
        t0 = time.perf_counter()
        self.conn.request("POST", "/fhir", body=data, headers={
            "Authorization": self.auth, "Content-Type": "application/fhir+json", "Accept": "application/fhir+json"})
        resp = self.conn.getresponse()
        payload = resp.read()
        elapsed = time.perf_counter() - t0
        if resp.status != 200:
            raise SystemExit("%s: HTTP %d: %s" % (self.name, resp.status, payload[:500].decode(errors="replace")))
        out = json.loads(payload)
        score = [e.get("valueDecimal") for e in out.get("meta", {}).get("extension", [])
                 if e["url"].endswith("/quality-score")]
        if count:
            self.seconds += elapsed
            self.resources += len(body["entry"])
            self.scores += score
        return score


def main():
    on_url, off_url, n, rounds, warmup = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    run_tag = uuid.uuid4().hex[:8]
    on, off = Vault("on", on_url), Vault("off", off_url)
    for i in range(warmup):  # same warm-up for both, not counted
        b = bundle(1_000_000 + i, run_tag)
        on.post(b, False)
        off.post(b, False)
    per_round = []
    chunk = max(1, n // rounds)
    for r in range(rounds):
        ids = range(r * chunk, n if r == rounds - 1 else (r + 1) * chunk)
        bundles = [bundle(i, run_tag) for i in ids]
        order = (on, off) if r % 2 == 0 else (off, on)  # alternate who goes first
        row = {}
        for v in order:
            s0, n0 = v.seconds, v.resources
            for b in bundles:
                v.post(b, True)
            row[v.name] = (v.resources - n0) / (v.seconds - s0)
        per_round.append(row)
    if off.scores:
        raise SystemExit("the instance with scoring off returned quality scores")
    if len(on.scores) != n:
        raise SystemExit("the instance with scoring on returned %d scores for %d bundles" % (len(on.scores), n))
    rate_on, rate_off = on.resources / on.seconds, off.resources / off.seconds
    print(json.dumps({"bundles": n, "resources_per_bundle": len(bundle(0, run_tag)["entry"]), "rounds": rounds,
                      "warmup": warmup, "on_rps": round(rate_on, 1), "off_rps": round(rate_off, 1),
                      "overhead_pct": round((rate_off / rate_on - 1) * 100, 1),
                      "mean_score": round(sum(on.scores) / len(on.scores), 3),
                      "per_round": [{k: round(v, 1) for k, v in row.items()} for row in per_round]}))


if __name__ == "__main__":
    main()
