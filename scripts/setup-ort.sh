#!/usr/bin/env bash
# setup-ort.sh installs the ONNX Runtime shared library that skillx loads at run time.
#
# Source, in order of preference:
#   1. the npm package onnxruntime-node@1.24.1 (npm pack, no install scripts), checked by sha256;
#   2. where npm is absent: the official ONNX Runtime 1.24.1 linux-x64 release archive (needs a
#      connected machine; its sha256 is printed so that it can be compared with the release page).
# The library lands in $SKILLX_CACHE_DIR/onnxruntime-1.24.1/libonnxruntime.so.1
# (default ~/.cache/skillx). Prints the path on stdout. Idempotent: a verified file is kept.
set -euo pipefail

version=1.24.1
tgz_sha256=57181cf6e6e711b155c5b942d591fd63ded0b5de5c4922d51fd994e7f6ac2772
lib_sha256=53ef1ac028dd1b05554b8da28d9159eb3876f99868193d2aaa6e67f0243c23d4
cache="${SKILLX_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/skillx}"
dest_dir="$cache/onnxruntime-$version"
dest="$dest_dir/libonnxruntime.so.1"

sha() { sha256sum "$1" | cut -d' ' -f1; }

if [ -f "$dest" ] && { [ "$(sha "$dest")" = "$lib_sha256" ] || [ -f "$dest_dir/.from-release" ]; }; then
  echo "$dest"
  exit 0
fi

mkdir -p "$dest_dir"
work=$(mktemp -d "$dest_dir/.tmp.XXXXXX")
trap 'rm -rf "$work"' EXIT

if command -v npm >/dev/null 2>&1; then
  echo "setup-ort: fetching onnxruntime-node@$version with npm pack (no install scripts)" >&2
  (cd "$work" && npm pack --silent --ignore-scripts "onnxruntime-node@$version" >/dev/null)
  tgz="$work/onnxruntime-node-$version.tgz"
  got=$(sha "$tgz")
  if [ "$got" != "$tgz_sha256" ]; then
    echo "setup-ort: onnxruntime-node-$version.tgz has sha256 $got; want $tgz_sha256" >&2
    exit 1
  fi
  tar -xzf "$tgz" -C "$work" package/bin/napi-v6/linux/x64/libonnxruntime.so.1
  lib="$work/package/bin/napi-v6/linux/x64/libonnxruntime.so.1"
  got=$(sha "$lib")
  if [ "$got" != "$lib_sha256" ]; then
    echo "setup-ort: libonnxruntime.so.1 has sha256 $got; want $lib_sha256" >&2
    exit 1
  fi
  mv -f "$lib" "$dest"
else
  url="https://github.com/microsoft/onnxruntime/releases/download/v$version/onnxruntime-linux-x64-$version.tgz"
  echo "setup-ort: npm not found; downloading the ONNX Runtime $version release archive" >&2
  if ! curl -fsSL -o "$work/ort.tgz" "$url"; then
    echo "setup-ort: cannot download $url; install npm, or set SKILLX_ORT_LIB to an installed libonnxruntime.so.1 ($version)" >&2
    exit 1
  fi
  echo "setup-ort: release archive sha256 $(sha "$work/ort.tgz") (compare with the release page)" >&2
  tar -xzf "$work/ort.tgz" -C "$work"
  mv -f "$work/onnxruntime-linux-x64-$version/lib/libonnxruntime.so.$version" "$dest"
  touch "$dest_dir/.from-release"
fi
echo "$dest"
