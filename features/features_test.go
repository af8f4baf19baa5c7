package features

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/skillx/skillx/internal/bertmodel"
	"github.com/skillx/skillx/internal/embstore"
	"github.com/skillx/skillx/internal/encoder"
	"github.com/skillx/skillx/internal/layout"
	"github.com/skillx/skillx/internal/manifest"
	"github.com/skillx/skillx/internal/ortlib/ortlibtest"
	"github.com/skillx/skillx/internal/parquetio"
	"github.com/skillx/skillx/internal/records"
	"github.com/skillx/skillx/internal/testenv"
)

// writeClean writes a data/clean folder as the clean stage would.
func writeClean(t *testing.T, work string, postings []records.CleanPosting) {
	t.Helper()
	dir := filepath.Join(work, "data", "clean")
	if err := parquetio.WriteAll(filepath.Join(dir, "postings.parquet"), postings); err != nil {
		t.Fatal(err)
	}
	roles := map[string]*records.Role{}
	var order []string
	for _, p := range postings {
		r, ok := roles[p.RoleKey]
		if !ok {
			r = &records.Role{Role: p.Role, RoleKey: p.RoleKey}
			roles[p.RoleKey] = r
			order = append(order, p.RoleKey)
		}
		for _, s := range p.Skills {
			r.Skills = append(r.Skills, records.PhraseCount{Phrase: s, Count: p.Count})
		}
	}
	var rows []records.Role
	for _, k := range order {
		rows = append(rows, *roles[k])
	}
	if err := parquetio.WriteAll(filepath.Join(dir, "roles.parquet"), rows); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"postings.parquet", "roles.parquet"} {
		if err := manifest.Write(filepath.Join(dir, f), manifest.Manifest{Stage: "clean"}); err != nil {
			t.Fatal(err)
		}
	}
}

var testPostings = []records.CleanPosting{
	{PostingID: "1", Role: "Data Analyst", RoleKey: "data analyst", Skills: []string{"SQL", "Excel", "Tableau", "Statistics", "Python"}, Count: 3},
	{PostingID: "2", Role: "Registered Nurse", RoleKey: "registered nurse", Skills: []string{"Patient care", "BLS", "Epic", "Wound care"}, Count: 1},
	{PostingID: "3", Role: "Chef", RoleKey: "chef", Skills: []string{"Cooking", "Menu planning"}, Count: 2},
}

func TestRunHashingThenCache(t *testing.T) {
	work := t.TempDir()
	writeClean(t, work, testPostings)
	cfg := Config{Workdir: work, Samples: 3, Seed: 7, Version: "t", Encoder: encoder.Options{Kind: encoder.KindHashing}}
	res, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if res.Fallback != "" || res.Encoder != "hashing-v1-384" || res.Corpus != "" {
		t.Errorf("encoder %q fallback %q corpus %q; want the hashing encoder, chosen (not a fallback)", res.Encoder, res.Fallback, res.Corpus)
	}
	if res.CacheHits != 0 || res.Embedded != res.DistinctTexts || res.DistinctTexts == 0 {
		t.Errorf("first run: %d cached, %d embedded of %d; want all embedded", res.CacheHits, res.Embedded, res.DistinctTexts)
	}
	checkOutputs(t, work, res)

	// Unchanged inputs: skipped. Forced: everything from the cache.
	if again, _ := Run(context.Background(), cfg); !again.Skipped {
		t.Errorf("second run not skipped")
	}
	cfg.Force = true
	again, err := Run(context.Background(), cfg)
	if err != nil || again.Embedded != 0 || again.CacheHits != res.DistinctTexts {
		t.Errorf("forced rerun: %d embedded, %d cached, err %v; want 0 and %d", again.Embedded, again.CacheHits, err, res.DistinctTexts)
	}

	// A new posting: only its new texts are embedded.
	cfg.Force = false
	more := append(append([]records.CleanPosting(nil), testPostings...),
		records.CleanPosting{PostingID: "4", Role: "Chef", RoleKey: "chef", Skills: []string{"Cooking", "Baking"}, Count: 1})
	writeClean(t, work, more)
	refresh, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	// New texts: "Cooking, Baking" and "Baking" (samples of a 2-phrase posting are single phrases).
	if refresh.Embedded != 2 || refresh.CacheHits != res.DistinctTexts {
		t.Errorf("refresh: %d embedded, %d cached; want 2 new texts and %d from the cache", refresh.Embedded, refresh.CacheHits, res.DistinctTexts)
	}
	checkOutputs(t, work, refresh)
}

// checkOutputs checks that every example has a unit vector and the counts match the result.
func checkOutputs(t *testing.T, work string, res *Result) {
	t.Helper()
	embPath, exPath := OutputPaths(work)
	vecs, info, err := embstore.Load(embPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	if info.Rows != res.DistinctTexts || info.Encoder != res.Encoder {
		t.Errorf("embeddings: %d rows of %s; want %d of %s", info.Rows, info.Encoder, res.DistinctTexts, res.Encoder)
	}
	examples, err := parquetio.ReadAll[records.Example](exPath)
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(examples)) != res.ExampleRows {
		t.Errorf("examples file has %d rows; result says %d", len(examples), res.ExampleRows)
	}
	groups := map[string]string{}
	for _, ex := range examples {
		h, err := embstore.ParseHash(ex.TextHash)
		if err != nil {
			t.Fatal(err)
		}
		v, ok := vecs[h]
		if !ok {
			t.Errorf("example %q has no vector", ex.Text)
			continue
		}
		if n := norm(v); math.Abs(n-1) > 1e-5 {
			t.Errorf("vector of %q has norm %v; want 1", ex.Text, n)
		}
		if embstore.HashText(ex.Text) != h {
			t.Errorf("example %q carries the hash of another text", ex.Text)
		}
		if res.Encoder == encoder.Hashing(0).ID() {
			// Each hash carries its own text's vector, not a neighbour's.
			want, err := encoder.Hashing(0).Encode(context.Background(), []string{ex.Text})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(want[0], v) {
				t.Errorf("the stored vector of %q is not the encoder's vector of that text", ex.Text)
			}
		}
		if ex.Kind == "posting" {
			groups[ex.Group] = ex.Role
		}
	}
	for _, ex := range examples {
		if groups[ex.Group] != ex.Role {
			t.Errorf("sample %q (group %s) has role %q; its posting's is %q", ex.Text, ex.Group[:8], ex.Role, groups[ex.Group])
		}
	}
}

func norm(v []float32) float64 {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	return math.Sqrt(s)
}

func TestSamples(t *testing.T) {
	phrases := []string{"A", "B", "C", "D", "E", "F", "G", "H"}
	got := Samples(phrases, 5, 1, "key")
	if len(got) != 5 {
		t.Fatalf("Samples = %d samples; want 5", len(got))
	}
	seen := map[string]bool{}
	for _, s := range got {
		n := len(strings.Split(s, ", "))
		if n < 3 || n > 6 {
			t.Errorf("sample %q has %d phrases; want 3 to 6", s, n)
		}
		if seen[s] {
			t.Errorf("sample %q repeated", s)
		}
		seen[s] = true
	}
	if again := Samples(phrases, 5, 1, "key"); strings.Join(again, "|") != strings.Join(got, "|") {
		t.Errorf("Samples is not deterministic: %q then %q", got, again)
	}
	if other := Samples(phrases, 5, 2, "key"); strings.Join(other, "|") == strings.Join(got, "|") {
		t.Errorf("Samples ignores the seed")
	}
	if s := Samples([]string{"A"}, 3, 1, "k"); s != nil {
		t.Errorf("Samples of one phrase = %q; want none", s)
	}
}

func TestResolveEncoder(t *testing.T) {
	work := t.TempDir()
	if _, err := (encoder.Options{Kind: encoder.KindMiniLM}).Resolve(work); err == nil || !strings.Contains(err.Error(), "make models") {
		t.Errorf("minilm without files = %v; want an error naming make models", err)
	}
	if _, err := (encoder.Options{Kind: "bert"}).Resolve(work); err == nil {
		t.Errorf("unknown encoder kind accepted")
	}
	r, err := (encoder.Options{}).Resolve(work)
	if err != nil || r.Kind != encoder.KindCorpus || !strings.Contains(r.Fallback, "corpus encoder") || r.Corpus != layout.Corpus(work) {
		t.Errorf("auto without files = %+v, %v; want the corpus encoder with a fallback note", r, err)
	}
	if _, err := r.Open(encoder.Options{}); err == nil || !strings.Contains(err.Error(), "skillx features") {
		t.Errorf("opening the corpus encoder before features = %v; want an error naming the features stage", err)
	}
	for id, want := range map[string]string{"": "", "hashing-v1-384": encoder.KindHashing, "corpus-v1-256:abc": encoder.KindCorpus, "minilm:1a2b": encoder.KindMiniLM} {
		if got := encoder.KindOf(id); got != want {
			t.Errorf("encoder.KindOf(%q) = %q, want %q", id, got, want)
		}
	}
}

// TestRunCorpusFallback runs the stage without MiniLM: the corpus encoder is fitted, written
// beside the TF-IDF model, and every text's stored vector is that encoder's vector of that text.
func TestRunCorpusFallback(t *testing.T) {
	work := t.TempDir()
	writeClean(t, work, testPostings)
	cfg := Config{Workdir: work, Samples: 3, Seed: 7, Version: "t"}
	res, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(res.Encoder, "corpus-v1-") || !strings.Contains(res.Fallback, "corpus encoder") || res.Corpus != layout.Corpus(work) {
		t.Fatalf("encoder %q fallback %q corpus %q; want the corpus encoder, named as a fallback", res.Encoder, res.Fallback, res.Corpus)
	}
	checkOutputs(t, work, res)
	if _, err := manifest.Read(res.Corpus); err != nil {
		t.Errorf("the corpus encoder has no manifest: %v", err)
	}
	enc, err := (encoder.Choice{Kind: encoder.KindCorpus, Corpus: res.Corpus, TFIDF: res.TFIDF}).Open(encoder.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if enc.ID() != res.Encoder {
		t.Fatalf("reopened encoder %s, want %s", enc.ID(), res.Encoder)
	}
	embPath, _ := OutputPaths(work)
	var texts []string
	var stored [][]float32
	if _, err := embstore.Scan(embPath, func(_ embstore.Info, rows []embstore.Row) error {
		for _, r := range rows {
			texts = append(texts, r.Text)
			stored = append(stored, r.Vector)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	fresh, err := enc.Encode(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	for i := range texts {
		for j := range fresh[i] {
			if fresh[i][j] != stored[i][j] {
				t.Fatalf("%q: stored vector differs from the encoder's at %d (%v vs %v)", texts[i], j, stored[i][j], fresh[i][j])
			}
		}
	}
	if again, err := Run(context.Background(), cfg); err != nil || !again.Skipped {
		t.Errorf("unchanged rerun: skipped %v, err %v; want skipped", again != nil && again.Skipped, err)
	}
	// Another corpus is another encoder: everything is embedded again.
	writeClean(t, work, append(append([]records.CleanPosting(nil), testPostings...),
		records.CleanPosting{PostingID: "4", Role: "Chef", RoleKey: "chef", Skills: []string{"Cooking", "Baking"}, Count: 1}))
	refresh, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if refresh.Encoder == res.Encoder || refresh.CacheHits != 0 || refresh.Embedded != refresh.DistinctTexts {
		t.Errorf("new corpus: encoder %s (was %s), %d cached, %d embedded of %d; want a new encoder and every text embedded",
			refresh.Encoder, res.Encoder, refresh.CacheHits, refresh.Embedded, refresh.DistinctTexts)
	}
}

// TestRunONNX runs the stage with a tiny BERT-shaped model through ONNX Runtime and the real
// tokenizer, and checks that the vectors are the model's (not the hashing encoder's).
func TestRunONNX(t *testing.T) {
	ortlibtest.Init(t)
	tok := findTokenizer(t)
	work := t.TempDir()
	dir := layout.MiniLMDir(work)
	if _, err := bertmodel.WriteFile(filepath.Join(dir, "onnx", "model.onnx"), bertmodel.Tiny()); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(tok)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "tokenizer.json"), data, 0o644)
	writeClean(t, work, testPostings)
	res, err := Run(context.Background(), Config{Workdir: work, Samples: 2, Seed: 1, Version: "t"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(res.Encoder, "minilm:") || res.Fallback != "" || res.Stats.Texts != res.Embedded {
		t.Errorf("encoder %q fallback %q stats %+v; want the minilm encoder with its token counts", res.Encoder, res.Fallback, res.Stats)
	}
	checkOutputs(t, work, res)
}

func findTokenizer(t *testing.T) string {
	t.Helper()
	return testenv.Shared(t, "models/all-MiniLM-L6-v2/tokenizer.json")
}
