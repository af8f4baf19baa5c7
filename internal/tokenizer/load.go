package tokenizer

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"unicode"
)

// DefaultMaxLength is the number of word pieces, [CLS] and [SEP] included, that
// Encode keeps when Config.MaxLength is 0: the max_seq_length of
// sentence-transformers' all-MiniLM-L6-v2.
const DefaultMaxLength = 256

// Config holds the settings of a Tokenizer that are not read from its file.
type Config struct {
	// MaxLength is the largest number of word pieces in an encoding,
	// including [CLS] and [SEP]; 0 means DefaultMaxLength.
	MaxLength int
}

// settings is what Load reads from a tokenizer file.
type settings struct {
	vocab       map[string]int64
	unk         string
	prefix      string
	maxChars    int
	cleanText   bool
	chinese     bool
	stripAccent bool
	lowercase   bool
	cls, sep    string
	added       []addedToken
}

// addedToken is a token of added_tokens that is matched in the raw text.
type addedToken struct {
	content string
	id      int64
}

// Load reads a tokenizer from path, which is either a Hugging Face
// tokenizer.json with a WordPiece model, a BertNormalizer and a
// BertPreTokenizer, or a BERT vocab.txt (one token per line, its line number
// being its id) used with the defaults of an uncased BERT tokenizer.
func Load(path string, cfg Config) (*Tokenizer, error) {
	if cfg.MaxLength == 0 {
		cfg.MaxLength = DefaultMaxLength
	}
	if cfg.MaxLength < 2 {
		return nil, fmt.Errorf("load tokenizer %s: max length %d is less than 2 ([CLS] and [SEP])", path, cfg.MaxLength)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load tokenizer: %w", err)
	}
	var s *settings
	if trimmed := bytes.TrimLeft(data, " \t\r\n\ufeff"); len(trimmed) > 0 && trimmed[0] == '{' {
		s, err = parseJSON(data)
	} else {
		s, err = parseVocabTxt(data)
	}
	if err != nil {
		return nil, fmt.Errorf("load tokenizer %s: %w", path, err)
	}
	t, err := build(s, cfg)
	if err != nil {
		return nil, fmt.Errorf("load tokenizer %s: %w", path, err)
	}
	sum := sha256.Sum256(data)
	t.sha = hex.EncodeToString(sum[:])
	return t, nil
}

// tokenizerJSON is the part of a tokenizer.json that Load reads.
type tokenizerJSON struct {
	AddedTokens []struct {
		ID         int64  `json:"id"`
		Content    string `json:"content"`
		SingleWord bool   `json:"single_word"`
		LStrip     bool   `json:"lstrip"`
		RStrip     bool   `json:"rstrip"`
		Normalized bool   `json:"normalized"`
		Special    bool   `json:"special"`
	} `json:"added_tokens"`
	Normalizer    json.RawMessage `json:"normalizer"`
	PreTokenizer  json.RawMessage `json:"pre_tokenizer"`
	PostProcessor json.RawMessage `json:"post_processor"`
	Model         struct {
		Type                    string           `json:"type"`
		Vocab                   map[string]int64 `json:"vocab"`
		UnkToken                *string          `json:"unk_token"`
		ContinuingSubwordPrefix *string          `json:"continuing_subword_prefix"`
		MaxInputCharsPerWord    *int             `json:"max_input_chars_per_word"`
	} `json:"model"`
}

func isNull(raw json.RawMessage) bool {
	return len(bytes.TrimSpace(raw)) == 0 || string(bytes.TrimSpace(raw)) == "null"
}

func parseJSON(data []byte) (*settings, error) {
	var f tokenizerJSON
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("parse tokenizer.json: %w", err)
	}
	if f.Model.Type != "" && f.Model.Type != "WordPiece" {
		return nil, fmt.Errorf("model type %q is not WordPiece", f.Model.Type)
	}
	if len(f.Model.Vocab) == 0 {
		return nil, errors.New("model.vocab is empty")
	}
	s := &settings{vocab: f.Model.Vocab, unk: "[UNK]", prefix: "##", maxChars: 100}
	if f.Model.UnkToken != nil {
		s.unk = *f.Model.UnkToken
	}
	if f.Model.ContinuingSubwordPrefix != nil {
		s.prefix = *f.Model.ContinuingSubwordPrefix
	}
	if f.Model.MaxInputCharsPerWord != nil {
		s.maxChars = *f.Model.MaxInputCharsPerWord
	}

	// The normalizer: absent or null means none at all.
	if !isNull(f.Normalizer) {
		var n struct {
			Type               string `json:"type"`
			CleanText          *bool  `json:"clean_text"`
			HandleChineseChars *bool  `json:"handle_chinese_chars"`
			StripAccents       *bool  `json:"strip_accents"`
			Lowercase          *bool  `json:"lowercase"`
		}
		if err := json.Unmarshal(f.Normalizer, &n); err != nil {
			return nil, fmt.Errorf("parse normalizer: %w", err)
		}
		if n.Type != "BertNormalizer" {
			return nil, fmt.Errorf("normalizer type %q is not supported (only BertNormalizer)", n.Type)
		}
		s.cleanText, s.chinese, s.lowercase = orTrue(n.CleanText), orTrue(n.HandleChineseChars), orTrue(n.Lowercase)
		s.stripAccent = s.lowercase // strip_accents null follows lowercase
		if n.StripAccents != nil {
			s.stripAccent = *n.StripAccents
		}
	}

	var pre struct {
		Type string `json:"type"`
	}
	if isNull(f.PreTokenizer) {
		return nil, errors.New("pre_tokenizer is missing (only BertPreTokenizer is supported)")
	}
	if err := json.Unmarshal(f.PreTokenizer, &pre); err != nil {
		return nil, fmt.Errorf("parse pre_tokenizer: %w", err)
	}
	if pre.Type != "BertPreTokenizer" {
		return nil, fmt.Errorf("pre_tokenizer type %q is not supported (only BertPreTokenizer)", pre.Type)
	}

	var err error
	if s.cls, s.sep, err = parsePostProcessor(f.PostProcessor); err != nil {
		return nil, err
	}

	for _, a := range f.AddedTokens {
		if a.SingleWord || a.LStrip || a.RStrip || a.Normalized {
			return nil, fmt.Errorf("added token %q: single_word, lstrip, rstrip and normalized are not supported", a.Content)
		}
		if a.Content == "" {
			return nil, fmt.Errorf("added token %d has empty content", a.ID)
		}
		s.added = append(s.added, addedToken{content: a.Content, id: a.ID})
	}
	return s, nil
}

func orTrue(b *bool) bool { return b == nil || *b }

// parsePostProcessor returns the special tokens of a post-processor that
// wraps a single sequence as CLS $A SEP.
func parsePostProcessor(raw json.RawMessage) (cls, sep string, err error) {
	if isNull(raw) {
		return "", "", errors.New("post_processor is missing (need [CLS] $A [SEP])")
	}
	var p struct {
		Type   string `json:"type"`
		Single []struct {
			SpecialToken *struct {
				ID string `json:"id"`
			} `json:"SpecialToken"`
			Sequence *struct {
				ID string `json:"id"`
			} `json:"Sequence"`
		} `json:"single"`
		SpecialTokens map[string]struct {
			Tokens []string `json:"tokens"`
		} `json:"special_tokens"`
		CLS []json.RawMessage `json:"cls"`
		SEP []json.RawMessage `json:"sep"`
	}
	if err := json.Unmarshal(raw, &p); err != nil {
		return "", "", fmt.Errorf("parse post_processor: %w", err)
	}
	switch p.Type {
	case "BertProcessing":
		if len(p.CLS) != 2 || len(p.SEP) != 2 {
			return "", "", errors.New("post_processor BertProcessing: cls and sep must be [token, id]")
		}
		if err := json.Unmarshal(p.CLS[0], &cls); err != nil {
			return "", "", fmt.Errorf("parse post_processor cls: %w", err)
		}
		if err := json.Unmarshal(p.SEP[0], &sep); err != nil {
			return "", "", fmt.Errorf("parse post_processor sep: %w", err)
		}
		return cls, sep, nil
	case "TemplateProcessing":
		sp := p.Single
		if len(sp) != 3 || sp[0].SpecialToken == nil || sp[1].Sequence == nil || sp[1].Sequence.ID != "A" || sp[2].SpecialToken == nil {
			return "", "", errors.New("post_processor TemplateProcessing: single template is not SPECIAL $A SPECIAL")
		}
		one := func(name string) (string, error) {
			st, ok := p.SpecialTokens[name]
			if !ok || len(st.Tokens) != 1 {
				return "", fmt.Errorf("post_processor TemplateProcessing: special token %q must map to one token", name)
			}
			return st.Tokens[0], nil
		}
		if cls, err = one(sp[0].SpecialToken.ID); err != nil {
			return "", "", err
		}
		if sep, err = one(sp[2].SpecialToken.ID); err != nil {
			return "", "", err
		}
		return cls, sep, nil
	default:
		return "", "", fmt.Errorf("post_processor type %q is not supported", p.Type)
	}
}

// parseVocabTxt reads a BERT vocab.txt: one token per line, trailing white
// space trimmed, the line number (from 0) being the id; a repeated token keeps
// its last id. The settings are those of an uncased BERT tokenizer.
func parseVocabTxt(data []byte) (*settings, error) {
	s := &settings{
		vocab: make(map[string]int64), unk: "[UNK]", prefix: "##", maxChars: 100,
		cleanText: true, chinese: true, stripAccent: true, lowercase: true,
		cls: "[CLS]", sep: "[SEP]",
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	var id int64
	for sc.Scan() {
		s.vocab[strings.TrimRightFunc(sc.Text(), unicode.IsSpace)] = id
		id++
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read vocab.txt line %d: %w", id+1, err)
	}
	if id == 0 {
		return nil, errors.New("vocab.txt is empty")
	}
	for _, tok := range []string{"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"} {
		if v, ok := s.vocab[tok]; ok {
			s.added = append(s.added, addedToken{content: tok, id: v})
		}
	}
	return s, nil
}

// build turns parsed settings into a Tokenizer.
func build(s *settings, cfg Config) (*Tokenizer, error) {
	t := &Tokenizer{
		maxLen:    cfg.MaxLength,
		maxChars:  s.maxChars,
		cleanText: s.cleanText,
		chinese:   s.chinese,
		strip:     s.stripAccent,
		lower:     s.lowercase,
		vocab:     make(map[string]int32, len(s.vocab)),
		cont:      make(map[string]int32),
		added:     make(map[string]int32),
	}
	var maxID int64 = -1
	for tok, id := range s.vocab {
		if id < 0 || id > 1<<31-1 {
			return nil, fmt.Errorf("token %q has id %d out of range", tok, id)
		}
		maxID = max(maxID, id)
		t.vocab[tok] = int32(id)
		t.maxBytes = max(t.maxBytes, len(tok))
		if rest, ok := strings.CutPrefix(tok, s.prefix); ok {
			t.cont[rest] = int32(id)
			t.maxContBytes = max(t.maxContBytes, len(rest))
		}
	}
	t.size = len(s.vocab)
	for _, a := range s.added {
		if a.id < 0 || a.id > 1<<31-1 {
			return nil, fmt.Errorf("added token %q has id %d out of range", a.content, a.id)
		}
		maxID = max(maxID, a.id)
		if _, ok := s.vocab[a.content]; !ok {
			t.size++
		}
		t.added[a.content] = int32(a.id)
		t.special = append(t.special, addedToken{content: a.content, id: a.id})
		t.specialFirst[a.content[0]] = true
	}
	// Longest first, so that the first match at a position is the longest.
	sort.SliceStable(t.special, func(i, j int) bool { return len(t.special[i].content) > len(t.special[j].content) })

	t.tokens = make([]string, maxID+1)
	for tok, id := range s.vocab {
		t.tokens[id] = tok
	}
	for _, a := range s.added {
		t.tokens[a.id] = a.content
	}

	var ok bool
	lookup := func(tok string) (int32, bool) {
		if id, ok := t.added[tok]; ok {
			return id, true
		}
		id, ok := t.vocab[tok]
		return id, ok
	}
	if t.unkID, ok = t.vocab[s.unk]; !ok {
		return nil, fmt.Errorf("unknown token %q is not in the vocabulary", s.unk)
	}
	if t.clsID, ok = lookup(s.cls); !ok {
		return nil, fmt.Errorf("special token %q is not in the vocabulary", s.cls)
	}
	if t.sepID, ok = lookup(s.sep); !ok {
		return nil, fmt.Errorf("special token %q is not in the vocabulary", s.sep)
	}
	if t.maxChars <= 0 {
		return nil, fmt.Errorf("max_input_chars_per_word %d is not positive", t.maxChars)
	}
	t.initASCII()
	return t, nil
}
