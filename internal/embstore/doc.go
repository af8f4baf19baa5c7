// Package embstore reads and writes data/features/embeddings.arrow: one row per distinct text
// with the encoder id, the sha256 of the text, the text and its vector, as an Arrow IPC file
// written in record batches (never all rows in memory). It is the cache that lets a refresh of
// the features stage embed only the texts it has not seen.
package embstore
