#!/usr/bin/env bash
# fetch-minilm.sh DIR: downloads sentence-transformers/all-MiniLM-L6-v2 (onnx/model.onnx and
# tokenizer.json) from Hugging Face at a pinned revision into DIR, checking sha256.
#
# tokenizer.json is checked against its known sha256. The sha256 of onnx/model.onnx at this
# revision could not be looked up where this script was written (no network): set
# MINILM_ONNX_SHA256 to pin it; otherwise the first download records it in DIR/SHA256SUMS and
# every later run checks against that (trust on first use), and the script says so.
# Without network it fails in one line; skillx then uses the hashing encoder.
set -euo pipefail
dir=${1:-models/all-MiniLM-L6-v2}
rev=${MINILM_REVISION:-c9745ed1d9f207416be6d2e6f8de32d1f16199bf}
base="https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2/resolve/$rev"
tok_sha=da0e79933b9ed51798a3ae27893d3c5fa4a201126cef75586296df9b4d2c62a0

mkdir -p "$dir/onnx"
tmp=$(mktemp -d "$dir/.fetch.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

fetch() { # url dest
  if ! curl -fsSL --connect-timeout 10 --retry 2 -o "$2" "$1" 2>"$tmp/err"; then
    echo "make models: cannot download $1 ($(head -n 1 "$tmp/err" | cut -c1-120)); skillx will use the hashing encoder (--encoder hashing) until the MiniLM files are in $dir" >&2
    exit 1
  fi
}

fetch "$base/tokenizer.json" "$tmp/tokenizer.json"
got=$(sha256sum "$tmp/tokenizer.json" | cut -d' ' -f1)
if [ "$got" != "$tok_sha" ]; then
  echo "make models: tokenizer.json has sha256 $got; want $tok_sha" >&2
  exit 1
fi
fetch "$base/onnx/model.onnx" "$tmp/model.onnx"
got=$(sha256sum "$tmp/model.onnx" | cut -d' ' -f1)
want=${MINILM_ONNX_SHA256:-}
if [ -z "$want" ] && [ -f "$dir/SHA256SUMS" ]; then
  want=$(awk '$2 == "onnx/model.onnx" {print $1}' "$dir/SHA256SUMS")
fi
if [ -n "$want" ] && [ "$got" != "$want" ]; then
  echo "make models: onnx/model.onnx has sha256 $got; want $want" >&2
  exit 1
fi
[ -n "$want" ] || echo "make models: onnx/model.onnx sha256 $got recorded in $dir/SHA256SUMS (first download; later runs check it)" >&2
mv -f "$tmp/tokenizer.json" "$dir/tokenizer.json"
mv -f "$tmp/model.onnx" "$dir/onnx/model.onnx"
printf '%s  tokenizer.json\n%s  onnx/model.onnx\n' "$tok_sha" "$got" > "$dir/SHA256SUMS"
echo "$dir (revision $rev)"
