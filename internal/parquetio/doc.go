// Package parquetio writes and reads the pipeline's Parquet files with one set of settings:
// Snappy compression, bounded row groups (so memory does not grow with the row count), atomic
// replacement of the output, and streaming reads in batches.
//
// Writer and Scan map Go structs onto files through parquet-go. TableWriter writes a flat
// table column by column for the largest file, data/raw/postings.parquet: dictionary encoding
// where values repeat (falling back to plain where a dictionary outgrows DictionaryMaxBytes),
// delta encoding of row numbers, and row groups compressed on a goroutine of their own.
// ScanColumns reads only the columns asked for, a string column as a dictionary and an index
// per row, so that a stage that reads repeated texts handles each distinct one once.
package parquetio
