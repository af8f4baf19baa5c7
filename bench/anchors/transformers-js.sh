#!/usr/bin/env bash
# transformers-js.sh times Node's @huggingface/transformers (transformers.js on onnxruntime-node)
# embedding a file of texts with a given MiniLM-shaped ONNX model, mean pooling + L2 norm: the
# anchor that BenchmarkONNXMiniLM (internal/encoder) is compared with. Run both in one session.
#
# Usage: bench/anchors/transformers-js.sh MODEL.onnx [INPUT]
#   MODEL.onnx  inputs input_ids, attention_mask, token_type_ids; output last_hidden_state
#               (BenchmarkONNXMiniLM logs the path of the MiniLM-shaped model it builds)
#   INPUT       one text a line; default $SHARED/anchors/skills1000.txt
# Env: SHARED (default: ../shared beside the repository), BATCH (32), REPEAT (3),
#      TJS_DIR (a folder to install transformers.js into and keep; default a temporary folder
#      that is removed afterwards).
set -euo pipefail

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: $0 MODEL.onnx [INPUT]" >&2
  exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
shared=${SHARED:-$(cd "$here/../../.." && pwd)/shared}
model=$(realpath "$1")
input=$(realpath "${2:-$shared/anchors/skills1000.txt}")
for f in "$model" "$input" "$shared/models/all-MiniLM-L6-v2/tokenizer.json" \
  "$shared/anchors/transformers-js/bench.mjs"; do
  [ -f "$f" ] || { echo "transformers-js.sh: $f not found (set SHARED to the shared folder)" >&2; exit 1; }
done
command -v npm >/dev/null || { echo "transformers-js.sh: npm not found; install Node.js 18+" >&2; exit 1; }

if [ -n "${TJS_DIR:-}" ]; then
  dir=$TJS_DIR
  mkdir -p "$dir"
else
  dir=$(mktemp -d)
  trap 'rm -rf "$dir"' EXIT
fi
cd "$dir"
if [ ! -d node_modules/@huggingface/transformers ]; then
  [ -f package.json ] || npm init -y >/dev/null
  # The default install step of onnxruntime-node downloads extra binaries from a host that may
  # be unreachable; the CPU library ships in the package itself.
  ONNXRUNTIME_NODE_INSTALL=skip npm install --no-audit --no-fund @huggingface/transformers >&2
fi
version() { node -p "JSON.parse(require('fs').readFileSync('node_modules/$1/package.json', 'utf8')).version"; }
echo "@huggingface/transformers $(version @huggingface/transformers), onnxruntime-node $(version onnxruntime-node), node $(node --version)" >&2

rm -rf models/minilm-shaped
mkdir -p models/minilm-shaped/onnx
ln -s "$model" models/minilm-shaped/onnx/model.onnx
cp "$shared/models/all-MiniLM-L6-v2/tokenizer.json" models/minilm-shaped/
cp "$shared/anchors/transformers-js/config.json" "$shared/anchors/transformers-js/tokenizer_config.json" models/minilm-shaped/
cp "$shared/anchors/transformers-js/bench.mjs" .
echo "model: $model ($(sha256sum "$model" | cut -c1-12)), input: $input, batch ${BATCH:-32}" >&2
MODEL_ROOT=$PWD/models/ MODEL_NAME=minilm-shaped INPUT=$input BATCH=${BATCH:-32} REPEAT=${REPEAT:-3} node bench.mjs
