#!/usr/bin/env bash
# Development Keycloak for Patient Vault: start | stop | status.
#
# Brings org.keycloak:keycloak-quarkus-dist through Maven, unpacks it once into a cache folder,
# imports deploy/keycloak/vault-realm.json into an in-memory database and serves it on loopback.
# DEMO ONLY: in-memory database, demo admin password, demo users and client secrets.
#
# Settings (our own names are VAULT_KEYCLOAK_*; never KC_*, which Keycloak reads as its options):
#   VAULT_KEYCLOAK_HOME            unpacked distribution (default ~/.cache/patient-vault/keycloak-26.7.3)
#   VAULT_KEYCLOAK_PORT            HTTP port on 127.0.0.1 (default 18080)
#   VAULT_KEYCLOAK_TIMEOUT         seconds to wait for the realm to answer (default 180)
#   VAULT_KEYCLOAK_ADMIN_USER      bootstrap admin of the master realm (default admin)
#   VAULT_KEYCLOAK_ADMIN_PASSWORD  its password (default admin-demo)
#   VAULT_KEYCLOAK_REALM_FILE      realm to import (default deploy/keycloak/vault-realm.json)
set -euo pipefail

readonly KEYCLOAK_VERSION=26.7.3
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly REPO_ROOT
readonly KEYCLOAK_HOME="${VAULT_KEYCLOAK_HOME:-$HOME/.cache/patient-vault/keycloak-$KEYCLOAK_VERSION}"
readonly PORT="${VAULT_KEYCLOAK_PORT:-18080}"
readonly TIMEOUT="${VAULT_KEYCLOAK_TIMEOUT:-180}"
readonly REALM_FILE="${VAULT_KEYCLOAK_REALM_FILE:-$REPO_ROOT/deploy/keycloak/vault-realm.json}"
readonly RUN_DIR="$KEYCLOAK_HOME/run"
readonly PID_FILE="$RUN_DIR/keycloak-$PORT.pid"
readonly LOG_FILE="$RUN_DIR/keycloak-$PORT.log"
readonly BASE_URL="http://127.0.0.1:$PORT"
readonly DISCOVERY_URL="$BASE_URL/realms/vault/.well-known/openid-configuration"

log() { printf 'keycloak.sh: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

usage() {
  cat >&2 <<EOF
usage: scripts/keycloak.sh start|stop|status
  start   install (once) and start Keycloak $KEYCLOAK_VERSION on $BASE_URL with realm 'vault'
  stop    stop the instance started by this script
  status  report whether it runs and answers
EOF
  exit 2
}

# The pid of our running instance, or nothing.
running_pid() {
  [[ -f "$PID_FILE" ]] || return 0
  local pid
  pid="$(cat "$PID_FILE" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 0
  # A stale pid file may name a recycled pid: only kc.sh or Keycloak's Java entry point counts.
  case "$(ps -o args= -p "$pid" 2>/dev/null || true)" in
    *kc.sh*|*io.quarkus.bootstrap.runner.QuarkusEntryPoint*) echo "$pid" ;;
  esac
}

realm_answers() {
  [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "$DISCOVERY_URL" 2>/dev/null || true)" == "200" ]]
}

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null
}

install_dist() {
  [[ -x "$KEYCLOAK_HOME/bin/kc.sh" ]] && return 0
  command -v mvn >/dev/null || die "mvn is needed to fetch the Keycloak distribution"
  command -v unzip >/dev/null || die "unzip is needed to unpack the Keycloak distribution"
  local parent tmp
  parent="$(dirname "$KEYCLOAK_HOME")"
  mkdir -p "$parent"
  tmp="$(mktemp -d "$parent/.keycloak-install.XXXXXX")"
  log "fetching org.keycloak:keycloak-quarkus-dist:$KEYCLOAK_VERSION:zip through Maven"
  if ! mvn -B -q dependency:copy \
    -Dartifact="org.keycloak:keycloak-quarkus-dist:$KEYCLOAK_VERSION:zip" \
    -DoutputDirectory="$tmp" >"$tmp/mvn.log" 2>&1; then
    cat "$tmp/mvn.log" >&2
    rm -rf "$tmp"
    die "Maven could not fetch the Keycloak distribution"
  fi
  log "unpacking into $KEYCLOAK_HOME"
  unzip -q "$tmp/keycloak-quarkus-dist-$KEYCLOAK_VERSION.zip" -d "$tmp" \
    || { rm -rf "$tmp"; die "could not unpack the Keycloak distribution"; }
  # Unpack beside the target and rename, so an interrupted install never leaves a half folder behind.
  mv "$tmp/keycloak-$KEYCLOAK_VERSION" "$KEYCLOAK_HOME" || { rm -rf "$tmp"; die "could not move the distribution to $KEYCLOAK_HOME"; }
  rm -rf "$tmp"
}

wait_until_ready() {
  local pid="$1" deadline=$((SECONDS + TIMEOUT))
  while ((SECONDS < deadline)); do
    if realm_answers; then
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      log "Keycloak exited during start; last lines of $LOG_FILE:"
      tail -n 40 "$LOG_FILE" >&2 || true
      rm -f "$PID_FILE"
      exit 1
    fi
    sleep 1
  done
  log "Keycloak did not answer $DISCOVERY_URL within ${TIMEOUT}s; last lines of $LOG_FILE:"
  tail -n 40 "$LOG_FILE" >&2 || true
  # Do not leave a half-started server behind for the next run to trip over.
  stop_pid "$pid"
  exit 1
}

cmd_start() {
  local pid
  pid="$(running_pid)"
  if [[ -n "$pid" ]]; then
    if realm_answers; then
      log "already running and healthy (pid $pid) at $BASE_URL/realms/vault"
      echo "$pid"
      return 0
    fi
    log "pid $pid is starting; waiting up to ${TIMEOUT}s"
    wait_until_ready "$pid"
    log "ready (pid $pid) at $BASE_URL/realms/vault"
    echo "$pid"
    return 0
  fi
  rm -f "$PID_FILE"
  if port_in_use; then
    die "port $PORT on 127.0.0.1 is taken by a process this script did not start; stop it or set VAULT_KEYCLOAK_PORT"
  fi
  [[ -f "$REALM_FILE" ]] || die "realm file not found: $REALM_FILE"
  command -v curl >/dev/null || die "curl is needed to check readiness"

  local started=$SECONDS
  install_dist
  mkdir -p "$RUN_DIR"
  # dev-mem forgets everything on stop, so the realm is imported fresh on every start;
  # only our realm is in the import folder.
  rm -rf "$KEYCLOAK_HOME/data/import"
  mkdir -p "$KEYCLOAK_HOME/data/import"
  cp "$REALM_FILE" "$KEYCLOAK_HOME/data/import/vault-realm.json"

  log "starting Keycloak $KEYCLOAK_VERSION on $BASE_URL (log: $LOG_FILE)"
  # setsid: own session and process group, so the server outlives this script and stop can signal it alone.
  # The first start performs Keycloak's one-time build into $KEYCLOAK_HOME/lib; later starts reuse it.
  (
    cd "$KEYCLOAK_HOME"
    export KC_BOOTSTRAP_ADMIN_USERNAME="${VAULT_KEYCLOAK_ADMIN_USER:-admin}"
    export KC_BOOTSTRAP_ADMIN_PASSWORD="${VAULT_KEYCLOAK_ADMIN_PASSWORD:-admin-demo}"
    exec setsid bin/kc.sh start-dev \
      --db=dev-mem \
      --import-realm \
      --http-host=127.0.0.1 \
      --http-port="$PORT" \
      --hostname="$BASE_URL" \
      </dev/null >"$LOG_FILE" 2>&1
  ) &
  pid=$!
  echo "$pid" >"$PID_FILE"
  wait_until_ready "$pid"
  log "ready in $((SECONDS - started))s (pid $pid) at $BASE_URL/realms/vault"
  echo "$pid"
}

cmd_stop() {
  local pid
  pid="$(running_pid)"
  if [[ -z "$pid" ]]; then
    rm -f "$PID_FILE"
    log "not running"
    return 0
  fi
  stop_pid "$pid"
}

stop_pid() {
  local pid="$1" i
  log "stopping pid $pid"
  # kc.sh forwards TERM to its Java child; the process group (setsid at start) catches a child that outlived it.
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 30; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 1
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "still running after 30s; sending KILL to process group $pid"
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  fi
  kill -TERM -- "-$pid" 2>/dev/null || true
  rm -f "$PID_FILE"
  log "stopped"
}

cmd_status() {
  local pid
  pid="$(running_pid)"
  if [[ -z "$pid" ]]; then
    log "not running (home: $KEYCLOAK_HOME)"
    return 3
  fi
  if realm_answers; then
    log "running and healthy (pid $pid) at $BASE_URL/realms/vault"
    return 0
  fi
  log "running (pid $pid) but $DISCOVERY_URL does not answer yet; log: $LOG_FILE"
  return 1
}

[[ $# -eq 1 ]] || usage
case "$1" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *) usage ;;
esac
