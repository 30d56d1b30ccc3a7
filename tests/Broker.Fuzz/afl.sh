#!/usr/bin/env bash
# Coverage-guided fuzzing of one target with AFL++ and SharpFuzz (docs/conformance.md, "Fuzzing").
#   tests/Broker.Fuzz/afl.sh TARGET [SECONDS]     TARGET: reader | reader-deflate | handshake | commands
# Installs afl++ (Debian) and the sharpfuzz instrumenter (NuGet tool) when missing, builds a copy of the fuzz runner,
# instruments Broker.Protocol.dll in that copy, and runs afl-fuzz for SECONDS (default 600). Findings: OUT/default/crashes.
set -euo pipefail
cd "$(dirname "$0")"
target=${1:?target}; seconds=${2:-600}
command -v afl-fuzz >/dev/null || apt-get install -y -qq afl++
export PATH="$PATH:$HOME/.dotnet/tools"
command -v sharpfuzz >/dev/null || dotnet tool install --global SharpFuzz.CommandLine --version 2.3.0
work=${AFL_WORK:-$(mktemp -d -t broker-afl-XXXX)}
dotnet build -c Release -nologo -clp:ErrorsOnly -o "$work/bin"
sharpfuzz "$work/bin/Broker.Protocol.dll"
dotnet "$work/bin/Broker.Fuzz.dll" seeds "$target" "$work/in"
# The target is a dotnet process whose instrumentation SharpFuzz put in the IL, so afl-fuzz cannot see it in the binary.
export AFL_SKIP_BIN_CHECK=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1
timeout --signal=INT "$seconds" afl-fuzz -i "$work/in" -o "$work/out" -t 5000 -m none -- dotnet "$work/bin/Broker.Fuzz.dll" afl "$target" || true
cat "$work/out/default/fuzzer_stats"
