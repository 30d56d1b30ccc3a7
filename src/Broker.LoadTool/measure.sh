#!/usr/bin/env bash
# Starts one broker node (Release, loopback, a free port, publish rate limiter off), runs the load tool against it with
# --server-pid set to the node's own process (not `dotnet run`'s), then stops the node. Exit status is the tool's.
#   src/Broker.LoadTool/measure.sh --subscribers 1000 --publishers 1 --topics 1 --size 100
#   src/Broker.LoadTool/measure.sh --idle 10000 --topics 100 --duration 60
# Reports: --report PATH writes PATH.json and PATH.svg for the run. A rate sweep runs the tool once per publish rate
# against the same node and draws latency against throughput:
#   src/Broker.LoadTool/measure.sh --sweep 1000,5000,10000,20000 --out reports/sweep --subscribers 100 --duration 10
# writes reports/sweep/rate-R.{json,svg} for every rate and reports/sweep/sweep.svg.
set -euo pipefail
cd "$(dirname "$0")/../.."

dotnet build src/Broker.LoadTool -c Release -nologo -clp:ErrorsOnly >&2
tool=src/Broker.LoadTool/bin/Release/net10.0/Broker.LoadTool.dll
[ "${1:-}" = --help ] && exec dotnet "$tool" --help
dotnet build src/Broker.Server -c Release -nologo -clp:ErrorsOnly >&2
# Both processes hold one descriptor per connection; 10,000 idle connections need more than the usual 1024.
ulimit -n "$(ulimit -Hn)"

out=$(mktemp)
BROKER__LIMITS__PUBLISH_RATE=off dotnet src/Broker.Server/bin/Release/net10.0/Broker.Server.dll \
  --host 127.0.0.1 --port 0 >"$out" 2>"$out.log" &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; rm -f "$out" "$out.log"' EXIT

for _ in $(seq 600); do
  grep -q "Broker listening on" "$out" && break
  kill -0 "$pid" 2>/dev/null || { cat "$out.log" >&2; exit 1; }
  sleep 0.1
done
url=$(grep -oE 'http://[0-9.]+:[0-9]+' "$out" | head -1) || { echo "broker did not start within 60 s" >&2; exit 1; }
echo "broker pid $pid at $url" >&2

sweep="" outdir="load-reports"
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --sweep) sweep="$2"; shift 2 ;;
    --out) outdir="$2"; shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
if [ -z "$sweep" ]; then
  dotnet "$tool" --url "${url/http/ws}/ws" --server-pid "$pid" "${args[@]}"
  exit 0 # reached only when the tool succeeded (set -e); the trap stops the node either way
fi

mkdir -p "$outdir"
status=0
runs=()
for rate in ${sweep//,/ }; do
  echo "== rate $rate/s" >&2
  dotnet "$tool" --url "${url/http/ws}/ws" --server-pid "$pid" --rate "$rate" --report "$outdir/rate-$rate" "${args[@]}" || status=1
  runs+=("$outdir/rate-$rate.json")
done
dotnet "$tool" --sweep-chart "$outdir/sweep.svg" "${runs[@]}"
exit "$status"
