#!/usr/bin/env bash
# Installs, builds and starts the demo: the hh.ru emulator on 127.0.0.1 (and, once apps/demo
# exists, the demo web app against it). No configuration needed.
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=10.34.9
if command -v pnpm >/dev/null 2>&1; then pnpm() { command pnpm "$@"; }; else pnpm() { npx -y "pnpm@${PNPM_VERSION}" "$@"; }; fi

export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1
pnpm install --frozen-lockfile
pnpm build
exec node packages/emulator/dist/cli.js "$@"
