package evaluate

import (
	"context"
	"errors"
	"os"
	"testing"

	"github.com/skillx/skillx/internal/manifest"
)

// TestEvaluatePublishesReportsWithManifests checks that every report evaluate writes carries
// a manifest of the same run, and that the reports an earlier run wrote and this one does
// not (no grouped split: no per-class figures) are removed with their manifests.
func TestEvaluatePublishesReportsWithManifests(t *testing.T) {
	work := trained(t, 0.2)
	res, err := Run(context.Background(), Config{Workdir: work, Seed: 1, Queries: 1, Version: "v-test"})
	if err != nil {
		t.Fatal(err)
	}
	p := res.Paths
	var key string
	for _, o := range []string{p.Metrics, p.Report, p.PerClass, p.Confusion, p.ConfusionPNG} {
		m, err := manifest.Read(o)
		if err != nil {
			t.Errorf("manifest of %s: %v", o, err)
			continue
		}
		if err := manifest.Check(o, StageName); err != nil {
			t.Errorf("Check(%s): %v", o, err)
		}
		if key == "" {
			key = m.Key
		}
		if m.Stage != StageName || m.Version != "v-test" || m.Key != key || len(m.Key) != 64 {
			t.Errorf("manifest of %s: stage %q version %q key %q; want evaluate, v-test and the run's one key %q", o, m.Stage, m.Version, m.Key, key)
		}
		found := false
		for _, in := range m.Inputs {
			found = found || in.Path == "models/classifier.onnx"
		}
		if !found {
			t.Errorf("manifest of %s: inputs %+v; want models/classifier.onnx (workdir-relative) among them", o, m.Inputs)
		}
	}

	// A model trained on every group: no grouped figures; the stale ones go.
	all := trained(t, 0)
	stale := OutputPaths(all)
	for _, o := range []string{stale.PerClass, stale.Confusion, stale.ConfusionPNG} {
		if err := os.MkdirAll(stale.Dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(o, []byte("stale"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := manifest.Write(o, manifest.Manifest{Stage: StageName}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := Run(context.Background(), Config{Workdir: all, Seed: 1, Queries: 1, Against: work}); err != nil {
		t.Fatal(err)
	}
	for _, o := range []string{stale.PerClass, stale.Confusion, stale.ConfusionPNG} {
		for _, f := range []string{o, manifest.PathFor(o)} {
			if _, err := os.Stat(f); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("%s after a run without grouped figures: %v; want it removed", f, err)
			}
		}
	}
	if _, err := manifest.Read(stale.Metrics); err != nil {
		t.Errorf("manifest of %s: %v", stale.Metrics, err)
	}
}
