#!/usr/bin/env bash
# One entry point for people and CI.
#   ./build.sh run [broker flags]   one node on the embedded in-memory default (http://localhost:8080)
#   ./build.sh test                 installs what is missing, builds, runs every test suite
#   ./build.sh cluster [N] [PORT]   no Docker: redis-server (on PORT, default a free one) and N broker nodes (default 3)
#                                   on loopback, one Akka cluster; prints their URLs; Ctrl-C stops them all
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
  apt_install openssl openssl   # the browser TLS test makes its self-signed certificate with it
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

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_port() { # free_port FROM: sets port to the first port at or above FROM that is free and not picked before
  port=$1
  while ! port_free "$port" || [[ " ${picked[*]:-} " == *" $port "* ]]; do port=$((port + 1)); done
  picked+=("$port")
}

run_cluster() {
  local nodes=${1:-3} redis_port=${2:-}
  [[ "$nodes" =~ ^[1-9][0-9]*$ ]] || { echo "cluster: N must be a positive number" >&2; exit 2; }
  apt_install redis-server redis-server
  dotnet build src/Broker.Server -c Release -nologo -clp:ErrorsOnly
  local dll=src/Broker.Server/bin/Release/net10.0/Broker.Server.dll
  local dir; dir=$(mktemp -d -t broker-cluster-XXXX)
  local -a picked=() pids=() cluster_ports=()
  local port
  if [ -z "$redis_port" ]; then free_port 6379; redis_port=$port; fi
  picked+=("$redis_port")

  stop_all() {
    trap - INT TERM
    echo; echo "== stopping (SIGTERM: brokers close clients with 1001 and leave the cluster)"
    local pid
    # Brokers first (pids[0] is redis-server), so they leave while Redis still serves; then Redis.
    for pid in "${pids[@]:1}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]:1}"; do wait "$pid" 2>/dev/null || true; done
    kill -TERM "${pids[0]}" 2>/dev/null || true
    wait "${pids[0]}" 2>/dev/null || true
    echo "== logs kept in $dir"
    exit 0
  }
  trap stop_all INT TERM

  # Append-only file, so a redis restart keeps every topic's offset counter (offsets never go back).
  redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly yes --dir "$dir" \
    >"$dir/redis.log" 2>&1 &
  pids+=($!)
  until (exec 3<>"/dev/tcp/127.0.0.1/$redis_port") 2>/dev/null; do
    kill -0 "${pids[0]}" 2>/dev/null || { cat "$dir/redis.log" >&2; exit 1; }
    sleep 0.1
  done
  echo "redis    127.0.0.1:$redis_port  (pid ${pids[0]})"

  local i seeds=""
  for ((i = 1; i <= nodes; i++)); do
    free_port 4053
    cluster_ports+=("$port")
    seeds+="${seeds:+,}127.0.0.1:$port"
  done
  for ((i = 1; i <= nodes; i++)); do
    dotnet "$dll" --host 127.0.0.1 --port 0 --redis "127.0.0.1:$redis_port" --cluster-host 127.0.0.1 \
      --cluster-port "${cluster_ports[i-1]}" --seeds "$seeds" >"$dir/node$i.out" 2>"$dir/node$i.log" &
    pids+=($!)
  done
  for ((i = 1; i <= nodes; i++)); do
    local url=""
    while [ -z "$url" ]; do
      kill -0 "${pids[i]}" 2>/dev/null || { echo "node$i exited:" >&2; cat "$dir/node$i.log" >&2; stop_all; }
      url=$(sed -n 's/^Broker listening on //p' "$dir/node$i.out")
      [ -n "$url" ] || sleep 0.2
    done
    echo "node$i    $url  ws: ${url/http/ws}/ws  cluster: 127.0.0.1:${cluster_ports[i-1]}  (pid ${pids[i]})"
  done
  echo "members: curl ${url}/api/nodes    logs: $dir    Ctrl-C stops everything"
  wait
}

case "${1:-}" in
  run) shift; exec dotnet run --project src/Broker.Server -c Release -- "$@" ;;
  test) run_tests ;;
  cluster) shift; run_cluster "$@" ;;
  *) echo "usage: $0 run [flags] | test | cluster [N] [REDIS_PORT]" >&2; exit 2 ;;
esac
