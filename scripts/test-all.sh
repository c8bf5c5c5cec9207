#!/usr/bin/env bash
# Installs what the tests need when it is missing, then builds, checks and runs every test.
# The README's test command and CI (.ci/run) both run this, so a new user and CI do the same.
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=10.34.9
if command -v pnpm >/dev/null 2>&1; then pnpm() { command pnpm "$@"; }; else pnpm() { npx -y "pnpm@${PNPM_VERSION}" "$@"; }; fi

# System packages from Debian: redis-server for the Redis store (and redis-tools for redis-cli,
# which builds the test Redis Cluster; sentinels run as `redis-server --sentinel`), Chromium for
# browser tests, tmux for the command line's terminal tests.
# PostgreSQL's server programs (initdb, pg_ctl, postgres) are expected on PATH or under
# /usr/lib/postgresql/*/bin; they are installed from Debian too when missing.
missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v redis-cli >/dev/null 2>&1 || missing+=(redis-tools)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v tmux >/dev/null 2>&1 || missing+=(tmux)
if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  missing+=(postgresql)
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "test-all: installing ${missing[*]} from Debian's packages"
  sudo_=""
  [ "$(id -u)" -eq 0 ] || sudo_="sudo"
  $sudo_ apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -qq "${missing[@]}" >/dev/null
fi

pnpm install --frozen-lockfile
pnpm build
pnpm lint
pnpm typecheck
pnpm pack:check
# The API reference: TypeDoc fails on any warning (a broken {@link}, a type used but not exported).
pnpm --filter @hh-oauth/docs run build

mkdir -p .tmp
# One fast-check seed for the whole run, printed at the end: set HH_OAUTH_SEED to replay a run.
export HH_OAUTH_SEED="${HH_OAUTH_SEED:-$(node -e 'console.log((Math.random() * 0x7fffffff) | 0)')}"
status=0
pnpm exec vitest run --reporter=default --reporter=json --outputFile.json=.tmp/vitest.json || status=$?
# One plain closing line, whatever the reporter printed above, with the run's fast-check seed.
node -e '
  const r = require("./.tmp/vitest.json");
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
' || true
echo "fast-check seed: ${HH_OAUTH_SEED} (replay: HH_OAUTH_SEED=${HH_OAUTH_SEED} pnpm test:all)"
exit "$status"
