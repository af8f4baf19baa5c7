// Package benchdata generates large job-postings CSV files for benchmarks.
//
// Generate reads a small CSV in the Kaggle job_descriptions.csv schema (the tracked sample
// data/sample/job_postings.csv, or the real Kaggle sample) and writes a file of any number of
// rows with the same header by resampling the source's rows. Each output row takes the columns
// that define a training example (Job Title, Role, Job Description, skills, Responsibilities)
// and the rest of its columns from one source row, so the output holds exactly the source's
// distinct (Role, skills, Job Description) combinations, as the 1.6M-row Kaggle file holds only
// 376. The columns that vary from posting to posting are varied: a unique Job Id, Experience,
// Salary Range (in Kaggle's ranges), Job Posting Date, Contact Person (a first name and a last
// name of different source rows) and Contact are generated; location, Country, latitude and
// longitude are drawn together from another source row, Company and Company Profile together
// from another, and Preference and Job Portal each from a row of their own.
//
// The source is read with internal/tabular's CSV reader, its quoting strict
// (tabular.Options.StrictQuotes). Source rows that cannot serve (broken quoting, a wrong number
// of fields, an empty Role or an empty skills text) are skipped and counted in Stats. A quoted
// field that is never closed does not swallow the rows after it: the line that opened it is
// skipped and reading resumes on the next line. Values are written back as CSV, quoted only
// where CSV needs it (a quote, a comma or a line break); text that is not UTF-8 is decoded as
// ingest decodes it (tabular.EncodingAuto), so the output is UTF-8.
//
// Output is deterministic for a source and a seed. Memory is bounded by the source, not by the
// number of rows written, and the file is written through internal/atomicfile, so a failed or
// cancelled run leaves no partial file behind.
package benchdata
