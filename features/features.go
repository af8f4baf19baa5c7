package features

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/skillx/skillx/internal/embstore"
	"github.com/skillx/skillx/internal/encoder"
	"github.com/skillx/skillx/internal/layout"
	"github.com/skillx/skillx/internal/manifest"
	"github.com/skillx/skillx/internal/parquetio"
	"github.com/skillx/skillx/internal/progress"
	"github.com/skillx/skillx/internal/records"
	"github.com/skillx/skillx/internal/stage"
	"github.com/skillx/skillx/internal/tfidf"
)

// StageName names the stage in manifests and logs.
const StageName = "features"

// Algorithm is the version of the features stage's logic, part of its key: bump it when a
// change to this stage changes its outputs, so that outputs made by the old logic are made
// again.
const Algorithm = 1

// Config configures a features run.
type Config struct {
	// Workdir holds data/, models/ and reports/.
	Workdir string
	// Encoder chooses and tunes the encoder.
	Encoder encoder.Options
	// Samples is how many samples of 3 to 6 phrases each posting adds (K); 0 means none.
	Samples int
	// Seed seeds the samples.
	Seed uint64
	// Force reruns the stage even when its inputs and parameters are unchanged.
	Force bool
	// Version is the skillx version recorded in manifests.
	Version string
	// Logger receives progress logs; nil means slog.Default().
	Logger *slog.Logger
}

// DefaultSamples is the default number of phrase samples per posting.
const DefaultSamples = 4

// OutputPaths returns the embeddings and examples paths under workdir.
func OutputPaths(workdir string) (embeddings, examples string) {
	return layout.Embeddings(workdir), layout.Examples(workdir)
}

// TFIDFPath returns where the stage writes the corpus-fitted TF-IDF model under workdir.
func TFIDFPath(workdir string) string { return layout.TFIDF(workdir) }

// Result is what a features run did.
type Result struct {
	// Embeddings, Examples and TFIDF are the output paths; Corpus is the corpus encoder's
	// ("" when another encoder was used).
	Embeddings, Examples, TFIDF, Corpus string
	// TFIDFModel is the id of the corpus-fitted TF-IDF model; TFIDFTerms its number of terms.
	TFIDFModel string
	TFIDFTerms int
	// Skipped is true when the outputs were up to date and nothing ran.
	Skipped bool
	// Encoder is the encoder id.
	Encoder string
	// Fallback explains why a fallback encoder stood in for MiniLM ("" when it did not).
	Fallback string
	// Postings is the number of clean postings read.
	Postings int64
	// ExampleRows is the number of training examples written.
	ExampleRows int64
	// DistinctTexts is the number of distinct texts that have a vector.
	DistinctTexts int64
	// CacheHits is the number of texts whose vector came from the previous embeddings file.
	CacheHits int64
	// Embedded is the number of texts embedded by this run.
	Embedded int64
	// InvalidUTF8 is the number of texts whose invalid UTF-8 was replaced.
	InvalidUTF8 int64
	// EmbedSeconds is the time spent embedding.
	EmbedSeconds float64
	// Stats are the ONNX encoder's token counts (zero for the hashing encoder).
	Stats encoder.Stats
	// Wall is how long the run took.
	Wall time.Duration
}

// textSet collects distinct texts in order of first appearance.
type textSet struct {
	index  map[embstore.Hash]int
	texts  []string
	hashes []embstore.Hash
	bad    int64
}

func (s *textSet) add(text string) embstore.Hash {
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, "\ufffd")
		s.bad++
	}
	h := embstore.HashText(text)
	if _, ok := s.index[h]; !ok {
		s.index[h] = len(s.texts)
		s.texts = append(s.texts, text)
		s.hashes = append(s.hashes, h)
	}
	return h
}

// Run builds the features of data/clean under cfg.Workdir. The caller holds the workdir lock
// (see internal/stage).
func Run(ctx context.Context, cfg Config) (*Result, error) {
	start := time.Now()
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	if cfg.Samples < 0 {
		return nil, fmt.Errorf("features: --samples %d: want 0 or more", cfg.Samples)
	}
	cleanDir := filepath.Join(cfg.Workdir, "data", "clean")
	postingsPath := filepath.Join(cleanDir, "postings.parquet")
	rolesPath := filepath.Join(cleanDir, "roles.parquet")
	resolved, err := cfg.Encoder.Resolve(cfg.Workdir)
	if err != nil {
		return nil, fmt.Errorf("features: %w", err)
	}
	embPath, exPath := OutputPaths(cfg.Workdir)
	tfPath := TFIDFPath(cfg.Workdir)
	res := &Result{Embeddings: embPath, Examples: exPath, TFIDF: tfPath, Fallback: resolved.Fallback}
	inputs := []stage.Input{{Path: postingsPath, MadeBy: "clean"}, {Path: rolesPath, MadeBy: "clean"}}
	for _, f := range resolved.Files() {
		inputs = append(inputs, stage.Input{Path: f})
	}
	params := map[string]any{"encoder": resolved.Kind, "samples": cfg.Samples, "seed": cfg.Seed, "max_length": cfg.Encoder.MaxLength,
		"tfidf": tfidf.DefaultOptions(), "tfidf_version": tfidf.Version, "example_kinds": exampleKinds}
	outputs := []string{exPath, embPath, tfPath}
	if resolved.Kind == encoder.KindCorpus {
		params["corpus"], params["corpus_version"] = encoder.DefaultCorpusOptions(), encoder.CorpusVersion
		outputs = append(outputs, resolved.Corpus)
		res.Corpus = resolved.Corpus
	}
	r, err := stage.Begin(stage.Spec{Name: StageName, Workdir: cfg.Workdir, Algorithm: Algorithm, Version: cfg.Version,
		Inputs: inputs, Params: params, Outputs: outputs, Force: cfg.Force, Log: log})
	if err != nil {
		return nil, err
	}
	defer r.Abort()
	if r.UpToDate() {
		m := r.Previous()
		res.Skipped, res.Encoder = true, m.Encoder
		res.ExampleRows, res.DistinctTexts = m.Rows["examples"], m.Rows["distinct_texts"]
		return res, nil
	}
	if resolved.Fallback != "" {
		log.Warn("features: " + resolved.Fallback)
	}

	if err := build(ctx, r, cfg, resolved, postingsPath, rolesPath, res, log); err != nil {
		return nil, fmt.Errorf("features: %w", err)
	}
	res.Wall = time.Since(start)

	m := runManifest(res, start)
	if err := r.Publish(m, nil); err != nil {
		return nil, err
	}
	log.Info("features: done", "encoder", res.Encoder, "examples", res.ExampleRows, "texts", res.DistinctTexts,
		"cached", res.CacheHits, "embedded", res.Embedded, "seconds", fmt.Sprintf("%.1f", res.Wall.Seconds()))
	return res, nil
}

// runManifest returns what the manifests of a run that did res (started at start) add to the
// stage runner's: the encoder, the row counts and the embedding figures.
func runManifest(res *Result, start time.Time) manifest.Manifest {
	notes := map[string]any{"embed_seconds": res.EmbedSeconds, "tfidf_model": res.TFIDFModel, "tfidf_terms": res.TFIDFTerms}
	if res.Fallback != "" {
		notes["encoder_fallback"] = res.Fallback
	}
	if res.Embedded > 0 && res.EmbedSeconds > 0 {
		notes["texts_per_second"] = float64(res.Embedded) / res.EmbedSeconds
	}
	if res.Stats.Texts > 0 {
		notes["tokens"] = res.Stats.Tokens
		notes["padding_share"] = res.Stats.PaddingShare()
	}
	if res.InvalidUTF8 > 0 {
		notes["invalid_utf8_texts"] = res.InvalidUTF8
	}
	return manifest.Manifest{Encoder: res.Encoder,
		Rows: map[string]int64{
			"postings": res.Postings, "examples": res.ExampleRows, "distinct_texts": res.DistinctTexts,
			"cache_hits": res.CacheHits, "embedded": res.Embedded,
		},
		Notes: notes, Started: start.UTC(), WallSeconds: res.Wall.Seconds(),
	}
}

// build writes the examples, the TF-IDF model, the corpus encoder (when it is the encoder) and
// the embeddings of every distinct text as outputs of r, reusing the vectors of the previous
// embeddings file for texts it holds, and fills res.
func build(ctx context.Context, r *stage.Runner, cfg Config, resolved encoder.Choice, postingsPath, rolesPath string, res *Result, log *slog.Logger) error {
	embPath, exPath, tfPath := res.Embeddings, res.Examples, res.TFIDF
	// 1. Examples and the set of distinct texts; the documents the TF-IDF model is fitted on
	// (one per distinct posting: all its text).
	texts := &textSet{index: map[embstore.Hash]int{}}
	exw, err := parquetio.Create[records.Example](exPath)
	if err != nil {
		return err
	}
	r.Add(exPath, exw)
	var batch []records.Example
	var docs []string
	err = parquetio.Scan(postingsPath, 1024, func(rows []records.CleanPosting) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		batch = batch[:0]
		for _, p := range rows {
			res.Postings++
			if len(p.Skills) == 0 {
				continue
			}
			full := strings.Join(p.Skills, ", ")
			group := texts.add(full)
			docs = append(docs, PostingDocument(p))
			ex := records.Example{Text: full, TextHash: group.String(), Role: p.Role, RoleKey: p.RoleKey, Weight: p.Count,
				Group: group.String(), Kind: records.KindPosting, PostingID: p.PostingID}
			batch = append(batch, ex)
			for _, phrase := range p.Skills {
				texts.add(phrase)
			}
			for _, s := range Samples(p.Skills, cfg.Samples, cfg.Seed, full) {
				h := texts.add(s)
				ex.Text, ex.TextHash, ex.Kind = s, h.String(), records.KindSample
				batch = append(batch, ex)
			}
			for _, o := range otherTexts(p) {
				h := texts.add(o.text)
				ex.Text, ex.TextHash, ex.Kind = o.text, h.String(), o.kind
				batch = append(batch, ex)
			}
		}
		res.ExampleRows += int64(len(batch))
		return exw.Write(batch...)
	})
	if err != nil {
		return err
	}
	err = parquetio.Scan(rolesPath, 1024, func(rows []records.Role) error {
		for _, r := range rows {
			texts.add(r.Role)
			for _, p := range r.Skills {
				texts.add(p.Phrase)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	res.InvalidUTF8 = texts.bad
	if res.ExampleRows == 0 {
		return fmt.Errorf("%s holds no posting with skills: nothing to learn from", postingsPath)
	}

	// 2. The corpus-fitted TF-IDF model.
	tfModel, err := tfidf.Fit(docs, tfidf.DefaultOptions())
	if err != nil {
		return fmt.Errorf("fit the TF-IDF model: %w", err)
	}
	tfData, err := tfModel.MarshalBinary()
	if err != nil {
		return err
	}
	if err := r.Stage(tfPath, tfData); err != nil {
		return err
	}
	res.TFIDFModel, res.TFIDFTerms = tfModel.ID(), tfModel.Terms()

	// 3. The encoder: the corpus encoder is fitted here, on the same documents.
	var enc encoder.Encoder
	if resolved.Kind == encoder.KindCorpus {
		fitStart := time.Now()
		corpus, err := encoder.FitCorpus(ctx, tfModel, docs, encoder.DefaultCorpusOptions())
		if err != nil {
			return fmt.Errorf("fit the corpus encoder: %w", err)
		}
		data, err := corpus.MarshalBinary()
		if err != nil {
			return err
		}
		if err := r.Stage(resolved.Corpus, data); err != nil {
			return err
		}
		log.Info("features: corpus encoder fitted", "encoder", corpus.ID(), "seconds", fmt.Sprintf("%.1f", time.Since(fitStart).Seconds()))
		enc = corpus
	} else if enc, err = resolved.Open(cfg.Encoder); err != nil {
		return err
	}
	defer enc.Close()
	res.Encoder = enc.ID()
	embw, err := embstore.Create(embPath, enc.ID(), enc.Dim())
	if err != nil {
		return err
	}
	// The embeddings go to r once complete; until then (the writer may be replaced below) a
	// failure discards them here.
	handed := false
	defer func() {
		if !handed && embw != nil {
			embw.Abort()
		}
	}()
	done := make([]bool, len(texts.texts))
	err = embstore.Reuse(embPath, enc.ID(), enc.Dim(), func(h embstore.Hash) bool {
		i, ok := texts.index[h]
		return ok && !done[i]
	}, func(r embstore.Row) error {
		done[texts.index[r.Hash]] = true
		res.CacheHits++
		return embw.Write(r)
	})
	switch {
	case errors.Is(err, embstore.ErrOtherEncoder):
		log.Info("features: the previous embeddings are of another encoder; embedding every text", "encoder", enc.ID())
	case err != nil:
		log.Warn("features: cannot reuse the previous embeddings; embedding every text", "err", err)
		res.CacheHits = 0
		clear(done)
		embw.Abort()
		if embw, err = embstore.Create(embPath, enc.ID(), enc.Dim()); err != nil {
			return err
		}
	}
	var todo []int
	for i, d := range done {
		if !d {
			todo = append(todo, i)
		}
	}
	embedStart := time.Now()
	bar := progress.Count(int64(len(todo)), "embed ("+enc.ID()+")", "texts")
	const chunk = 8192
	for startIdx := 0; startIdx < len(todo); startIdx += chunk {
		idx := todo[startIdx:min(startIdx+chunk, len(todo))]
		in := make([]string, len(idx))
		for j, i := range idx {
			in[j] = texts.texts[i]
		}
		vecs, err := enc.Encode(ctx, in)
		if err != nil {
			return err
		}
		for j, v := range vecs {
			row := embstore.Row{Encoder: enc.ID(), Hash: texts.hashes[idx[j]], Text: in[j], Vector: v}
			if err := embw.Write(row); err != nil {
				return err
			}
		}
		res.Embedded += int64(len(idx))
		bar.Add(int64(len(idx)))
	}
	bar.Finish()
	res.EmbedSeconds = time.Since(embedStart).Seconds()
	if o, ok := enc.(*encoder.ONNX); ok {
		res.Stats = o.Stats()
	}
	res.DistinctTexts = int64(len(texts.texts))
	if res.DistinctTexts != res.CacheHits+res.Embedded {
		return fmt.Errorf("internal error: %d texts but %d cached + %d embedded", res.DistinctTexts, res.CacheHits, res.Embedded)
	}
	r.Add(embPath, embw)
	handed = true
	return nil
}

// exampleKinds are the kinds of example the stage writes, in the order it writes them.
var exampleKinds = []string{records.KindPosting, records.KindSample, records.KindDescription, records.KindResponsibilities, records.KindTitle}

// PostingDocument returns all the text of a posting as one document (skills, role, title,
// description, responsibilities): what the TF-IDF model is fitted on.
func PostingDocument(p records.CleanPosting) string {
	parts := []string{strings.Join(p.Skills, ", "), p.Role, p.Title, p.Description, p.Responsibilities}
	return strings.Join(parts, ". ")
}

type kindText struct{ kind, text string }

// otherTexts returns a posting's texts besides its skills, as examples of its role: its
// description and responsibilities, and its role name and job title (once when equal).
func otherTexts(p records.CleanPosting) []kindText {
	var out []kindText
	if d := strings.TrimSpace(p.Description); d != "" {
		out = append(out, kindText{records.KindDescription, d})
	}
	if r := strings.TrimSpace(p.Responsibilities); r != "" {
		out = append(out, kindText{records.KindResponsibilities, r})
	}
	out = append(out, kindText{records.KindTitle, p.Role})
	if t := strings.TrimSpace(p.Title); t != "" && !strings.EqualFold(t, p.Role) {
		out = append(out, kindText{records.KindTitle, t})
	}
	return out
}

// Samples returns k distinct samples of 3 to 6 of phrases (fewer when the posting has fewer),
// each joined with ", " in a random order, as a person would type a handful of skills. They
// depend only on the phrases, k, seed and key (the posting's text), not on the order in which
// postings are read. Samples equal to the whole posting are left out.
func Samples(phrases []string, k int, seed uint64, key string) []string {
	n := len(phrases)
	if k <= 0 || n < 2 {
		return nil
	}
	h := fnv.New64a()
	h.Write([]byte(key))
	rng := rand.New(rand.NewPCG(seed, h.Sum64()))
	lo, hi := min(3, n-1), min(6, n-1)
	if lo < 1 {
		return nil
	}
	full := strings.Join(phrases, ", ")
	var out []string
	perm := make([]int, n)
	for try := 0; try < 4*k && len(out) < k; try++ {
		size := lo + rng.IntN(hi-lo+1)
		for i := range perm {
			perm[i] = i
		}
		rng.Shuffle(n, func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
		pick := make([]string, size)
		for i := range pick {
			pick[i] = phrases[perm[i]]
		}
		s := strings.Join(pick, ", ")
		if s != full && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}
