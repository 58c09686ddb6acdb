#!/usr/bin/env bash
# Real-stack JPKI tests (issue 5): pcscd + vsmartcard's vpcd + shomei's virtual My Number
# Card, driven by shomei's PC/SC transport and by OpenSC (pkcs15-tool, pkcs11-tool).
#
# Idempotent: installs the Debian packages and the pcsclite addon only when they
# are missing, starts pcscd only when it is not running, starts `shomei jpki simulate
# --vpcd`, waits for the card in "Virtual PCD 00 00", runs the tests with SHOMEI_PCSC=1
# (a missing piece is then a failure, not a skip), and stops exactly what it started.
#
# Environment: SHOMEI_CLI overrides the command that runs the CLI (default: node dist/cli/main.js).
set -euo pipefail
cd "$(dirname "$0")/../.."

log() { printf '[pcsc] %s\n' "$*"; }

# 1. Debian packages.
missing=()
for pkg in pcscd vsmartcard-vpcd opensc libpcsclite-dev; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  log "installing ${missing[*]}"
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
fi

# 2. The pcsclite addon. It is an optional peer dependency (package.json peerDependencies +
# peerDependenciesMeta), so neither `npm install shomei` nor this project's `npm ci` installs
# or compiles it; its node-gyp build needs libpcsclite-dev (step 1), so it is built here.
# npm will not add a package that the root itself declares as an optional peer with
# `npm install --no-save` (it reports success and installs nothing), so the addon is
# built in a prefix of its own under node_modules/.cache and linked in; Node resolves
# its own dependencies (bindings) from where it really lives.
if ! node -e "require('pcsclite')" >/dev/null 2>&1; then
  log "building the optional peer dependency pcsclite (native build against libpcsclite-dev)"
  prefix=node_modules/.cache/pcsclite
  mkdir -p "$prefix"
  npm install --prefix "$prefix" --no-save --no-package-lock --no-audit --no-fund pcsclite@1.0.1
  ln -sfn .cache/pcsclite/node_modules/pcsclite node_modules/pcsclite
  node -e "require('pcsclite')" || { log "pcsclite did not build"; exit 1; }
fi

# 3. The CLI.
if [ -z "${SHOMEI_CLI:-}" ]; then
  [ -f dist/cli/main.js ] || npm run build
  SHOMEI_CLI="node dist/cli/main.js"
fi

work="$(mktemp -d)"
started=()
cleanup() {
  local status=$?
  for pid in "${started[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${started[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  if [ "$status" -ne 0 ]; then
    for f in "$work"/*.log; do
      [ -f "$f" ] && { log "--- $(basename "$f")"; tail -n 40 "$f"; }
    done
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT

# 4. pcscd (in the foreground of a background job, so that we can stop it by its pid).
if pgrep -x pcscd >/dev/null 2>&1; then
  log "pcscd is already running"
else
  mkdir -p /run/pcscd 2>/dev/null || true
  pcscd --foreground >"$work/pcscd.log" 2>&1 &
  started+=("$!")
  log "started pcscd (pid $!)"
fi

# 5. The simulator on vpcd's first slot.
# shellcheck disable=SC2086
$SHOMEI_CLI jpki simulate --vpcd 127.0.0.1:35963 >"$work/simulator.json" 2>"$work/simulator.log" &
started+=("$!")
log "started the simulator (pid $!)"

# 6. Wait for the card in "Virtual PCD 00 00".
for _ in $(seq 1 60); do
  if opensc-tool --list-readers 2>/dev/null | grep -Eq '^[0-9]+ +Yes +.*Virtual PCD 00 00'; then
    break
  fi
  sleep 0.5
done
opensc-tool --list-readers
opensc-tool --list-readers 2>/dev/null | grep -Eq '^[0-9]+ +Yes +.*Virtual PCD 00 00' || { log "the virtual card did not appear"; exit 1; }
log "simulator: $(head -n 1 "$work/simulator.json")"

# 7. The real-stack tests (the same command as `npm run test:pcsc`).
SHOMEI_PCSC=1 npx vitest run test/jpki/pcsc.test.ts
