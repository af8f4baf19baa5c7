// Package features is the third stage of the pipeline: it reads data/clean, builds the set of
// distinct texts (each posting's skill phrases joined as the classifier input, seeded samples of
// 3 to 6 phrases that look like what a person types, every distinct skill phrase and every role
// name), embeds each distinct text once with the chosen encoder (MiniLM through ONNX Runtime,
// or the model-free hashing encoder), and writes data/features/embeddings.arrow (a cache keyed
// by encoder id and text hash, so a refresh embeds only new texts) and
// data/features/examples.parquet (the training examples with role, weight and group).
package features
