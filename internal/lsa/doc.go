// Package lsa computes a truncated singular value decomposition of a large
// sparse matrix, the numeric core of latent semantic analysis (LSA): a corpus
// of TF-IDF document vectors (rows = documents, columns = terms) is reduced to
// K dense dimensions by projecting onto the top K right singular vectors, so
// that downstream models (an MLP, cosine-similarity analysis) work on short
// dense vectors instead of 10^5-dimensional sparse ones.
//
// Fit implements the randomized range finder with subspace (power) iteration
// of Halko, Martinsson & Tropp, "Finding structure with randomness:
// Probabilistic algorithms for constructing approximate matrix
// decompositions", SIAM Review 53(2), 2011 (algorithm 4.4, followed by the
// "direct SVD" of section 5.1), arranged so that no dense Rows x Cols or
// Rows x (K+p) matrix is ever formed and no SVD larger than (K+p) x (K+p) is
// computed. With A the m x n input
// (m = Rows, n = Cols), l = K + Oversample and q = PowerIters:
//
//  1. Ω is an n x l Gaussian test matrix drawn from Seed.
//  2. q+1 times: Z = Aᵀ(A X) (X = Ω the first time), then X = Q of the
//     Householder QR of Z. The product is streamed over blocks of rows, so A X
//     exists only one block at a time; re-orthonormalising after every step
//     keeps the small singular directions from being lost in rounding. The
//     range of the final X is that of (AᵀA)^(q+1) Ω, the row-space analogue of
//     Halko's Q for q power iterations.
//  3. The small Gram matrix G = (A X)ᵀ(A X) (l x l) is accumulated block by
//     block and eigen-decomposed (gonum mat.EigenSym): G = W Λ Wᵀ. The
//     singular values are sqrt(Λ), the right singular vectors are V = X W.
//     Since X and W are orthonormal, V is orthonormal even when A has rank
//     below K (the corresponding singular values are then ~0, never NaN).
//     Working with the Gram matrix squares the condition number, so singular
//     values below about 1e-7 σ₁ are accurate only in absolute terms
//     (~1e-8 σ₁), well below what the float32 result resolves anyway.
//  4. Each component's sign is fixed so that its largest-magnitude entry is
//     positive (the first such entry on a tie).
//
// Peak memory is about two n x l float64 matrices plus a transposed copy of
// A (8 bytes per non-zero) and the K x n float32 result; the dense algebra is
// float64, the stored result float32. The sparse products run on
// Options.Threads goroutines; every output element is accumulated by a single
// goroutine in a fixed order, so the result does not depend on Threads. The
// dense steps use gonum, whose own parallel matrix product is also
// deterministic. Same input, options and Seed give bit-identical output on the
// same platform and build.
package lsa
