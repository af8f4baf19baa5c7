// Package dataset loads the features stage's outputs (data/features/examples.parquet and the
// vectors of embeddings.arrow) into memory as one matrix with labels, weights and groups, for
// the train and evaluate stages.
package dataset
