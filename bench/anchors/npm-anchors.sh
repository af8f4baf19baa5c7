#!/usr/bin/env bash
# npm-anchors.sh installs the Node.js anchors of `make bench-ingest`, pinned, into an npm folder
# that is kept between runs (default ~/.cache/skillx/bench/npm; SKILLX_NPM_DIR names another):
#   @duckdb/node-api 1.5.6-r.1 (DuckDB 1.5.6)       duckdb-clean.cjs, and the ingest DuckDB test
#   nodejs-polars 0.25.2 (+ its linux-x64-gnu build) polars-clean.cjs
# Prints the folder's node_modules path (for NODE_PATH). Exits 1 with a message where npm is
# missing or the install fails; an installed folder is not installed again.
set -euo pipefail
dir=${SKILLX_NPM_DIR:-$HOME/.cache/skillx/bench/npm}
modules=$dir/node_modules
want=("@duckdb/node-api@1.5.6-r.1" "nodejs-polars@0.25.2" "nodejs-polars-linux-x64-gnu@0.25.2")
installed() {
  [ "$(node -p "require('$modules/@duckdb/node-api/package.json').version" 2>/dev/null)" = "1.5.6-r.1" ] &&
    [ "$(node -p "require('$modules/nodejs-polars/package.json').version" 2>/dev/null)" = "0.25.2" ]
}
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "npm-anchors.sh: node and npm are needed (apt-get install -y npm)" >&2
  exit 1
fi
if ! installed; then
  mkdir -p "$dir"
  [ -f "$dir/package.json" ] || echo '{"private": true}' > "$dir/package.json"
  echo "npm-anchors.sh: installing ${want[*]} into $dir" >&2
  (cd "$dir" && npm install --no-audit --no-fund --loglevel=error "${want[@]}" >&2) || {
    echo "npm-anchors.sh: npm install failed in $dir" >&2
    exit 1
  }
  installed || { echo "npm-anchors.sh: the install in $dir did not give the pinned versions" >&2; exit 1; }
fi
echo "$modules"
