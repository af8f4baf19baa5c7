// Package tokenizer is a BERT WordPiece tokenizer that gives the same ids as
// Hugging Face's tokenizers library for a BERT tokenizer.json (all-MiniLM-L6-v2
// and other uncased BERT models).
//
// The pipeline is the one Hugging Face runs:
//
//  1. Special tokens ("[CLS]", "[SEP]", "[UNK]", ... as listed in added_tokens)
//     are cut out of the raw text first and map to their own ids.
//  2. BertNormalizer: clean_text drops U+0000, U+FFFD and control characters
//     (general categories Cc, Cf and Co, except tab, newline and carriage
//     return) and maps every white-space character to a space;
//     handle_chinese_chars puts spaces around CJK ideographs; strip_accents
//     (on by default when lowercase is on) decomposes to NFD and drops
//     non-spacing marks (Mn); lowercase maps every character to lower case.
//  3. BertPreTokenizer: words are split on white space (removed) and on every
//     punctuation character (kept as a one-character word): ASCII 33-47,
//     58-64, 91-96, 123-126 and the Unicode categories P*.
//  4. WordPiece: greedy longest-match-first, continuation pieces prefixed
//     with "##"; a word with more than max_input_chars_per_word characters,
//     or one that cannot be covered, becomes a single [UNK].
//  5. Truncation to Config.MaxLength pieces and the template [CLS] $A [SEP].
//
// Padding is left to the caller, which pads each batch to its longest text.
// Text that is pure ASCII takes a fast path with table look-ups and a reused
// buffer; other text is normalised stage by stage exactly as above.
//
// Known differences from Hugging Face's Rust code, all outside everyday text:
// character categories come from Go's Unicode tables, which are newer than
// those of the Rust crates (a character assigned or re-categorised since then
// may be treated differently), and every private-use character (Co) is
// removed, where the Rust crate's table may list only the ends of the
// private-use ranges. Lower-casing is per character, as in Rust, so a final
// capital sigma becomes σ (transformers.js gives ς), and ideographs outside
// the Basic Multilingual Plane are split like the others (transformers.js
// does not split them).
package tokenizer
