// Package bertmodel builds BERT-shaped sentence encoders as ONNX files, with random but
// seeded weights, for tests and benchmarks that must run without the real model.
//
// A model built here has the inputs, outputs and operators of a Hugging Face export of
// sentence-transformers/all-MiniLM-L6-v2: int64 inputs input_ids, attention_mask and
// token_type_ids of shape [batch, sequence], and the float32 output last_hidden_state of
// shape [batch, sequence, hidden] (or, with Config.Pooled, sentence_embedding [batch, hidden],
// mean-pooled over the attention mask and L2-normalised inside the graph). MiniLML6 gives the
// real model's size and compute; Tiny a model of a few megabytes whose vocabulary still fits
// the real tokenizer's ids. Weights.Forward computes the same network in plain Go, so tests
// can check ONNX Runtime's output against it.
package bertmodel
