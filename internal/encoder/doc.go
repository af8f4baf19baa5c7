// Package encoder turns texts into L2-normalised sentence vectors, behind one interface that
// the features stage and the recommend stage use: the MiniLM encoder (*ONNX: a BERT-shaped
// ONNX model run by ONNX Runtime) and the model-free hashing encoder (Hashing).
//
// ONNX reads a model with the signature of a Hugging Face export of all-MiniLM-L6-v2: int64
// inputs input_ids and attention_mask, and token_type_ids when the model has it, all
// [batch, sequence]; and either the float32 output last_hidden_state [batch, sequence,
// hidden], which is mean-pooled over the attention mask and L2-normalised here exactly as
// sentence-transformers does (the sum of the unmasked token vectors divided by
// max(count, 1e-9), then by max(norm, 1e-12)), or an already pooled sentence_embedding
// [batch, hidden], which is used as it is and L2-normalised here only when its norm is not 1
// (within 1e-6). When a model has both outputs, sentence_embedding is used.
//
// Texts are tokenised with the model's WordPiece tokenizer (at most MaxLength word pieces),
// sorted by length within chunks of the input and run in batches that are each padded to
// their own longest text, never to a fixed length; the vectors come back in input order.
// Padding never reaches a vector: padded positions have attention mask 0 and are left out of
// the mean. One ONNX Runtime session is created by NewONNX and reused by every call; its
// owner frees it with Close.
package encoder
