#!/usr/bin/env bash
# fetch-minilm.sh DIR: puts all-MiniLM-L6-v2 as ONNX (DIR/onnx/model.onnx and DIR/tokenizer.json)
# into DIR, downloaded from Hugging Face at a pinned revision of Xenova/all-MiniLM-L6-v2 (the
# ONNX export of sentence-transformers/all-MiniLM-L6-v2 with input_ids, attention_mask,
# token_type_ids -> last_hidden_state), and checks both files against pinned sizes and sha256
# sums. Nothing is trusted on first use: a file whose sum is not the pinned one is refused.
#
# Pins, revision 751bff37182d3f1213fa05d7196b954e230abad9:
#   tokenizer.json     711,661 bytes  da0e7993...; the same file as
#                      ../shared/models/all-MiniLM-L6-v2/tokenizer.json (computed there).
#   onnx/model.onnx 90,387,606 bytes  759c3cd2...; not computed here (no network where this was
#                      written): it is the value that several independent public projects pin
#                      for this file at this revision (Hugging Face's Git LFS object id is the
#                      file's sha256).
# Another revision needs its own pins: set MINILM_REVISION, MINILM_ONNX_SHA256 and
# MINILM_TOKENIZER_SHA256 together (sizes are then not checked). MINILM_BASE_URL takes the files
# from a mirror instead (checked against the same pins).
#
# Files already in DIR with the pinned sums are kept (no network needed). A failed run (no
# network, a wrong sum) writes nothing into DIR, removes the empty folders an older version of
# this script left there, and says that skillx goes on with its offline fallback encoder.
set -euo pipefail
dir=${1:-models/all-MiniLM-L6-v2}

pinned_rev=751bff37182d3f1213fa05d7196b954e230abad9
rev=${MINILM_REVISION:-$pinned_rev}
model_sha=${MINILM_ONNX_SHA256:-759c3cd2b7fe7e93933ad23c4c9181b7396442a2ed746ec7c1d46192c469c46e}
tok_sha=${MINILM_TOKENIZER_SHA256:-da0e79933b9ed51798a3ae27893d3c5fa4a201126cef75586296df9b4d2c62a0}
model_size=90387606
tok_size=711661
if [ "$rev" != "$pinned_rev" ]; then
  if [ -z "${MINILM_ONNX_SHA256:-}" ] || [ -z "${MINILM_TOKENIZER_SHA256:-}" ]; then
    echo "make models: MINILM_REVISION=$rev needs MINILM_ONNX_SHA256 and MINILM_TOKENIZER_SHA256 (the pinned sums are for $pinned_rev); refusing to download unpinned files" >&2
    exit 1
  fi
  model_size="" tok_size=""
fi
# MINILM_BASE_URL points at a mirror of the repository's files (or a file:// folder); the
# sums are checked all the same.
base=${MINILM_BASE_URL:-https://huggingface.co/Xenova/all-MiniLM-L6-v2/resolve/$rev}

fallback="skillx goes on with its offline fallback encoder (\`skillx doctor\` says which) until both files are in $dir"

sha() { sha256sum "$1" | cut -d' ' -f1; }
size() { stat -c %s "$1"; }

# ok FILE SHA SIZE: whether FILE exists with that sum (and size, when one is pinned).
ok() {
  [ -f "$1" ] || return 1
  [ -z "$3" ] || [ "$(size "$1")" = "$3" ] || return 1
  [ "$(sha "$1")" = "$2" ]
}

if ok "$dir/tokenizer.json" "$tok_sha" "$tok_size" && ok "$dir/onnx/model.onnx" "$model_sha" "$model_size"; then
  echo "$dir: up to date (revision $rev, sha256 checked)"
  exit 0
fi

tmp=$(mktemp -d)
fail() {
  rm -rf "$tmp"
  # Empty folders left by an earlier, failed run of an older version of this script.
  rmdir "$dir/onnx" 2>/dev/null || true
  rmdir "$dir" 2>/dev/null || true
  echo "make models: $1; nothing was written into $dir. $fallback" >&2
  exit 1
}
trap 'rm -rf "$tmp"' EXIT

# fetch NAME DEST SHA SIZE: downloads NAME of the revision into DEST and checks it.
fetch() {
  local url="$base/$1"
  if ! curl -fsSL --connect-timeout 10 --retry 2 -o "$2" "$url" 2>"$tmp/err"; then
    fail "cannot download $url ($(head -n 1 "$tmp/err" | cut -c1-120))"
  fi
  if [ -n "$4" ] && [ "$(size "$2")" != "$4" ]; then
    fail "$1 has $(size "$2") bytes; want $4 (revision $rev)"
  fi
  local got
  got=$(sha "$2")
  [ "$got" = "$3" ] || fail "$1 has sha256 $got; want $3 (revision $rev)"
}

echo "make models: downloading all-MiniLM-L6-v2 (about 90 MB) from $base" >&2
fetch tokenizer.json "$tmp/tokenizer.json" "$tok_sha" "$tok_size"
fetch onnx/model.onnx "$tmp/model.onnx" "$model_sha" "$model_size"

# Both files are verified: copy each beside its final name, then rename it into place, so that
# an interrupted copy never leaves a partial file under the final name.
mkdir -p "$dir/onnx"
cp "$tmp/tokenizer.json" "$dir/.tokenizer.json.part" && mv -f "$dir/.tokenizer.json.part" "$dir/tokenizer.json"
cp "$tmp/model.onnx" "$dir/onnx/.model.onnx.part" && mv -f "$dir/onnx/.model.onnx.part" "$dir/onnx/model.onnx"
printf '%s  tokenizer.json\n%s  onnx/model.onnx\n' "$tok_sha" "$model_sha" > "$dir/SHA256SUMS"
echo "$dir (revision $rev, sha256 checked)"
