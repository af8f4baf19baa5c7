#!/usr/bin/env bash
# bench-ingest.sh BIN CSV WORKDIR: times `skillx ingest` + `skillx clean` on a Kaggle-shaped CSV
# beside the anchors a data engineer would reach for, run in the same session, alternated, with
# medians and ratios:
#   DuckDB  bench/anchors/duckdb-clean.cjs clean (npm @duckdb/node-api)
#   Polars  bench/anchors/polars-clean.cjs       (npm nodejs-polars)
#   pandas  ../shared/anchors/pandas_clean.py    (Debian python3-pandas)
# The npm anchors are installed by bench/anchors/npm-anchors.sh into ~/.cache/skillx/bench/npm
# (SKILLX_NPM_DIR); an anchor that cannot run is skipped with a message. Each skillx run starts
# from an empty workdir, so it pays for everything a first run does (hashing the input
# included). Then: the size of data/raw/postings.parquet beside DuckDB's Parquet of every row
# and column of the CSV, and the per-core throughput of the CSV reader (Go benchmark) and of
# ingest (MB of CSV per CPU second).
#
# Env: REPEAT (rounds, default 3), SHARED (default ../shared), GO (go; "" skips the Go benchmark),
#      ANCHORS ("duckdb polars pandas" by default; a subset to run fewer).
set -euo pipefail
bin=$1 csv=$2 work=$3
repeat=${REPEAT:-3}
shared=${SHARED:-../shared}
anchors=${ANCHORS:-duckdb polars pandas}
here=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$work"
work=$(cd "$work" && pwd)
csv=$(realpath "$csv")
bin=$(realpath "$bin")

# measure LABEL CMD...: runs CMD (stdout dropped) and prints "wall user+sys peak_mb".
measure() {
  local label=$1 out
  shift
  out=$(mktemp)
  if ! /usr/bin/time -f '%e %U %S %M' -o "$out" "$@" >/dev/null 2>"$out.err"; then
    echo "bench-ingest: $label failed:" >&2
    cat "$out.err" >&2
    rm -f "$out" "$out.err"
    return 1
  fi
  awk '{printf "%s %.2f %.0f\n", $1, $2 + $3, $4 / 1024}' "$out"
  rm -f "$out" "$out.err"
}
median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.2f\n", (a[NR/2]+a[NR/2+1])/2}'; }
load() { cut -d' ' -f1 /proc/loadavg; }
mbytes() { awk -v b="$1" 'BEGIN {printf "%.1f", b / 1e6}'; }

size=$(stat -c %s "$csv")
mb=$(echo "scale=1; $size / 1000000" | bc)
echo "input: $csv ($mb MB, $(($(wc -l <"$csv") - 1)) lines)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

# Which anchors can run.
declare -A run_anchor=()
modules=""
if [[ " $anchors " == *" duckdb "* || " $anchors " == *" polars "* ]]; then
  if modules=$("$here/bench/anchors/npm-anchors.sh"); then
    [[ " $anchors " == *" duckdb "* ]] && run_anchor[duckdb]=1
    [[ " $anchors " == *" polars "* ]] && run_anchor[polars]=1
  else
    echo "DuckDB and Polars anchors skipped: npm-anchors.sh could not install them (see above)"
  fi
fi
if [[ " $anchors " == *" pandas "* ]]; then
  if /usr/bin/python3 -c 'import pandas' 2>/dev/null && [ -f "$shared/anchors/pandas_clean.py" ]; then
    run_anchor[pandas]=1
  else
    echo "pandas anchor skipped: apt-get install -y python3-pandas (and $shared/anchors/pandas_clean.py) to measure it"
  fi
fi

run_skillx() { # prints "wall cpu peak ingest_wall clean_wall ingest_cpu"
  rm -rf "$work/skillx"
  local i c
  i=$(measure ingest "$bin" ingest --log-level warn --preset kaggle --input "$csv" --workdir "$work/skillx") || return 1
  c=$(measure clean "$bin" clean --log-level warn --workdir "$work/skillx") || return 1
  read -r iw ic im <<<"$i"
  read -r cw cc cm <<<"$c"
  awk -v iw="$iw" -v cw="$cw" -v ic="$ic" -v cc="$cc" -v im="$im" -v cm="$cm" \
    'BEGIN {printf "%.2f %.2f %d %.2f %.2f %.2f\n", iw + cw, ic + cc, (im > cm ? im : cm), iw, cw, ic}'

}
run_tool() { # TOOL: prints "wall cpu peak"
  case $1 in
  skillx) run_skillx ;;
  duckdb) NODE_PATH=$modules measure duckdb node "$here/bench/anchors/duckdb-clean.cjs" clean "$csv" "$work/duckdb.parquet" ;;
  polars) NODE_PATH=$modules measure polars node "$here/bench/anchors/polars-clean.cjs" "$csv" "$work/polars.parquet" ;;
  pandas) measure pandas /usr/bin/python3 "$shared/anchors/pandas_clean.py" "$csv" "$work/pandas.csv" ;;
  esac
}

tools=(skillx)
for t in duckdb polars pandas; do [ -n "${run_anchor[$t]:-}" ] && tools+=("$t"); done
declare -A wall=() cpu=() peak=() loads=() round_wall=()
declare -a iwall cwall icpu
for round in $(seq "$repeat"); do
  # Rotate the order, so that no tool always runs first (or after the same one).
  n=${#tools[@]}
  for k in $(seq 0 $((n - 1))); do
    t=${tools[$(((k + round - 1) % n))]}
    l=$(load)
    res=$(run_tool "$t") || { echo "bench-ingest: $t failed" >&2; exit 1; }
    read -r w c p rest <<<"$res"
    wall[$t]+="$w "
    round_wall[$t,$round]=$w
    cpu[$t]+="$c "
    peak[$t]+="$p "
    loads[$t]+="$l "
    if [ "$t" = skillx ]; then
      read -r iw cw ic <<<"$rest"
      iwall+=("$iw") cwall+=("$cw") icpu+=("$ic")
      echo "round $round: skillx ingest+clean ${w}s (ingest ${iw}s, clean ${cw}s), ${c} CPU-s, peak ${p} MB, load ${l}"
    else
      echo "round $round: $t ${w}s, ${c} CPU-s, peak ${p} MB, load ${l}"
    fi
  done
done

med() { tr ' ' '\n' <<<"${1% }" | median; }
sw=$(med "${wall[skillx]}")
sc=$(med "${cpu[skillx]}")
echo
echo "medians of $repeat rounds (wall s, CPU s, peak MB); ratio = the tool's median wall / skillx's (above 1: skillx is faster);"
echo "per round: the tool's wall / skillx's in the same round, each round's ratio"
printf '%-28s %8s %8s %8s %8s  %s\n' tool wall cpu peak ratio "per round"
for t in "${tools[@]}"; do
  w=$(med "${wall[$t]}")
  label=$t
  [ "$t" = skillx ] && label="skillx ingest+clean"
  [ "$t" = duckdb ] && label="DuckDB 1.5.6 clean query"
  [ "$t" = polars ] && label="Polars 0.25.2 (nodejs)"
  [ "$t" = pandas ] && label="pandas $(/usr/bin/python3 -c 'import pandas; print(pandas.__version__)')"
  rounds=""
  for round in $(seq "$repeat"); do
    rounds+="$(awk -v a="${round_wall[$t,$round]}" -v b="${round_wall[skillx,$round]}" 'BEGIN {printf "%.2f", a / b}') "
  done
  printf '%-28s %8s %8s %8s %8s  %s\n' "$label" "$w" "$(med "${cpu[$t]}")" "$(med "${peak[$t]}")" \
    "$(awk -v a="$w" -v b="$sw" 'BEGIN {printf "%.2f", a / b}')" "$rounds"
done
echo "skillx: ingest median $(printf '%s\n' "${iwall[@]}" | median)s, clean median $(printf '%s\n' "${cwall[@]}" | median)s"
echo "load average (1 min) when each tool started: $(for t in "${tools[@]}"; do printf '%s %s; ' "$t" "${loads[$t]% }"; done)"

echo
raw=$work/skillx/data/raw/postings.parquet
raw_size=$(stat -c %s "$raw")
if [ -n "${run_anchor[duckdb]:-}" ]; then
  r=$(NODE_PATH=$modules measure "duckdb copy" node "$here/bench/anchors/duckdb-clean.cjs" copy "$csv" "$work/duckdb-all.parquet")
  duck_size=$(stat -c %s "$work/duckdb-all.parquet")
  echo "raw table: data/raw/postings.parquet $(mbytes "$raw_size") MB; DuckDB's Parquet of every row and column $(mbytes "$duck_size") MB (written in $(cut -d' ' -f1 <<<"$r") s): $(echo "scale=2; $raw_size / $duck_size" | bc)x"
  rm -f "$work/duckdb-all.parquet"
else
  echo "raw table: data/raw/postings.parquet $(mbytes "$raw_size") MB (DuckDB anchor skipped: no size to compare)"
fi

echo
ic=$(printf '%s\n' "${icpu[@]}" | median)
echo "per core: skillx ingest reads $(echo "scale=0; $mb / $ic" | bc) MB of CSV per CPU second (median ${ic} CPU-s for $mb MB; parsing, encoding, compressing and hashing the input)"
if [ -n "${GO-go}" ] && command -v "${GO:-go}" >/dev/null; then
  line=$(cd "$here" && "${GO:-go}" test -run '^$' -bench 'CSV$' -benchtime 5x ./internal/tabular | grep -E '^BenchmarkCSV' || true)
  echo "per core: CSV reader (go test -bench 'CSV\$' ./internal/tabular): $(grep -oE '[0-9.]+ MB/cpu-s' <<<"$line" || echo 'not measured')"
fi
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
rm -f "$work/duckdb.parquet" "$work/polars.parquet" "$work/pandas.csv"
