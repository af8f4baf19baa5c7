// Package clean is the second stage of the pipeline: it reads data/raw, normalises role names,
// splits skills texts into skill phrases (on the source's own line breaks and bullets first),
// rejects postings without a role or skills (with the reason), merges duplicates (the same role
// ignoring case, and the same skills text and description after trimming and collapsing white
// space) into one posting with a count, and writes
// data/clean/postings.parquet, data/clean/rejects.parquet (which also carries ingest's rejects,
// so that data/clean alone accounts for every source record), data/clean/roles.parquet (one row
// per role) and a report under reports/clean. A run that rejects more than
// Config.MaxRejectShare of the raw postings fails without publishing anything, leaving its
// rejects in data/clean/rejects.failed.parquet.
//
// It reads only the raw columns it needs, the texts as dictionaries and indexes
// (parquetio.ScanColumns), and works row group by row group on distinct combinations of role,
// skills, description and title: a text is normalised and split once per row group, and a
// row costs a map lookup.
package clean
