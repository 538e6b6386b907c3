# Shared helpers of the bench scripts (sourced, not run).

# mvn_resolving ARGS...: a Maven build that works on a fresh machine. Offline first (the shared local repository is
# never touched when everything is cached); if that fails for want of artifacts, the same build once more with
# Maven Central reachable (the ordinary client, no other repository).
mvn_resolving() {
  local log
  log="$(mktemp)"
  if nice -n 5 mvn -B -ntp -o -q "$@" > "$log" 2>&1; then
    rm -f "$log"; return 0
  fi
  if grep -q -E "offline mode|has not been downloaded|Could not resolve|Cannot access" "$log"; then
    printf '[bench] not cached offline; resolving from Maven Central: mvn %s\n' "$*" >&2
    rm -f "$log"
    nice -n 5 mvn -B -ntp -q "$@"
    return
  fi
  cat "$log" >&2; rm -f "$log"; return 1
}
