package evaluate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/skillx/skillx/internal/classifier"
	"github.com/skillx/skillx/internal/dataset"
	"github.com/skillx/skillx/internal/embstore"
	"github.com/skillx/skillx/internal/encoder"
	"github.com/skillx/skillx/internal/layout"
	"github.com/skillx/skillx/internal/manifest"
	"github.com/skillx/skillx/internal/metrics"
	"github.com/skillx/skillx/internal/mlpfit"
	"github.com/skillx/skillx/internal/parquetio"
	"github.com/skillx/skillx/internal/rank"
	"github.com/skillx/skillx/internal/records"
	"github.com/skillx/skillx/internal/split"
	"github.com/skillx/skillx/internal/stage"
)

// StageName names the stage in manifests and logs.
const StageName = "evaluate"

// Config configures an evaluate run.
type Config struct {
	// Workdir holds data/, models/ and reports/.
	Workdir string
	// Model is the ONNX classifier ("" means <workdir>/models/classifier.onnx).
	Model string
	// Labels is classifier.json or a JSON list of labels ("" means <workdir>/models/classifier.json).
	Labels string
	// Encoder chooses the encoder for the 5-skill queries; its id must be the model's.
	Encoder encoder.Options
	// Seed seeds the queries and the row-level split.
	Seed uint64
	// Queries is the number of 5-skill queries drawn per held-out posting.
	Queries int
	// RowLevel trains the comparison model of the prototype's row-level split.
	RowLevel bool
	// Against is another workdir (ingested and cleaned) to score the model on; "" for none.
	Against string
	// ONET is the O*NET database folder, for alternate titles (--against) and Related
	// Occupations (--transitions).
	ONET string
	// Transitions scores predicted next roles against O*NET's Related Occupations.
	Transitions bool
	// People is a person benchmark file (skillx people-bench) to score the serving model on;
	// "" for none.
	People string
	// Version is the skillx version recorded in reports.
	Version string
	// Logger receives progress logs; nil means slog.Default().
	Logger *slog.Logger
}

// Paths are the files the stage writes.
type Paths struct {
	Dir, Metrics, Report, PerClass, Confusion, ConfusionPNG string
}

// OutputPaths returns the evaluate stage's output paths under workdir.
func OutputPaths(workdir string) Paths {
	d := filepath.Join(workdir, "reports", "evaluation")
	return Paths{Dir: d, Metrics: filepath.Join(d, "metrics.json"), Report: filepath.Join(d, "report.md"),
		PerClass: filepath.Join(d, "per_class.csv"), Confusion: filepath.Join(d, "confusion.csv"), ConfusionPNG: filepath.Join(d, "confusion.png")}
}

// Row is one line of the metrics table.
type Row struct {
	Name      string  `json:"name"`
	Split     string  `json:"split"`
	N         int     `json:"n"`
	Weight    float64 `json:"weight"`
	Top1      float64 `json:"top1"`
	Top5      float64 `json:"top5"`
	MacroF1   float64 `json:"macro_f1"`
	Headline  bool    `json:"headline,omitempty"`
	Leakage   float64 `json:"leakage,omitempty"`
	Note      string  `json:"note,omitempty"`
	Available bool    `json:"-"`
}

// Metrics is the content of metrics.json.
type Metrics struct {
	Model        string               `json:"model"`
	Encoder      string               `json:"encoder"`
	Classes      int                  `json:"classes"`
	Split        classifier.SplitInfo `json:"split"`
	Rows         []Row                `json:"rows"`
	Grouped      *metrics.Report      `json:"grouped,omitempty"`
	Queries      *metrics.Report      `json:"queries,omitempty"`
	UnknownRoles map[string]int       `json:"unknown_roles,omitempty"`
	Against      *AgainstResult       `json:"against,omitempty"`
	People       *PeopleResult        `json:"people,omitempty"`
	Ranking      rank.Weights         `json:"ranking"`
	Findings     []string             `json:"findings,omitempty"`
	Transitions  *TransitionsResult   `json:"transitions,omitempty"`
	Caveats      []string             `json:"caveats"`
	Seed         uint64               `json:"seed"`
	Version      string               `json:"skillx_version"`
	Started      time.Time            `json:"started"`
	WallSeconds  float64              `json:"wall_seconds"`
}

// Result is what an evaluate run did.
type Result struct {
	Paths   Paths
	Metrics Metrics
}

// Run evaluates the classifier under cfg.Workdir.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	start := time.Now()
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	models := filepath.Join(cfg.Workdir, "models")
	if cfg.Model == "" {
		cfg.Model = filepath.Join(models, "classifier.onnx")
	}
	if cfg.Labels == "" {
		cfg.Labels = filepath.Join(models, "classifier.json")
	}
	if cfg.Queries <= 0 {
		cfg.Queries = 1
	}
	if _, err := os.Stat(cfg.Labels); err != nil {
		return nil, fmt.Errorf("evaluate: no trained model at %s: run `skillx train` first", cfg.Labels)
	}
	r, err := stage.Begin(stageSpec(cfg, log))
	if err != nil {
		return nil, err
	}
	defer r.Abort()
	ds, err := dataset.Load(cfg.Workdir)
	if err != nil {
		return nil, fmt.Errorf("evaluate: %w", err)
	}
	tfPath := layout.TFIDF(cfg.Workdir)
	serving, err := rank.Load(cfg.Model, cfg.Labels, filepath.Join(models, "roles.index"), tfPath, ds.Dim)
	if err != nil {
		return nil, fmt.Errorf("evaluate: %w", err)
	}
	defer serving.Close()
	if err := checkTrainedOn(cfg.Workdir, cfg.Labels); err != nil {
		return nil, fmt.Errorf("evaluate: %w", err)
	}
	info := serving.Info
	if info.Encoder != "" && info.Encoder != ds.Encoder {
		return nil, fmt.Errorf("evaluate: the model was trained on %s vectors but data/features holds %s vectors; rerun `skillx features` with the model's encoder or retrain", info.Encoder, ds.Encoder)
	}
	enc, err := openEncoder(cfg, info.Encoder)
	if err != nil {
		return nil, fmt.Errorf("evaluate: %w", err)
	}
	defer enc.Close()
	m := Metrics{Model: cfg.Model, Encoder: ds.Encoder, Classes: len(info.Labels), Split: info.Split, Seed: cfg.Seed,
		Version: cfg.Version, Started: start.UTC(), Ranking: serving.Weights()}
	if kind := encoder.KindOf(ds.Encoder); kind != encoder.KindMiniLM {
		m.Caveats = append(m.Caveats, "The classifier's figures are for the model-free "+kind+" encoder: the MiniLM weights were not available. MiniLM figures will differ; retrieval and the TF-IDF baseline do not depend on it.")
	}

	// Grouped held-out rows: the evaluation model, trained without the held-out groups.
	evalDir := filepath.Join(models, "eval")
	evalInfo := filepath.Join(evalDir, "classifier.json")
	if _, err := os.Stat(evalInfo); err == nil {
		evalSet, err := rank.Load(filepath.Join(evalDir, "classifier.onnx"), evalInfo, filepath.Join(evalDir, "roles.index"), tfPath, ds.Dim)
		if err != nil {
			return nil, fmt.Errorf("evaluate: %w", err)
		}
		m.Split = evalSet.Info.Split
		err = heldOut(ctx, cfg, ds, evalSet, enc, &m)
		evalSet.Close()
		if err != nil {
			return nil, err
		}
	} else if cfg.Against == "" && !cfg.Transitions && cfg.People == "" {
		return nil, fmt.Errorf("evaluate: no evaluation model (%s): the model was trained on every group (--test 0); train with --test above 0, or pass --against, --transitions or --people", evalInfo)
	}
	// Sets from other sources share one TF-IDF baseline, fitted on all of data/features.
	var base *tfidfBaseline
	if cfg.Against != "" || cfg.People != "" || cfg.Transitions {
		if base, err = newTFIDFBaseline(ds, info.Labels, func(int) bool { return true }); err != nil {
			return nil, fmt.Errorf("evaluate: %w", err)
		}
	}
	if cfg.Against != "" {
		a, rows, err := against(ctx, cfg, serving, enc, base)
		if err != nil {
			return nil, fmt.Errorf("evaluate: %w", err)
		}
		m.Against = a
		m.Rows = append(m.Rows, rows...)
	}
	if cfg.People != "" {
		p, rows, err := people(ctx, cfg, serving, enc, base)
		if err != nil {
			return nil, fmt.Errorf("evaluate: %w", err)
		}
		m.People = p
		m.Rows = append(m.Rows, rows...)
	}
	if cfg.Transitions {
		t, err := transitions(ctx, cfg, serving, enc, base)
		if err != nil {
			return nil, fmt.Errorf("evaluate: %w", err)
		}
		m.Transitions = t
	}
	m.Findings = findings(&m)
	m.WallSeconds = time.Since(start).Seconds()
	paths := OutputPaths(cfg.Workdir)
	if err := stageReports(r, paths, &m, info); err != nil {
		return nil, fmt.Errorf("evaluate: %w", err)
	}
	if err := r.Publish(manifest.Manifest{Encoder: ds.Encoder, Model: cfg.Model, Notes: map[string]any{"findings": m.Findings},
		Started: m.Started, WallSeconds: m.WallSeconds}, nil); err != nil {
		return nil, err
	}
	log.Info("evaluate: done", "report", paths.Report, "seconds", fmt.Sprintf("%.1f", m.WallSeconds))
	return &Result{Paths: paths, Metrics: m}, nil
}

// checkTrainedOn checks that the model described by labelsPath (and the evaluation model beside
// it) was trained on the features now in the workdir: the held-out split is recomputed from
// them, so other features would put training rows among the held-out ones.
func checkTrainedOn(workdir, labelsPath string) error {
	exPath, embPath := dataset.Paths(workdir)
	refs, err := manifest.HashInputs("", []string{exPath, embPath})
	if err != nil {
		return err
	}
	paths := []string{labelsPath, filepath.Join(filepath.Dir(labelsPath), "eval", "classifier.json")}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if errors.Is(err, os.ErrNotExist) && p != labelsPath {
			continue
		}
		if err != nil {
			return err
		}
		var info classifier.Info
		if err := json.Unmarshal(data, &info); err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		for _, r := range refs {
			if want, ok := info.Data[filepath.Base(r.Path)]; ok && want != r.SHA256 {
				return fmt.Errorf("the model %s was trained on another %s (sha256 %.12s, now %.12s): run `skillx train` again before evaluating",
					p, filepath.Base(r.Path), want, r.SHA256)
			}
		}
	}
	return nil
}

// findings says in plain words, per query set, whether a baseline beats the served ranking.
func findings(m *Metrics) []string {
	bySplit := map[string][]Row{}
	var order []string
	for _, r := range m.Rows {
		if _, ok := bySplit[r.Split]; !ok {
			order = append(order, r.Split)
		}
		bySplit[r.Split] = append(bySplit[r.Split], r)
	}
	var out []string
	for _, sp := range order {
		name, top5, fused, beaten := bestBaseline(bySplit[sp])
		switch {
		case name == "":
		case beaten:
			out = append(out, fmt.Sprintf("On %s, the %s (top-5 %.3f) BEATS the served ranking (top-5 %.3f).", sp, name, top5, fused))
		case top5 == fused:
			out = append(out, fmt.Sprintf("On %s, the served ranking (top-5 %.3f) only TIES the %s.", sp, fused, name))
		default:
			out = append(out, fmt.Sprintf("On %s, the served ranking (top-5 %.3f) beats every baseline (best: %s, %.3f).", sp, fused, name, top5))
		}
	}
	if t := m.Transitions; t != nil {
		verdict := "beats"
		if t.TFIDFHitAt5 >= t.HitAt5 {
			verdict = "does NOT beat"
		}
		out = append(out, fmt.Sprintf("On O*NET career transitions (test half), the served ranking (hit@5 %.3f) %s the TF-IDF baseline (%.3f).", t.HitAt5, verdict, t.TFIDFHitAt5))
	}
	return out
}

func toF64(w []float32) []float64 {
	out := make([]float64, len(w))
	for i, v := range w {
		out[i] = float64(v)
	}
	return out
}

// openEncoder opens the encoder the features were made with and checks its id.
func openEncoder(cfg Config, want string) (encoder.Encoder, error) {
	opts := cfg.Encoder
	if kind := encoder.KindOf(want); kind != "" && (opts.Kind == "" || opts.Kind == encoder.KindAuto) {
		opts.Kind = kind
	}
	r, err := opts.Resolve(cfg.Workdir)
	if err != nil {
		return nil, err
	}
	enc, err := r.Open(opts)
	if err != nil {
		return nil, err
	}
	if want != "" && enc.ID() != want {
		enc.Close()
		return nil, fmt.Errorf("the encoder available now is %s but the model takes %s vectors; pass --model-dir with the model's encoder", enc.ID(), want)
	}
	return enc, nil
}

// FiveSkillQueries returns k queries of 5 of the phrases (all of them, in a random order, when
// there are fewer than 5) joined with ", ", seeded by seed and key.
func FiveSkillQueries(phrases []string, k int, seed uint64, key string) []string {
	h := fnv.New64a()
	h.Write([]byte("queries\x00" + key))
	rng := rand.New(rand.NewPCG(seed, h.Sum64()))
	var out []string
	for q := 0; q < k; q++ {
		perm := rng.Perm(len(phrases))
		n := min(5, len(phrases))
		pick := make([]string, n)
		for i := range pick {
			pick[i] = phrases[perm[i]]
		}
		out = append(out, strings.Join(pick, ", "))
	}
	return out
}

// rowLevel trains a model like the prototype's on a row-level 80/20 split of the source
// postings (duplicates counted one by one), evaluates it on the test rows, and measures the
// leakage: the weighted share of test rows whose text also occurs among the training rows.
func rowLevel(ctx context.Context, cfg Config, ds *dataset.Set, info *classifier.Info) (Row, error) {
	labelIndex := dataset.LabelIndex(ds.Labels)
	f := split.Fractions{Test: 0.2}
	var trainIdx, testIdx []int
	var trainW, testW []float32
	var leaked, testTotal float64
	for i, ex := range ds.Examples {
		if ex.Kind != "posting" {
			continue
		}
		var nTrain, nTest int64
		for r := int64(0); r < ex.Weight; r++ {
			if split.ByRow(cfg.Seed, fmt.Sprintf("%s#%d", ex.TextHash, r), f) == split.Test {
				nTest++
			} else {
				nTrain++
			}
		}
		if nTrain > 0 {
			trainIdx, trainW = append(trainIdx, i), append(trainW, float32(nTrain))
		}
		if nTest > 0 {
			testIdx, testW = append(testIdx, i), append(testW, float32(nTest))
			testTotal += float64(nTest)
			if nTrain > 0 {
				leaked += float64(nTest)
			}
		}
	}
	r := Row{Name: "MLP, row-level 80/20 split (the prototype's; comparison only)", Split: "row-level random 80/20 of source postings"}
	if len(trainIdx) == 0 || len(testIdx) == 0 {
		r.Note = "not enough rows for a row-level split"
		return r, nil
	}
	model, err := mlpfit.ComparisonModel(ctx, mlpfit.Recorded(info), ds, trainIdx, trainW)
	if err != nil {
		return r, fmt.Errorf("row-level: %w", err)
	}
	x, _, _ := ds.Subset(testIdx)
	probs := model.Predict(x, len(testIdx))
	c := len(ds.Labels)
	preds := make([]metrics.Prediction, len(testIdx))
	for j, i := range testIdx {
		preds[j] = metrics.Prediction{True: labelIndex[ds.Examples[i].Role], Ranked: metrics.TopK(probs[j*c:(j+1)*c], 5), Weight: float64(testW[j])}
	}
	rep, err := metrics.Evaluate(preds, ds.Labels, 0)
	if err != nil {
		return r, err
	}
	r.N, r.Weight, r.Top1, r.Top5, r.MacroF1 = rep.N, rep.Weight, rep.Top1, rep.Top5, rep.MacroF1
	r.Leakage = leaked / testTotal
	if r.Leakage > 0 {
		r.Note = fmt.Sprintf("LEAKAGE: %.1f%% of the test rows have a text that is also in training; this figure measures memory, not skill", 100*r.Leakage)
	}
	return r, nil
}

// heldOut scores the evaluation model set on the held-out postings of the grouped split and
// on 5-skill queries drawn from them, beside the baselines, and the row-level comparison.
func heldOut(ctx context.Context, cfg Config, ds *dataset.Set, set *rank.Set, enc encoder.Encoder, m *Metrics) error {
	info := set.Info
	labelIndex := dataset.LabelIndex(info.Labels)
	sides := make([]split.Side, len(ds.Examples))
	groups := map[string]bool{}
	tested := 0
	for i, ex := range ds.Examples {
		sides[i] = split.ByGroup(info.Split.Seed, ex.Group, split.Fractions{Test: info.Split.Test})
		if sides[i] == split.Test {
			groups[ex.Group] = true
			tested++
		}
	}
	if len(groups) != info.Split.TestGroups || tested != info.Split.TestExamples {
		return fmt.Errorf("the held-out split recomputed here (%d groups, %d examples) is not the one train recorded in %s (%d groups, %d examples): "+
			"evaluating would score training rows; retrain with this skillx", len(groups), tested, "classifier.json", info.Split.TestGroups, info.Split.TestExamples)
	}
	train := func(i int) bool { return sides[i] != split.Test }
	trainedRole := map[int]bool{}
	for i, ex := range ds.Examples {
		if train(i) {
			if y, ok := labelIndex[ex.Role]; ok {
				trainedRole[y] = true
			}
		}
	}
	postings := &querySet{split: "grouped: held-out postings"}
	var x []float32
	unknown := map[string]int{}
	for i, ex := range ds.Examples {
		if sides[i] != split.Test || ex.Kind != records.KindPosting {
			continue
		}
		y, ok := labelIndex[ex.Role]
		if !ok {
			unknown[ex.Role]++
			continue
		}
		postings.add(ex.Text, []int{y}, float64(ex.Weight))
		x = append(x, ds.Row(i)...)
	}
	if len(unknown) > 0 {
		m.UnknownRoles = unknown
	}
	if len(postings.texts) == 0 {
		m.Rows = append(m.Rows, Row{Name: MethodFused, Split: "grouped", Note: "no held-out posting"})
		return nil
	}
	base, err := newTFIDFBaseline(ds, info.Labels, train)
	if err != nil {
		return err
	}
	majority := trainMajority(ds, info.Labels, train)
	w := set.Weights()
	sp, err := score(ctx, postings, set, enc, w, base, majority)
	if err != nil {
		return fmt.Errorf("evaluate: %w", err)
	}
	// The centroid baseline on the stored vectors of the training side.
	var tIdx []int
	for i, ex := range ds.Examples {
		if train(i) && (ex.Kind == records.KindPosting || ex.Kind == records.KindSample) {
			if _, ok := labelIndex[ex.Role]; ok {
				tIdx = append(tIdx, i)
			}
		}
	}
	if len(tIdx) > 0 {
		tx, _, tw := ds.Subset(tIdx)
		ty := make([]int, len(tIdx))
		for j, i := range tIdx {
			ty[j] = labelIndex[ds.Examples[i].Role]
		}
		testY := make([]int, len(postings.truth))
		for j, t := range postings.truth {
			testY[j] = t[0]
		}
		for _, p := range metrics.CentroidBaseline(tx, ty, toF64(tw), len(info.Labels), ds.Dim, x, testY, postings.weights) {
			sp.rankings[MethodCentroid] = append(sp.rankings[MethodCentroid], p.Ranked)
		}
	}
	m.Rows = append(m.Rows, sp.rows(info.Labels, postings.split, nil)...)
	seen := func(i int) bool { return trainedRole[postings.truth[i][0]] }
	nSeen := 0
	for i := range postings.texts {
		if seen(i) {
			nSeen++
		}
	}
	switch {
	case nSeen == 0:
		m.Caveats = append(m.Caveats, "No held-out posting has a role the evaluation model was trained on: each role has a single skills text here, so the grouped split holds out whole roles, which neither the classifier nor retrieval can know. The figures on other sources (--against, --people, --transitions) are the ones that count for this data.")
	case nSeen < len(postings.texts):
		for _, r := range sp.rows(info.Labels, "grouped: held-out postings of roles seen in training", seen) {
			if r.Name == MethodFused || r.Name == MethodClassifier || r.Name == MethodTFIDF {
				m.Rows = append(m.Rows, r)
			}
		}
	}
	preds := make([]metrics.Prediction, len(postings.texts))
	for i, r := range sp.rankings[MethodFused] {
		preds[i] = metrics.Prediction{True: postings.truth[i][0], Ranked: r, Weight: postings.weights[i]}
	}
	grouped, err := metrics.Evaluate(preds, info.Labels, 20)
	if err != nil {
		return fmt.Errorf("evaluate: %w", err)
	}
	m.Grouped = &grouped

	// 5-skill queries of the held-out postings: what a person types.
	qs := &querySet{split: "grouped: 5-skill queries of held-out postings"}
	testGroups := map[string]bool{}
	for i, ex := range ds.Examples {
		if sides[i] == split.Test {
			testGroups[ex.Group] = true
		}
	}
	postingsPath := filepath.Join(cfg.Workdir, "data", "clean", "postings.parquet")
	err = parquetio.Scan(postingsPath, 1024, func(rows []records.CleanPosting) error {
		for _, p := range rows {
			if len(p.Skills) == 0 {
				continue
			}
			group := embstore.HashText(strings.Join(p.Skills, ", ")).String()
			y, ok := labelIndex[p.Role]
			if !testGroups[group] || !ok {
				continue
			}
			for _, q := range FiveSkillQueries(p.Skills, cfg.Queries, cfg.Seed, group) {
				qs.add(q, []int{y}, float64(p.Count))
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("evaluate: %w", err)
	}
	if len(qs.texts) > 0 {
		sq, err := score(ctx, qs, set, enc, w, base, majority)
		if err != nil {
			return fmt.Errorf("evaluate: %w", err)
		}
		rows := sq.rows(info.Labels, qs.split, nil)
		for i := range rows {
			if rows[i].Name == MethodFused {
				rows[i].Headline = true
				q := sq.rankings[MethodFused]
				preds := make([]metrics.Prediction, len(q))
				for j, r := range q {
					preds[j] = metrics.Prediction{True: qs.truth[j][0], Ranked: r, Weight: qs.weights[j]}
				}
				if rep, err := metrics.Evaluate(preds, info.Labels, 0); err == nil {
					m.Queries = &rep
				}
			}
		}
		m.Rows = append(m.Rows, rows...)
	}

	// The prototype's row-level split, for comparison only.
	if cfg.RowLevel {
		r, err := rowLevel(ctx, cfg, ds, info)
		if err != nil {
			return fmt.Errorf("evaluate: %w", err)
		}
		m.Rows = append(m.Rows, r)
	}
	return nil
}
