// Package records defines the rows of the Parquet files that stages hand to each other: the file
// contracts of DESIGN.md as Go structs. A stage writes and reads these files only through the
// types here, so a schema change is made in one place. The raw postings file, whose extras
// columns depend on the source, has its schema (RawColumns), writer (RawWriter) and column
// names (Raw*) here too.
package records
