package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/skillx/skillx/internal/tokenizer"
)

// newTokenizeCommand returns the skillx tokenize command.
func newTokenizeCommand() *command {
	return &command{
		name:     "tokenize",
		readOnly: true,
		summary:  "print the word-piece ids of texts (BERT WordPiece, as Hugging Face)",
		usage: `Tokenizes each TEXT argument with a tokenizer.json (or vocab.txt) and prints one line per text:
the ids, a tab, and the word pieces. The ids are exactly Hugging Face's (BertNormalizer,
BertPreTokenizer, WordPiece, [CLS] ... [SEP]), truncated to --max-length word pieces.

Example:
  skillx tokenize --tokenizer ../shared/models/all-MiniLM-L6-v2/tokenizer.json "Python, SQL, Machine Learning"
  -> 101 18750 1010 29296 1010 3698 4083 102	[CLS] python , sql , machine learning [SEP]`,
		flags: func(fs *flag.FlagSet, g *globalOptions) func(context.Context, []string) error {
			var path string
			var maxLen int
			fs.StringVar(&path, "tokenizer", "models/all-MiniLM-L6-v2/tokenizer.json", "tokenizer.json or vocab.txt")
			fs.IntVar(&maxLen, "max-length", tokenizer.DefaultMaxLength, "word pieces per text, [CLS] and [SEP] included")
			g.check(zeroOrAtLeast("max-length", &maxLen, 2))
			return func(ctx context.Context, args []string) error {
				if len(args) == 0 {
					return usagef("no text: pass one or more TEXT arguments")
				}
				tok, err := tokenizer.Load(path, tokenizer.Config{MaxLength: maxLen})
				if err != nil {
					return err
				}
				for _, text := range args {
					enc := tok.Encode(text)
					ids := make([]string, len(enc.IDs))
					for i, id := range enc.IDs {
						ids[i] = fmt.Sprint(id)
					}
					fmt.Fprintf(g.stdout, "%s\t%s\n", strings.Join(ids, " "), strings.Join(enc.Tokens, " "))
				}
				return nil
			}
		},
	}
}
