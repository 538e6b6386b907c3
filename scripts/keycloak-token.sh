#!/usr/bin/env bash
# Prints an access token for a demo caller of the development realm 'vault'.
#
#   scripts/keycloak-token.sh alice            # user: password grant through the public client vault-cli
#   scripts/keycloak-token.sh hosp-beijing     # client: client-credentials grant with its secret
#   scripts/keycloak-token.sh --claims alice   # the decoded payload instead of the token
#   scripts/keycloak-token.sh --json alice     # the whole token response
#
# Callers and their demo credentials are read from deploy/keycloak/vault-realm.json, the one list.
# DEMO ONLY: the password grant and the checked-in secrets exist for demos and tests.
#
# Settings: VAULT_KEYCLOAK_URL (default http://127.0.0.1:${VAULT_KEYCLOAK_PORT:-18080}),
#           VAULT_KEYCLOAK_REALM_FILE (default deploy/keycloak/vault-realm.json).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly REPO_ROOT
readonly REALM_FILE="${VAULT_KEYCLOAK_REALM_FILE:-$REPO_ROOT/deploy/keycloak/vault-realm.json}"
readonly BASE_URL="${VAULT_KEYCLOAK_URL:-http://127.0.0.1:${VAULT_KEYCLOAK_PORT:-18080}}"
readonly TOKEN_URL="$BASE_URL/realms/vault/protocol/openid-connect/token"
readonly USER_CLIENT=vault-cli

die() { printf 'keycloak-token.sh: error: %s\n' "$*" >&2; exit 1; }

usage() {
  printf 'usage: scripts/keycloak-token.sh [--claims|--json] <caller>\ncallers:\n' >&2
  jq -r '(.users[] | select(.credentials != null) | "  \(.username)  (user: \(.realmRoles - ["default-roles-vault"] | join(",")))"),
         (.clients[] | select(.serviceAccountsEnabled == true) | "  \(.clientId)  (client credentials)")' "$REALM_FILE" >&2
  exit 2
}

# JWT payload, base64url without padding, to JSON.
jwt_payload() {
  local p
  p="$(cut -d. -f2 <<<"$1" | tr '_-' '/+')"
  while ((${#p} % 4)); do p="$p="; done
  base64 -d <<<"$p"
}

command -v jq >/dev/null || die "jq is needed"
command -v curl >/dev/null || die "curl is needed"
[[ -f "$REALM_FILE" ]] || die "realm file not found: $REALM_FILE"

output=token
case "${1:-}" in
  --claims) output=claims; shift ;;
  --json) output=json; shift ;;
esac
[[ $# -eq 1 && -n "$1" && "$1" != -* ]] || usage
caller="$1"

password="$(jq -r --arg u "$caller" \
  'first(.users[] | select(.username == $u) | .credentials[]? | select(.type == "password") | .value) // empty' "$REALM_FILE")"
secret="$(jq -r --arg c "$caller" \
  'first(.clients[] | select(.clientId == $c and .serviceAccountsEnabled == true) | .secret) // empty' "$REALM_FILE")"

if [[ -n "$password" ]]; then
  form=(-d grant_type=password -d "client_id=$USER_CLIENT" --data-urlencode "username=$caller"
        --data-urlencode "password=$password" -d scope=openid)
elif [[ -n "$secret" ]]; then
  form=(-d grant_type=client_credentials --data-urlencode "client_id=$caller" --data-urlencode "client_secret=$secret")
else
  printf 'keycloak-token.sh: unknown caller %s\n' "$caller" >&2
  usage
fi

response="$(curl -sS --max-time 20 "${form[@]}" "$TOKEN_URL")" \
  || die "no answer from $TOKEN_URL (is Keycloak running? scripts/keycloak.sh start)"
token="$(jq -r '.access_token // empty' <<<"$response" 2>/dev/null || true)"
if [[ -z "$token" ]]; then
  die "$TOKEN_URL refused $caller: $(jq -r '"\(.error // "?"): \(.error_description // "")"' <<<"$response" 2>/dev/null || echo "$response")"
fi

case "$output" in
  token) printf '%s\n' "$token" ;;
  claims) jwt_payload "$token" | jq . ;;
  json) jq . <<<"$response" ;;
esac
