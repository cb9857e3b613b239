#!/usr/bin/env bash
# Runs the whole OpenChat test suite: unit, Postgres integration and browser tests.
# On a fresh Debian machine it first installs what the tests need when it is missing:
# Chromium (Debian's package; Playwright never downloads a browser) and the PostgreSQL server binaries.
# Extra arguments go to `dotnet test`, e.g. ./test.sh --filter Category=Unit
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DEBIAN_FRONTEND=noninteractive

missing=()
chromium_path="${CHROMIUM_PATH:-/usr/bin/chromium}"
[[ -x "$chromium_path" ]] || missing+=(chromium)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
if ((${#missing[@]})); then
  sudo=""
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || { echo "test.sh: please install ${missing[*]} (apt-get install ${missing[*]})" >&2; exit 1; }
    sudo="sudo"
  fi
  echo "test.sh: installing ${missing[*]} from Debian"
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
export CHROMIUM_PATH="$chromium_path"
# Apps in the test process watch files by polling, as AppProcess children do: inotify instances are limited per user
# (128), and test runs sharing a machine ran out of them (pages then failed with IOException).
export DOTNET_USE_POLLING_FILE_WATCHER=1

log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
dotnet test OpenChat.sln "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e

# dotnet test prints one summary per test project; add them up into the plain closing line.
passed=0 failed=0 skipped=0
while read -r f p s; do
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
done < <(sed -nE 's/.*Failed:[[:space:]]*([0-9]+), Passed:[[:space:]]*([0-9]+), Skipped:[[:space:]]*([0-9]+).*/\1 \2 \3/p' "$log")
if ((rc != 0 && failed == 0)); then failed=1; fi   # the build or the test host failed before any summary
echo "$passed passed, $failed failed, $skipped skipped"
if ((rc == 0 && passed == 0)); then echo "test.sh: no tests ran" >&2; exit 1; fi
exit "$rc"
