// Package clean is the second stage of the pipeline: it reads data/raw, normalises role names,
// splits skills texts into skill phrases, rejects postings without a role or skills (with the
// reason), merges exact duplicates into one posting with a count, and writes
// data/clean/postings.parquet, data/clean/rejects.parquet (which also carries ingest's rejects,
// so that data/clean alone accounts for every source record), data/clean/roles.parquet (one row
// per role) and a report under reports/clean.
package clean
