#!/usr/bin/env bash
# bench-ingest.sh BIN CSV WORKDIR: times `skillx ingest` + `skillx clean` on a Kaggle-shaped CSV
# (wall time and peak memory from /usr/bin/time -v), then, in the same run, the pandas anchor
# (../shared/anchors/pandas_clean.py with Debian's python3-pandas) when it is installed.
# Repeats each REPEAT times (default 3) and prints the median.
set -euo pipefail
bin=$1 csv=$2 work=$3
repeat=${REPEAT:-3}
shared=${SHARED:-../shared}
mkdir -p "$work"

measure() { # label, command...: prints "label wall_s peak_mb" per run
  local label=$1; shift
  local out
  out=$(mktemp)
  /usr/bin/time -v "$@" >/dev/null 2>"$out" || { cat "$out" >&2; rm -f "$out"; return 1; }
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$out")
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$out")
  rm -f "$out"
  echo "$label $wall $rss"
}

median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.2f\n", (a[NR/2]+a[NR/2+1])/2}'; }

size=$(stat -c %s "$csv")
rows=$(($(wc -l < "$csv") - 1))
echo "input: $csv ($((size / 1000000)) MB, ~$rows lines)"
declare -a ing cln tot mem
for i in $(seq "$repeat"); do
  read -r _ w1 m1 < <(measure ingest "$bin" ingest --force --log-level warn --preset kaggle --input "$csv" --workdir "$work")
  read -r _ w2 m2 < <(measure clean "$bin" clean --force --log-level warn --workdir "$work")
  ing+=("$w1"); cln+=("$w2"); tot+=("$(echo "$w1 + $w2" | bc)"); mem+=("$(( m1 > m2 ? m1 : m2 ))")
  echo "run $i: ingest ${w1}s (${m1} MB peak), clean ${w2}s (${m2} MB peak)"
done
skx=$(printf '%s\n' "${tot[@]}" | median)
skm=$(printf '%s\n' "${mem[@]}" | median)
echo "skillx ingest+clean: median ${skx}s, peak ${skm} MB"
if /usr/bin/python3 -c 'import pandas' 2>/dev/null && [ -f "$shared/anchors/pandas_clean.py" ]; then
  declare -a pw pm
  for i in $(seq "$repeat"); do
    read -r _ w m < <(measure pandas /usr/bin/python3 "$shared/anchors/pandas_clean.py" "$csv" "$work/pandas_out.csv")
    pw+=("$w"); pm+=("$m")
    echo "pandas run $i: ${w}s (${m} MB peak)"
  done
  pdx=$(printf '%s\n' "${pw[@]}" | median)
  pdm=$(printf '%s\n' "${pm[@]}" | median)
  echo "pandas anchor: median ${pdx}s, peak ${pdm} MB"
  echo "ratio: skillx is $(echo "scale=2; $pdx / $skx" | bc)x faster, using $(echo "scale=2; $skm / $pdm" | bc)x the memory"
  rm -f "$work/pandas_out.csv"
else
  echo "pandas anchor skipped: apt-get install -y python3-pandas to measure it in the same run"
fi
