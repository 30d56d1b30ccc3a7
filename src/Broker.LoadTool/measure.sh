#!/usr/bin/env bash
# Starts one broker node (Release, loopback, a free port, publish rate limiter off), runs the load tool against it with
# --server-pid set to the node's own process (not `dotnet run`'s), then stops the node. Exit status is the tool's.
#   src/Broker.LoadTool/measure.sh --subscribers 1000 --publishers 1 --topics 1 --size 100
#   src/Broker.LoadTool/measure.sh --idle 10000 --topics 100 --duration 60
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

dotnet "$tool" --url "${url/http/ws}/ws" --server-pid "$pid" "$@"
