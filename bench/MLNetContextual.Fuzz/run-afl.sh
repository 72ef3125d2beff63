#!/usr/bin/env bash
# Fuzz every reader with afl++ through SharpFuzz, one target after another, and print the counts.
#   bench/MLNetContextual.Fuzz/run-afl.sh [EXECS] [TARGET...]      (default: 10000 executions per target, all targets)
# Needs: afl++ (Debian: apt-get install -y afl++) and the SharpFuzz.CommandLine tool
# (dotnet tool install --tool-path /tmp/sharpfuzz-tool SharpFuzz.CommandLine --version 2.3.0; or set SHARPFUZZ=...).
# Work folder: $FUZZ_WORK (default /tmp/mlnetctx-afl). Run it nice'd in the background on a shared machine:
#   nohup nice -n 19 bench/MLNetContextual.Fuzz/run-afl.sh 10000 > afl.log 2>&1 &
set -euo pipefail
EXECS=${1:-10000}
shift || true
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=${FUZZ_WORK:-/tmp/mlnetctx-afl}
SHARPFUZZ=${SHARPFUZZ:-$(command -v sharpfuzz || echo /tmp/sharpfuzz-tool/sharpfuzz)}
BIN=$WORK/bin      # instrumented: runs only under afl-fuzz (its module initializers write afl's shared memory)
PLAIN=$WORK/plain  # the same build, not instrumented: seeds, target list, replay of findings

mkdir -p "$WORK" && rm -rf "$BIN" "$PLAIN"
dotnet build "$HERE/MLNetContextual.Fuzz.csproj" -c Release -o "$PLAIN" -v q -nologo > "$WORK/build.log"
cp -r "$PLAIN" "$BIN"
# Instrument the library assemblies whose readers are fuzzed (not the harness, not ML.NET/TorchSharp).
for dll in MLNetContextual.dll MLNetContextual.Estimators.dll; do "$SHARPFUZZ" "$BIN/$dll" > /dev/null; done

TARGETS=("$@")
[ ${#TARGETS[@]} -eq 0 ] && mapfile -t TARGETS < <(dotnet "$PLAIN/MLNetContextual.Fuzz.dll" targets)

export AFL_SKIP_BIN_CHECK=1 AFL_SKIP_CPUFREQ=1 AFL_NO_UI=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1
printf '%-16s %10s %8s %8s %8s  %s\n' target execs crashes hangs paths "replayed crash types"
for t in "${TARGETS[@]}"; do
  rm -rf "$WORK/$t" && mkdir -p "$WORK/$t"
  dotnet "$PLAIN/MLNetContextual.Fuzz.dll" seeds "$t" "$WORK/$t/in" > /dev/null
  afl-fuzz -i "$WORK/$t/in" -o "$WORK/$t/out" -t 10000 -m none -E "$EXECS" -- dotnet "$BIN/MLNetContextual.Fuzz.dll" afl "$t" > "$WORK/$t/afl.log" 2>&1 || true
  stats=$WORK/$t/out/default/fuzzer_stats
  get() { awk -F' *: *' -v k="$1" '$1==k {print $2}' "$stats" 2>/dev/null || echo "?"; }
  crashes=$(get saved_crashes); hangs=$(get saved_hangs)
  types=""
  if ls "$WORK/$t/out/default/crashes"/id* > /dev/null 2>&1; then
    types=$(dotnet "$PLAIN/MLNetContextual.Fuzz.dll" replay "$t" "$WORK/$t/out/default/crashes"/id* | awk '{print $2, $3}' | sort | uniq -c | tr '\n' ';')
  fi
  printf '%-16s %10s %8s %8s %8s  %s\n' "$t" "$(get execs_done)" "$crashes" "$hangs" "$(get corpus_count)" "$types"
done
