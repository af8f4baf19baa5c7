// Package classifier reads and writes models/classifier.json (labels, architecture, encoder
// id, seed, split and data hashes) and runs any ONNX classifier with the pipeline's signature
// (input "embedding" float32 [N, D], output "probabilities" float32 [N, C]) through ONNX
// Runtime, checking it against its labels before use.
package classifier
