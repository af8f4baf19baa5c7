package evaluate

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/skillx/skillx/features"
	"github.com/skillx/skillx/internal/classifier"
	"github.com/skillx/skillx/internal/encoder"
	"github.com/skillx/skillx/internal/manifest"
	"github.com/skillx/skillx/internal/ortlib/ortlibtest"
	"github.com/skillx/skillx/internal/testmodel"
)

// trained returns a fresh workdir where every stage up to train ran on the sample, with test's
// share of groups held out.
func trained(t *testing.T, test float64) string {
	t.Helper()
	ortlibtest.Init(t)
	return testmodel.Workdir(t, testmodel.Options{Train: true, Test: test})
}

func TestEvaluateSample(t *testing.T) {
	work := trained(t, 0.2)
	res, err := Run(context.Background(), Config{Workdir: work, Seed: 1, Queries: 2, RowLevel: true, Against: work})
	if err != nil {
		t.Fatal(err)
	}
	m := res.Metrics
	byName := map[string]Row{}
	for _, r := range m.Rows {
		byName[r.Name] = r
	}
	var head Row
	for _, r := range m.Rows {
		if r.Headline {
			head = r
		}
	}
	if head.Name != MethodFused || head.N == 0 || head.N != 2*m.Grouped.N {
		t.Errorf("headline row = %+v; want the fused ranking on 2 queries per held-out posting (%d)", head, m.Grouped.N)
	}
	// Every query set carries the TF-IDF baseline, and the served ranking is not below it.
	bySplit := map[string]map[string]Row{}
	for _, r := range m.Rows {
		if bySplit[r.Split] == nil {
			bySplit[r.Split] = map[string]Row{}
		}
		bySplit[r.Split][r.Name] = r
	}
	for sp, rows := range bySplit {
		if _, ok := rows[MethodFused]; !ok || strings.Contains(sp, "row-level") {
			continue
		}
		tf, ok := rows[MethodTFIDF]
		if !ok {
			t.Errorf("%s: no TF-IDF baseline row", sp)
		} else if rows[MethodFused].Top5+0.05 < tf.Top5 {
			t.Errorf("%s: fused top-5 %.3f far below TF-IDF %.3f", sp, rows[MethodFused].Top5, tf.Top5)
		}
	}
	// 39 roles: a ranking that learnt something beats the majority baseline by far.
	if maj := bySplit[head.Split][MethodMajority]; head.Top1 <= maj.Top1+0.2 {
		t.Errorf("headline top-1 %.3f does not beat the majority baseline %.3f by 0.2", head.Top1, maj.Top1)
	}
	if head.Top5 < head.Top1 {
		t.Errorf("top-5 %.3f < top-1 %.3f", head.Top5, head.Top1)
	}
	rl := byName["MLP, row-level 80/20 split (the prototype's; comparison only)"]
	if rl.Leakage <= 0 || !strings.Contains(rl.Note, "LEAKAGE") {
		t.Errorf("row-level row = %+v; want a measured leakage and a warning (the sample has duplicate postings)", rl)
	}
	if m.Queries == nil || m.Queries.N != 2*m.Grouped.N {
		t.Errorf("queries = %v; want 2 per held-out posting", m.Queries)
	}
	// --against the same workdir: every posting matches its own label.
	if a := m.Against; a == nil || a.MatchedExact != a.Postings {
		t.Errorf("against itself = %+v; want every posting matched", a)
	}
	for _, p := range []string{res.Paths.Metrics, res.Paths.Report, res.Paths.PerClass, res.Paths.Confusion, res.Paths.ConfusionPNG} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("output %s: %v", p, err)
		}
	}
	md, _ := os.ReadFile(res.Paths.Report)
	for _, want := range []string{"Leakage warning", "Model card", "grouped", "hashing encoder"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("report.md lacks %q", want)
		}
	}
	var back Metrics
	data, _ := os.ReadFile(res.Paths.Metrics)
	if err := json.Unmarshal(data, &back); err != nil || back.Grouped.Top1 != m.Grouped.Top1 {
		t.Errorf("metrics.json does not round-trip: %v", err)
	}
}

func TestEvaluateBadInputs(t *testing.T) {
	work := trained(t, 0.2)
	model := filepath.Join(work, "models", "classifier.onnx")
	info, err := classifier.Read(filepath.Join(work, "models", "classifier.json"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := classifier.NewRunner(model, 100, len(info.Labels)); err == nil || !strings.Contains(err.Error(), "width 384") {
		t.Errorf("runner with the wrong width = %v; want an error naming width 384", err)
	}
	short := filepath.Join(t.TempDir(), "labels.json")
	labels, _ := json.Marshal(info.Labels[:10])
	os.WriteFile(short, labels, 0o644)
	if _, err := Run(context.Background(), Config{Workdir: work, Labels: short}); err == nil || !strings.Contains(err.Error(), "different labels") {
		t.Errorf("labels file with 10 labels = %v; want an error saying the labels differ from the role index's", err)
	}
	noTest := trained(t, 0)
	if _, err := Run(context.Background(), Config{Workdir: noTest}); err == nil || !strings.Contains(err.Error(), "no evaluation model") {
		t.Errorf("model trained with --test 0 = %v; want a no-evaluation-model error", err)
	}
}

// TestEvaluateRefusesAnotherSplit checks that evaluate never scores a model on a held-out split
// other than the one it was trained with: features rebuilt with other samples, or a split that
// recomputes differently from what train recorded, are errors naming the cause.
func TestEvaluateRefusesAnotherSplit(t *testing.T) {
	work := trained(t, 0.2)
	ctx := context.Background()

	// The split train recorded, tampered with: one example more than recomputed.
	evalInfo := filepath.Join(work, "models", "eval", "classifier.json")
	data, err := os.ReadFile(evalInfo)
	if err != nil {
		t.Fatal(err)
	}
	var info classifier.Info
	if err := json.Unmarshal(data, &info); err != nil {
		t.Fatal(err)
	}
	if info.Split.TestExamples == 0 {
		t.Fatal("the evaluation model records no held-out example")
	}
	info.Split.TestExamples++
	tampered, err := classifier.Marshal(info)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(evalInfo, tampered, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Run(ctx, Config{Workdir: work, Seed: 1, Queries: 1}); err == nil || !strings.Contains(err.Error(), "does not match its manifest") {
		t.Errorf("evaluate with a classifier.json changed after train = %v; want an error saying it does not match its manifest", err)
	}
	// As if train had recorded that split: the manifest describes the tampered file.
	rewriteManifest(t, evalInfo)
	if _, err := Run(ctx, Config{Workdir: work, Seed: 1, Queries: 1}); err == nil || !strings.Contains(err.Error(), "not the one train recorded") {
		t.Errorf("evaluate with a recorded split that differs = %v; want an error saying the split differs", err)
	}
	if err := os.WriteFile(evalInfo, data, 0o644); err != nil {
		t.Fatal(err)
	}
	rewriteManifest(t, evalInfo)
	if _, err := Run(ctx, Config{Workdir: work, Seed: 1, Queries: 1}); err != nil {
		t.Fatalf("evaluate with the split restored: %v", err)
	}

	// Features rebuilt with other samples after train: other examples, so another split.
	if _, err := features.Run(ctx, features.Config{Workdir: work, Encoder: encoder.Options{Kind: encoder.KindHashing}, Samples: 6, Seed: 2}); err != nil {
		t.Fatal(err)
	}
	if _, err := Run(ctx, Config{Workdir: work, Seed: 1, Queries: 1}); err == nil || !strings.Contains(err.Error(), "run `skillx train` again") {
		t.Errorf("evaluate after features changed = %v; want an error asking to train again", err)
	}
}

// rewriteManifest makes the manifest of output describe the file as it is now.
func rewriteManifest(t *testing.T, output string) {
	t.Helper()
	m, err := manifest.Read(output)
	if err != nil {
		t.Fatal(err)
	}
	if err := manifest.Write(output, *m); err != nil {
		t.Fatal(err)
	}
}
