// Package hashenc is a deterministic, model-free text encoder: signed feature
// hashing of normalised word unigrams and bigrams into Dim dimensions,
// L2-normalised. It stands in for the MiniLM encoder where the model weights
// are absent and serves as a baseline in evaluation.
//
// The algorithm (version 1, the "v1" in ID):
//
//  1. Normalise: Unicode NFKC, lower case (strings.ToLower), then NFD with
//     the non-spacing marks (Mn) dropped, so "Café" and "cafe" are one word.
//  2. Words are maximal runs of letters, numbers, marks and the characters
//     '+', '#' and '.', so "c++", "c#" and "node.js" stay words. Leading and
//     trailing dots are trimmed ("python." is "python"); a run with no letter
//     or number ("++", "...") is not a word.
//  3. Features: every word (weight 1) and every pair of adjacent words
//     (weight 0.5) not separated by punctuation or a trailing dot, so in
//     "SQL, Python, data analysis" the only bigram is "data analysis". The key
//     of a unigram is its UTF-8 bytes; of a bigram, the two words joined by a
//     NUL byte.
//  4. Hash: FNV-1a 64 of the key's bytes (offset basis 14695981039346656037,
//     prime 1099511628211, no seed), then MurmurHash3's 64-bit finaliser
//     (fmix64). The feature adds its weight to bucket h mod dim, with a minus
//     sign when bit 63 of h is set.
//  5. The vector is divided by its L2 norm; a text without words gives the
//     zero vector.
//
// Every step is pure integer or IEEE float arithmetic in a fixed order (no map
// iteration, no per-process hash seed), so vectors are identical across runs
// and machines. Any change to these steps must change ID.
package hashenc
