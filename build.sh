#!/usr/bin/env bash
# One entry point for people and CI.
#   ./build.sh run [broker flags]   one node on the embedded in-memory default (http://localhost:8080)
#   ./build.sh test                 installs what is missing, builds, runs every test suite
set -euo pipefail
cd "$(dirname "$0")"

apt_get() { # apt_get PACKAGE: install PACKAGE, repairing dpkg once if needed
  echo "== installing $1"
  export DEBIAN_FRONTEND=noninteractive
  local sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq || true
  $sudo apt-get install -y -qq "$1" || { $sudo apt-get -f install -y -qq; $sudo apt-get install -y -qq "$1"; }
}

apt_install() { # apt_install CMD PACKAGE: install PACKAGE when CMD is missing
  command -v "$1" >/dev/null 2>&1 || apt_get "$2"
}

npm_ci() { # npm_ci DIR: install a folder's locked JavaScript dependencies once
  [ -f "$1/package-lock.json" ] || return 0
  [ -d "$1/node_modules" ] && [ "$1/node_modules/.package-lock.json" -nt "$1/package-lock.json" ] && return 0
  (cd "$1" && npm ci --no-audit --no-fund --loglevel=error)
}

run_tests() {
  apt_install redis-server redis-server
  apt_install chromium chromium
  # Autobahn|Python, the conformance suite's independent client; Debian installs it for the system interpreter.
  /usr/bin/python3 -c 'import autobahn' >/dev/null 2>&1 || apt_get python3-autobahn
  for dir in $(git ls-files '*package-lock.json' | xargs -r -n1 dirname); do npm_ci "$dir"; done

  dotnet build Broker.sln -c Release -nologo -clp:ErrorsOnly
  local log; log=$(mktemp)
  local status=0
  dotnet test Broker.sln -c Release --no-build --nologo --logger "console;verbosity=minimal" 2>&1 | tee "$log" || status=1
  for dir in $(git ls-files '*package.json' | grep -v node_modules | xargs -r -n1 dirname); do
    if grep -q '"test"' "$dir/package.json"; then
      echo "== npm test in $dir"
      (cd "$dir" && npm test 2>&1) | tee -a "$log" || status=1
    fi
  done
  # One closing line for every runner together: dotnet's "Passed: N" summaries plus node's "# pass N".
  local passed failed
  passed=$(grep -oE '(Passed: +[0-9]+|^# pass [0-9]+|^ℹ pass [0-9]+)' "$log" | grep -oE '[0-9]+' | awk '{s+=$1} END {print s+0}')
  failed=$(grep -oE '(Failed: +[0-9]+|^# fail [0-9]+|^ℹ fail [0-9]+)' "$log" | grep -oE '[0-9]+' | awk '{s+=$1} END {print s+0}')
  rm -f "$log"
  echo "tests: ${passed:-0} passed, ${failed:-0} failed"
  [ "$status" = 0 ] && [ "${failed:-0}" = 0 ]
}

case "${1:-}" in
  run) shift; exec dotnet run --project src/Broker.Server -c Release -- "$@" ;;
  test) run_tests ;;
  *) echo "usage: $0 run [flags] | test" >&2; exit 2 ;;
esac
