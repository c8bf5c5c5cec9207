#!/usr/bin/env bash
# Installs, builds and starts the demo web app (apps/demo) with the hh.ru emulator in-process, both
# on 127.0.0.1. No configuration needed; `pnpm demo -- --help` lists the options (ports, store,
# live mode against the real hh.ru).
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=10.34.9
if command -v pnpm >/dev/null 2>&1; then pnpm() { command pnpm "$@"; }; else pnpm() { npx -y "pnpm@${PNPM_VERSION}" "$@"; }; fi

pnpm install --frozen-lockfile
# Only the demo and the packages it imports, in one TypeScript build (tsc -b follows the references).
pnpm exec tsc -b apps/demo/tsconfig.build.json
node packages/core/scripts/bundle.mjs
exec node apps/demo/dist/main.js "$@"
