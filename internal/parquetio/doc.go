// Package parquetio writes and reads the pipeline's Parquet files with one set of settings:
// Snappy compression, bounded row groups (so memory does not grow with the row count), atomic
// replacement of the output, and streaming reads in batches.
package parquetio
