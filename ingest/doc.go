// Package ingest is the first stage of the pipeline: it reads job postings from raw sources
// (CSV, TSV, JSON Lines or Parquet, optionally gzip-compressed) through a preset (kaggle,
// linkedin, onet) or an explicit column mapping, and writes them in one stable schema to
// data/raw/postings.parquet, with every record it cannot read in data/raw/rejects.parquet.
//
// It streams: memory does not grow with the input, except for the LinkedIn preset's join of
// titles by job_link and the O*NET preset's grouping of skills by occupation.
package ingest
