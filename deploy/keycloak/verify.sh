#!/usr/bin/env bash
# Checks a running development Keycloak (scripts/keycloak.sh start) against the contract the vault
# relies on (docs/keycloak.md): issuer, audience, roles, azp, national_id, org_id, the admin-only
# national_id, PKCE on the browser clients. Prints one line per check; exits 1 on any mismatch,
# 2 when Keycloak does not answer.
#
# Expected values are written out here on purpose: this is the test of vault-realm.json, not a copy of it.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
readonly REPO_ROOT
readonly BASE_URL="${VAULT_KEYCLOAK_URL:-http://127.0.0.1:${VAULT_KEYCLOAK_PORT:-18080}}"
readonly REALM_URL="$BASE_URL/realms/vault"
readonly TOKEN_URL="$REALM_URL/protocol/openid-connect/token"
readonly AUTH_URL="$REALM_URL/protocol/openid-connect/auth"
readonly TOKEN_SCRIPT="$REPO_ROOT/scripts/keycloak-token.sh"
export VAULT_KEYCLOAK_URL="$BASE_URL"

passed=0
failed=0
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

ok() { passed=$((passed + 1)); printf 'ok    %s\n' "$*"; }
fail() { failed=$((failed + 1)); printf 'FAIL  %s\n' "$*"; }
# check <description> <expected> <actual>
check() { if [[ "$2" == "$3" ]]; then ok "$1"; else fail "$1: expected [$2], got [$3]"; fi; }

jwt_payload() {
  local p
  p="$(cut -d. -f2 <<<"$1" | tr '_-' '/+')"
  while ((${#p} % 4)); do p="$p="; done
  base64 -d <<<"$p"
}

b64url() { base64 | tr '+/' '-_' | tr -d '=\n'; }

for tool in curl jq openssl; do
  command -v "$tool" >/dev/null || { echo "verify.sh: $tool is needed" >&2; exit 2; }
done

discovery="$(curl -s --max-time 5 "$REALM_URL/.well-known/openid-configuration" || true)"
if [[ -z "$discovery" ]] || ! jq -e .issuer >/dev/null 2>&1 <<<"$discovery"; then
  echo "verify.sh: no discovery document at $REALM_URL (start it: scripts/keycloak.sh start)" >&2
  exit 2
fi
check "discovery issuer" "$REALM_URL" "$(jq -r .issuer <<<"$discovery")"

# --- claims per demo caller: caller azp role national_id org_id sub
# sub is fixed in the realm file, so it survives the re-import on every dev-mem start.
while read -r caller azp role national_id org_id sub; do
  if ! token="$("$TOKEN_SCRIPT" "$caller" 2>"$WORK/err")"; then
    fail "$caller: no token ($(cat "$WORK/err"))"
    continue
  fi
  claims="$(jwt_payload "$token")"
  check "$caller: iss" "$REALM_URL" "$(jq -r .iss <<<"$claims")"
  check "$caller: aud contains vault-api" true "$(jq '[.aud] | flatten | index("vault-api") != null' <<<"$claims")"
  check "$caller: azp" "$azp" "$(jq -r .azp <<<"$claims")"
  check "$caller: realm_access.roles contains $role" true "$(jq --arg r "$role" '.realm_access.roles | index($r) != null' <<<"$claims")"
  check "$caller: no other vault role" "$role" \
    "$(jq -r '[.realm_access.roles[] | select(. == "patient" or . == "hospital" or . == "ai-firm" or . == "admin")] | join(",")' <<<"$claims")"
  check "$caller: national_id" "$national_id" "$(jq -r '.national_id // "-"' <<<"$claims")"
  check "$caller: org_id" "$org_id" "$(jq -r '.org_id // "-"' <<<"$claims")"
  check "$caller: lifetime 300 s" 300 "$(jq '.exp - .iat' <<<"$claims")"
  check "$caller: sub (stable)" "$sub" "$(jq -r .sub <<<"$claims")"
done <<'EOF'
alice         vault-cli     patient  110101198503120025 -             a11ce000-0000-4000-8000-000000000001
bob           vault-cli     patient  310104197809210017 -             b0b00000-0000-4000-8000-000000000002
vault-admin   vault-cli     admin    -                  -             ad000000-0000-4000-8000-000000000003
hosp-beijing  hosp-beijing  hospital -                  hosp-beijing  5a000000-0000-4000-8000-000000000004
hosp-shanghai hosp-shanghai hospital -                  hosp-shanghai 5a000000-0000-4000-8000-000000000005
clinic-rural  clinic-rural  hospital -                  clinic-rural  5a000000-0000-4000-8000-000000000006
ai-lab        ai-lab        ai-firm  -                  ai-lab        5a000000-0000-4000-8000-000000000007
ai-beta       ai-beta       ai-firm  -                  ai-beta       5a000000-0000-4000-8000-000000000008
bj-staff      vault-cli     hospital -                  hosp-beijing  b1000000-0000-4000-8000-000000000011
sh-staff      vault-cli     hospital -                  hosp-shanghai b1000000-0000-4000-8000-000000000012
rural-staff   vault-cli     hospital -                  clinic-rural  b1000000-0000-4000-8000-000000000013
ai-lab-staff  vault-cli     ai-firm  -                  ai-lab        b1000000-0000-4000-8000-000000000014
EOF

# --- wrong secret and wrong password are refused
check "hosp-beijing with a wrong secret is refused" "401 unauthorized_client" \
  "$(curl -s -o "$WORK/r" -w '%{http_code}' -d grant_type=client_credentials -d client_id=hosp-beijing -d client_secret=wrong "$TOKEN_URL") $(jq -r .error "$WORK/r")"
check "alice with a wrong password is refused" "400 invalid_grant" \
  "$(curl -s -o "$WORK/r" -w '%{http_code}' -d grant_type=password -d client_id=vault-cli -d username=alice -d password=wrong "$TOKEN_URL") $(jq -r .error "$WORK/r")"

# --- the realm's built-in admin-cli must not yield tokens for vault-api
admin_cli="$(curl -s -d grant_type=password -d client_id=admin-cli -d username=alice -d password=alice-demo "$TOKEN_URL" | jq -r '.access_token // empty')"
if [[ -n "$admin_cli" ]]; then
  check "admin-cli token (alice) lacks aud vault-api" false \
    "$(jwt_payload "$admin_cli" | jq '[.aud // empty] | flatten | index("vault-api") != null')"
else
  ok "admin-cli refuses alice altogether"
fi

# --- national_id is admin-managed: hidden from and read-only for the patient
alice_token="$("$TOKEN_SCRIPT" alice)"
account="$(curl -s -H "Authorization: Bearer $alice_token" -H 'Accept: application/json' "$REALM_URL/account/")"
check "account API: alice reads her account" alice "$(jq -r .username <<<"$account")"
check "account API: national_id not shown to alice" null "$(jq -c '.attributes.national_id' <<<"$account")"
forged="$(jq -c 'del(.userProfileMetadata) | .attributes = {"national_id": ["310104197809210017"]}' <<<"$account")"
status="$(curl -s -o "$WORK/put" -w '%{http_code}' -X POST -H "Authorization: Bearer $alice_token" \
  -H 'Content-Type: application/json' -H 'Accept: application/json' -d "$forged" "$REALM_URL/account/")"
check "account API: alice setting national_id is refused (400)" 400 "$status"
check "account API: refusal names the read-only attribute" error-user-attribute-read-only \
  "$(jq -r '.errorMessage // empty' "$WORK/put" 2>/dev/null || true)"
unchanged="$(jq -c 'del(.userProfileMetadata)' <<<"$account")"
check "account API: the same update without national_id is accepted (204)" 204 \
  "$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $alice_token" \
     -H 'Content-Type: application/json' -H 'Accept: application/json' -d "$unchanged" "$REALM_URL/account/")"
check "alice's national_id after the attempt" 110101198503120025 \
  "$(jwt_payload "$("$TOKEN_SCRIPT" alice)" | jq -r .national_id)"

# --- browser clients: authorization code with PKCE S256 only, loopback and app-scheme redirects only
verifier="$(head -c 48 /dev/urandom | b64url)"
challenge="$(printf '%s' "$verifier" | openssl dgst -sha256 -binary | b64url)"
redirect=http://127.0.0.1:5173/callback
auth_query="response_type=code&scope=openid&state=xyz"
for client in vault-web vault-mobile; do
  location="$(curl -s -o /dev/null -w '%{redirect_url}' "$AUTH_URL?client_id=$client&$auth_query&redirect_uri=$redirect")"
  check "$client: request without code_challenge is rejected" true \
    "$([[ "$location" == *"error=invalid_request"* ]] && echo true || echo false)"
  location="$(curl -s -o /dev/null -w '%{redirect_url}' \
    "$AUTH_URL?client_id=$client&$auth_query&redirect_uri=$redirect&code_challenge=$verifier&code_challenge_method=plain")"
  check "$client: plain PKCE is rejected" true "$([[ "$location" == *"error=invalid_request"* ]] && echo true || echo false)"
  for uri in http://127.0.0.1:5173/callback http://localhost:3000/cb org.patientvault.app:/callback; do
    check "$client: redirect $uri accepted" 200 "$(curl -s -o /dev/null -w '%{http_code}' -G "$AUTH_URL" \
      --data-urlencode "client_id=$client" -d response_type=code -d scope=openid --data-urlencode "redirect_uri=$uri" \
      -d "code_challenge=$challenge" -d code_challenge_method=S256)"
  done
  for uri in http://evil.example/cb http://localhost.evil.example/cb https://127.0.0.1.evil.example/cb; do
    check "$client: redirect $uri refused" 400 "$(curl -s -o /dev/null -w '%{http_code}' -G "$AUTH_URL" \
      --data-urlencode "client_id=$client" -d response_type=code -d scope=openid --data-urlencode "redirect_uri=$uri" \
      -d "code_challenge=$challenge" -d code_challenge_method=S256)"
  done
done

# A full login as bob through vault-web: form post, code, exchange with the verifier.
jar="$WORK/cookies"
login_page="$(curl -s -c "$jar" -b "$jar" "$AUTH_URL?client_id=vault-web&$auth_query&redirect_uri=$redirect&code_challenge=$challenge&code_challenge_method=S256")"
action="$(grep -o 'action="[^"]*"' <<<"$login_page" | head -n 1 | sed -e 's/^action="//' -e 's/"$//' -e 's/&amp;/\&/g')"
location="$(curl -s -c "$jar" -b "$jar" -o /dev/null -w '%{redirect_url}' \
  --data-urlencode username=bob --data-urlencode password=bob-demo "$action")"
code="$(sed -n 's/.*[?&]code=\([^&]*\).*/\1/p' <<<"$location")"
check "vault-web: login as bob returns a code to the redirect URI" true \
  "$([[ -n "$code" && "$location" == "$redirect?"* ]] && echo true || echo false)"
check "vault-web: exchange with a wrong verifier is refused" invalid_grant \
  "$(curl -s -d grant_type=authorization_code -d client_id=vault-web -d "code=$code" -d "redirect_uri=$redirect" \
     -d code_verifier=wrong-verifier-wrong-verifier-wrong-verifier-00 "$TOKEN_URL" | jq -r .error)"
# the refused exchange burns that code: sign in again (SSO cookie) for a fresh one
location="$(curl -s -c "$jar" -b "$jar" -o /dev/null -w '%{redirect_url}' \
  "$AUTH_URL?client_id=vault-web&$auth_query&redirect_uri=$redirect&code_challenge=$challenge&code_challenge_method=S256")"
code="$(sed -n 's/.*[?&]code=\([^&]*\).*/\1/p' <<<"$location")"
web_token="$(curl -s -d grant_type=authorization_code -d client_id=vault-web -d "code=$code" -d "redirect_uri=$redirect" \
  -d "code_verifier=$verifier" "$TOKEN_URL" | jq -r '.access_token // empty')"
if [[ -n "$web_token" ]]; then
  claims="$(jwt_payload "$web_token")"
  check "vault-web (bob): azp" vault-web "$(jq -r .azp <<<"$claims")"
  check "vault-web (bob): aud contains vault-api" true "$(jq '[.aud] | flatten | index("vault-api") != null' <<<"$claims")"
  check "vault-web (bob): national_id" 310104197809210017 "$(jq -r .national_id <<<"$claims")"
  check "vault-web (bob): role patient" true "$(jq '.realm_access.roles | index("patient") != null' <<<"$claims")"
else
  fail "vault-web: code exchange with the right verifier gave no token"
fi

printf '\n%d passed, %d failed\n' "$passed" "$failed"
((failed == 0))
