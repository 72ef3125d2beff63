#!/usr/bin/env bash
# The mlnetctx evidence runs (bench/RESULTS.md): for each dataset, the full sweep with --train-time 300 and the
# FeaturizeText baselines alone (--encoder none), both evaluated once on the same held-back test.tsv.
#   bash bench/cli/sweeps.sh [datasets...]     (default: uci movie-reviews trec6 sst2-10k; one at a time, nice'd)
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
data=${MLNETCTX_BENCH:-/tmp/mlnetctx-bench}
out=${MLNETCTX_BENCH_OUT:-$data/runs}
budget=${TRAIN_TIME:-300}
[ -d "$data/uci" ] || dotnet run -c Release --project "$repo/bench/MLNetContextual.Bench" -- cli-data "$data"
dotnet build -c Release "$repo/src/Cli" -v q > /dev/null
# Run a copy, so that rebuilding the repository during the runs does not touch the running tool.
bin=$(mktemp -d /tmp/mlnetctx-bin.XXXX); trap 'rm -rf "$bin"' EXIT; cp -r "$repo/src/Cli/bin/Release/net10.0/." "$bin/"
cli="$bin/mlnetctx.dll"
for name in "${@:-uci movie-reviews trec6 sst2-10k}"; do
  for name in $name; do
    for mode in sweep baseline; do
      extra=(); [ "$mode" = baseline ] && extra=(--encoder none)
      echo "== $name $mode $(date -u +%FT%TZ)"
      nice -n 19 dotnet "$cli" classification --dataset "$data/$name/train.tsv" --test-dataset "$data/$name/test.tsv" \
        --label-col Label --text-col Text --has-header true --train-time "$budget" --name "$name" \
        --output "$out/$name-$mode" --library-reference "repo:$repo" --log-file-path "$out/$name-$mode.log" "${extra[@]}" || echo "exit $?"
      python3 - "$out/$name-$mode/run.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); c = r["chosen"]
print(f'  chosen: {c["pipeline"]}  validation {r["metric"]} {c["metric"]:.4f}  test {r["metric"]} {c["test"][r["metric"]]:.4f}  ({r["seconds"]} s)')
PY
    done
  done
done
