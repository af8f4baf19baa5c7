#!/usr/bin/env bash
# torch-mlp.sh times one training epoch of the prototype's MLP (384-512-256-128-376, ReLU,
# softmax, Adam) on 100,000 random unit vectors in Go (BenchmarkTrainEpoch, internal/mlp) and
# in PyTorch (shared/anchors/torch_mlp.py), alternately, REPEAT times per batch size, and
# prints the medians and their ratio. Both use THREADS threads.
#
# Usage: bench/anchors/torch-mlp.sh
# Env: SHARED (default: ../shared beside the repository), REPEAT (3), THREADS (2),
#      BATCHES ("256 32"), PYTHON (/usr/bin/python3, with Debian's python3-torch).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
shared=${SHARED:-$(cd "$repo/.." && pwd)/shared}
repeat=${REPEAT:-3}
threads=${THREADS:-2}
batches=${BATCHES:-256 32}
python=${PYTHON:-/usr/bin/python3}
anchor=$shared/anchors/torch_mlp.py
[ -f "$anchor" ] || { echo "torch-mlp.sh: $anchor not found (set SHARED to the shared folder)" >&2; exit 1; }
"$python" -c 'import torch' 2>/dev/null ||
  { echo "torch-mlp.sh: $python cannot import torch; apt-get install -y python3-torch" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$repo" && go test -c -o "$tmp/mlp.test" ./internal/mlp)

median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

printf '%-6s %-6s %12s %9s %12s %9s %7s\n' batch runs go_ex/s go_GF/s torch_ex/s torch_GF/s ratio
for batch in $batches; do
  : >"$tmp/go" && : >"$tmp/torch"
  for _ in $(seq "$repeat"); do
    # "BenchmarkTrainEpoch/batch=256-2  1  4075708498 ns/op  60.15 GFLOP/s  24536 examples/s"
    GOMAXPROCS=$threads "$tmp/mlp.test" -test.run '^$' -test.bench "^BenchmarkTrainEpoch/batch=$batch\$" \
      -test.benchtime 1x | awk '/^BenchmarkTrainEpoch/ {
        for (i = 1; i < NF; i++) { if ($(i+1) == "examples/s") e = $i; if ($(i+1) == "GFLOP/s") g = $i }
        print e, g }' >>"$tmp/go"
    # "torch 1.13.0a0 threads=2 batch=256: 8051 examples/s, 19.7 GFLOP/s, epoch 12.42s"
    "$python" "$anchor" 100000 376 "$batch" "$threads" |
      awk '{for (i = 1; i < NF; i++) { if ($(i+1) ~ /^examples\/s/) e = $i; if ($(i+1) ~ /^GFLOP\/s/) g = $i }; print e, g}' >>"$tmp/torch"
  done
  ge=$(cut -d' ' -f1 "$tmp/go" | median); gg=$(cut -d' ' -f2 "$tmp/go" | median)
  te=$(cut -d' ' -f1 "$tmp/torch" | median); tg=$(cut -d' ' -f2 "$tmp/torch" | median)
  echo "batch $batch runs (examples/s GFLOP/s): go: $(tr '\n' ';' <"$tmp/go") torch: $(tr '\n' ';' <"$tmp/torch")" >&2
  awk -v b="$batch" -v r="$repeat" -v ge="$ge" -v gg="$gg" -v te="$te" -v tg="$tg" \
    'BEGIN {printf "%-6s %-6s %12.0f %9.1f %12.0f %9.1f %6.1fx\n", b, r, ge, gg, te, tg, ge / te}'
done
