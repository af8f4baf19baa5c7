// Package mlp trains a multi-layer perceptron classifier (dense layers with ReLU, softmax
// output, weighted cross-entropy, Adam) on float32 feature vectors, and exports it as an ONNX
// model.
//
// It is the model behind `skillx train`: 384-dimensional sentence embeddings in, one
// probability per role out. Training runs on the CPU with a packed, blocked float32 matrix
// multiply (an AVX2/FMA micro-kernel on amd64 where the CPU has it, pure Go elsewhere),
// parallelised over disjoint tiles of each output matrix. Every floating-point sum is
// computed in an order that depends on neither the number of threads nor their scheduling,
// so the same inputs, Config and seed give byte-identical models and ONNX files on a given
// machine (machines whose CPUs take different kernels may differ in the last bits).
//
// Weights are stored like PyTorch's nn.Linear: layer l maps Sizes()[l] inputs to
// Sizes()[l+1] outputs with a row-major weight matrix of shape [out, in] and a bias of length out, and
// are initialised as nn.Linear does by default (Kaiming uniform with a = √5, which is
// U(-1/√in, 1/√in) for weights and biases alike).
//
// Speed: BenchmarkGemm compares the kernels with gonum's blas32.Gemm on the shapes of a
// training step, and BenchmarkTrainEpoch trains the prototype's 384-512-256-128-376 network
// for an epoch over 100,000 random unit vectors, as shared/anchors/torch_mlp.py does in
// PyTorch; bench/anchors/torch-mlp.sh runs both alternately and prints the ratio:
//
//	go test -run '^$' -bench Gemm -count 3 ./internal/mlp
//	go test -run '^$' -bench TrainEpoch -benchtime 1x -count 3 ./internal/mlp
//	bench/anchors/torch-mlp.sh
package mlp
