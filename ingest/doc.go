// Package ingest is the first stage of the pipeline: it reads job postings from raw sources
// (CSV, TSV, JSON Lines or Parquet, optionally gzip-compressed) through a preset (kaggle,
// linkedin, onet) or an explicit column mapping, and writes them in one stable schema to
// data/raw/postings.parquet, with every record it cannot read in data/raw/rejects.parquet.
//
// It streams: memory does not grow with the input, except for the LinkedIn preset's join of
// titles by job_link and the O*NET preset's grouping of skills by occupation. Reading and
// parsing, encoding the Parquet columns, compressing row groups and hashing the inputs for the
// manifest run on goroutines of their own. The source's columns that no field is mapped to
// are kept in the group "extras", one column each (see records.RawColumns); a JSON Lines
// source is read once more for its keys, since later records can bring new ones.
//
// Text that is not valid UTF-8 is read as Windows-1252 where it decodes cleanly (or in the
// encoding Config.Encoding names), and every decoded or replaced field is counted per file,
// logged as a warning with the first one's row and field, and kept in the manifest. A run that
// rejects more than Config.MaxRejectShare of its records (records with nothing to join aside)
// fails without publishing anything, leaving its rejects in data/raw/rejects.failed.parquet.
package ingest
