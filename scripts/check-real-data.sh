#!/usr/bin/env bash
# check-real-data.sh BIN SHARED: runs the pipeline on the real data sets in SHARED/datasets and
# prints the figures: the Kaggle sample end to end (its row-level split leaks, and the report
# must say so), and a model trained on O*NET scored against the LinkedIn postings and against
# O*NET's Related Occupations. Fails on any stage error or a missing leakage warning.
set -euo pipefail
bin=$1 shared=$2
ds="$shared/datasets"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export SKILLX_NO_PROGRESS=1

echo "-- Kaggle sample: every stage"
"$bin" run --log-level warn --preset kaggle --input "$ds/kaggle-job-descriptions/job_descriptions_sample.csv" --workdir "$work/kaggle"
grep -q "Leakage warning" "$work/kaggle/reports/evaluation/report.md" || { echo "report.md lacks the leakage warning" >&2; exit 1; }
grep -q "will leak" "$work/kaggle/reports/clean/summary.md" || { echo "summary.md lacks the leakage warning" >&2; exit 1; }
grep -q '"roles_with_training_examples": 376' "$work/kaggle/models/classifier.json" || { echo "the Kaggle serving model does not know all 376 roles" >&2; exit 1; }

echo "-- O*NET: every stage up to features, then a model trained on all occupations (--test 0)"
"$bin" ingest --log-level warn --preset onet --input "$ds/onet-29.2" --workdir "$work/onet"
"$bin" clean --log-level warn --workdir "$work/onet"
"$bin" features --log-level warn --workdir "$work/onet"
"$bin" train --log-level warn --test 0 --workdir "$work/onet"
grep -q '"roles_with_training_examples": 923' "$work/onet/models/classifier.json" || { echo "the O*NET serving model does not know all 923 occupations" >&2; exit 1; }

echo "-- LinkedIn: ingest and clean, then the O*NET model scored against it, and career transitions"
"$bin" ingest --log-level warn --preset linkedin --input "$ds/linkedin-2024-job-skills" --workdir "$work/linkedin"
"$bin" clean --log-level warn --workdir "$work/linkedin"
echo "-- the person benchmark: 5 skills of real LinkedIn postings whose titles map to O*NET or Kaggle"
"$bin" people-bench --datasets "$ds" --out "$work/people.csv" --seed 1
"$bin" evaluate --log-level warn --workdir "$work/onet" --against "$work/linkedin" --onet "$ds/onet-29.2" --transitions --people "$work/people.csv"
# The served ranking must beat the TF-IDF baseline on every set (the report says so in plain words).
if grep -q "BEATS the served ranking\|does NOT beat" "$work/onet/reports/evaluation/report.md"; then
  echo "a baseline beats the served ranking:" >&2; grep "BEATS\|does NOT" "$work/onet/reports/evaluation/report.md" >&2; exit 1
fi
echo "-- the Kaggle sample model on the person benchmark"
"$bin" evaluate --log-level warn --workdir "$work/kaggle" --people "$work/people.csv"
