#!/usr/bin/env bash
# The README's test command: every tier of the build.
#   unit tests (every module), *IT integration tests (the app on a random port, the machine's PostgreSQL,
#   S3Proxy as a separate process), and the end-to-end tier against a real Keycloak.
# Needs: Java 17, Maven, PostgreSQL on 127.0.0.1:5432 (trust auth), dcmtk, curl, jq, poppler-utils, zbar-tools,
# fonts-wqy-microhei, chromium and chromium-driver (.ci/run installs what is missing).
# Starts Keycloak itself (scripts/keycloak.sh) when it is not already running, and stops it again.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "test.sh: $*" >&2; exit 1; }

command -v mvn >/dev/null || fail "Maven is missing"
command -v dcmdump >/dev/null || fail "dcmtk is missing (the DICOM tests use it as their oracle): apt-get install -y dcmtk"
command -v jq >/dev/null || fail "jq is missing: apt-get install -y jq"
command -v pdftotext >/dev/null || fail "pdftotext is missing (the export tests read the PDF summary): apt-get install -y poppler-utils"
command -v zbarimg >/dev/null || fail "zbarimg is missing (the share-link tests decode the QR code): apt-get install -y zbar-tools"
[ -r /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || fail "the CJK font for the export PDF is missing: apt-get install -y fonts-wqy-microhei"
command -v chromium >/dev/null || fail "chromium is missing (the web tests drive it): apt-get install -y chromium chromium-driver"
command -v chromedriver >/dev/null || fail "chromedriver is missing (the web tests drive chromium through it): apt-get install -y chromium-driver"
pg_isready -q -h 127.0.0.1 -p 5432 || fail "PostgreSQL is not answering on 127.0.0.1:5432 (start it: pg_ctlcluster --skip-systemctl-redirect \$(ls /etc/postgresql) main start)"

started_keycloak=0
cleanup() {
  if [ "$started_keycloak" = 1 ]; then scripts/keycloak.sh stop || true; fi
}
trap cleanup EXIT
if ! scripts/keycloak.sh status >/dev/null 2>&1; then
  scripts/keycloak.sh start
  started_keycloak=1
fi
deploy/keycloak/verify.sh

mvn -B -ntp verify "$@"
