package train_test

import (
	"bytes"
	"context"
	"os"
	"sort"
	"testing"

	"github.com/skillx/skillx/internal/classifier"
	"github.com/skillx/skillx/internal/manifest"
	"github.com/skillx/skillx/internal/onnxpb"
	"github.com/skillx/skillx/internal/split"
	"github.com/skillx/skillx/internal/testmodel"
	"github.com/skillx/skillx/train"
)

// prepare returns a fresh workdir where ingest, clean and features (hashing encoder) ran on
// the sample.
func prepare(t *testing.T) string {
	t.Helper()
	return testmodel.Workdir(t, testmodel.Options{})
}

func TestTrainDeterministicAndHeldOut(t *testing.T) {
	work := prepare(t)
	cfg := train.DefaultConfig()
	cfg.Workdir, cfg.Epochs = work, 15
	res, err := train.Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	first, err := os.ReadFile(res.Paths.Model)
	if err != nil {
		t.Fatal(err)
	}
	info, err := classifier.Read(res.Paths.Info)
	if err != nil {
		t.Fatal(err)
	}
	if !sort.StringsAreSorted(info.Labels) || len(info.Labels) != 39 || info.Encoder != "hashing-v1-384" {
		t.Errorf("labels %d sorted %v encoder %q; want 39 sorted labels of hashing-v1-384", len(info.Labels), sort.StringsAreSorted(info.Labels), info.Encoder)
	}
	// The serving model knows every role; the evaluation model holds groups out.
	if info.Purpose != classifier.PurposeServing || info.RolesTrained != 39 || info.Split.Method != "none" {
		t.Errorf("serving model: purpose %q, %d of 39 roles trained, split %q; want serving, 39, none", info.Purpose, info.RolesTrained, info.Split.Method)
	}
	eval, err := classifier.Read(res.Paths.EvalInfo)
	if err != nil {
		t.Fatal(err)
	}
	s := eval.Split
	if s.Method != "grouped" || s.TestGroups == 0 || s.TestExamples == 0 || eval.Purpose != classifier.PurposeEvaluation || eval.RolesTrained >= 39 && s.TestGroups > 30 {
		t.Errorf("evaluation split = %+v, purpose %q; want a grouped split with held-out test groups", s, eval.Purpose)
	}
	if eval.Ranking == nil || eval.Ranking.Queries < 20 || info.Ranking == nil || *info.Ranking != *eval.Ranking {
		t.Errorf("ranking weights: serving %+v, evaluation %+v; want α chosen on >= 20 held-out queries, the same in both", info.Ranking, eval.Ranking)
	}
	for _, p := range []string{res.Paths.Index, res.Paths.EvalModel, res.Paths.EvalIndex} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("output %s: %v", p, err)
		}
	}
	md, err := onnxpb.ReadMetadata(first)
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	for _, kv := range md {
		keys[kv.Key] = true
	}
	for _, k := range []string{"labels", "encoder", "examples_sha256"} {
		if !keys[k] {
			t.Errorf("ONNX metadata lacks %q", k)
		}
	}
	for _, p := range []string{res.Paths.Curve, res.Paths.CurveCSV, res.Paths.Model + ".manifest.json"} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("output %s: %v", p, err)
		}
	}
	// Every output carries a manifest of the same run, the curve too.
	p := res.Paths
	var key string
	for _, o := range []string{p.Model, p.Info, p.Index, p.EvalModel, p.EvalInfo, p.EvalIndex, p.CurveCSV, p.Curve} {
		if err := manifest.Check(o, train.StageName); err != nil {
			t.Errorf("Check(%s): %v", o, err)
			continue
		}
		m, _ := manifest.Read(o)
		if key == "" {
			key = m.Key
		}
		if m.Stage != train.StageName || m.Key != key || len(m.Inputs) != 3 || m.Inputs[0].Path != "data/features/examples.parquet" {
			t.Errorf("manifest of %s: stage %q key %q inputs %+v; want train, the run's one key, and data/features/examples.parquet first of 3", o, m.Stage, m.Key, m.Inputs)
		}
	}

	// Same inputs and seed: byte-identical model.
	cfg.Force = true
	if _, err := train.Run(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	second, _ := os.ReadFile(res.Paths.Model)
	if !bytes.Equal(first, second) {
		t.Errorf("retraining with the same seed changed classifier.onnx")
	}

	// --test 0: no evaluation model (the old one is removed), every role still trained.
	cfg.Split.Test = 0
	res, err = train.Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if res.EvalInfo != nil || res.Info.RolesTrained != 39 {
		t.Errorf("--test 0: evaluation model %v, %d roles trained; want none and 39", res.EvalInfo != nil, res.Info.RolesTrained)
	}
	for _, o := range []string{res.Paths.EvalModel, res.Paths.EvalInfo, res.Paths.EvalIndex} {
		for _, f := range []string{o, manifest.PathFor(o)} {
			if _, err := os.Stat(f); !os.IsNotExist(err) {
				t.Errorf("--test 0 left %s: %v", f, err)
			}
		}
	}

}

func TestTrainBadSplit(t *testing.T) {
	cfg := train.DefaultConfig()
	cfg.Workdir = t.TempDir()
	cfg.Split = split.Fractions{Test: 1.2}
	if _, err := train.Run(context.Background(), cfg); err == nil {
		t.Errorf("Run with test share 1.2 succeeded; want an error")
	}
	cfg.Split = split.Fractions{Test: 0.2}
	if _, err := train.Run(context.Background(), cfg); err == nil {
		t.Errorf("Run without features succeeded; want an error")
	}
}
