package evaluate

import (
	"context"
	"fmt"
	"hash/fnv"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/skillx/skillx/features"
	"github.com/skillx/skillx/internal/classifier"
	"github.com/skillx/skillx/internal/dataset"
	"github.com/skillx/skillx/internal/embstore"
	"github.com/skillx/skillx/internal/encoder"
	"github.com/skillx/skillx/internal/metrics"
	"github.com/skillx/skillx/internal/mlp"
	"github.com/skillx/skillx/internal/parquetio"
	"github.com/skillx/skillx/internal/records"
	"github.com/skillx/skillx/internal/split"
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
	Encoder features.EncoderOptions
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
	if cfg.Model == "" {
		cfg.Model = filepath.Join(cfg.Workdir, "models", "classifier.onnx")
	}
	if cfg.Labels == "" {
		cfg.Labels = filepath.Join(cfg.Workdir, "models", "classifier.json")
	}
	if cfg.Queries <= 0 {
		cfg.Queries = 1
	}
	info, err := classifier.Read(cfg.Labels)
	if err != nil {
		return nil, fmt.Errorf("evaluate: %w", err)
	}
	ds, err := dataset.Load(cfg.Workdir)
	if err != nil {
		return nil, fmt.Errorf("evaluate: %w", err)
	}
	if info.Encoder != "" && info.Encoder != ds.Encoder {
		return nil, fmt.Errorf("evaluate: the model was trained on %s vectors but data/features holds %s vectors; rerun `skillx features` with the model's encoder or retrain", info.Encoder, ds.Encoder)
	}
	runner, err := classifier.NewRunner(cfg.Model, ds.Dim, len(info.Labels))
	if err != nil {
		return nil, fmt.Errorf("evaluate: %w", err)
	}
	defer runner.Close()
	m := Metrics{Model: cfg.Model, Encoder: ds.Encoder, Classes: len(info.Labels), Split: info.Split, Seed: cfg.Seed,
		Version: cfg.Version, Started: start.UTC()}
	if strings.HasPrefix(ds.Encoder, "hashing") {
		m.Caveats = append(m.Caveats, "These figures are for the model-free hashing encoder: the MiniLM weights were not available. MiniLM figures will differ.")
	}
	labelIndex := dataset.LabelIndex(info.Labels)

	// Which examples are held out: the model's grouped test split.
	sides := make([]split.Side, len(ds.Examples))
	fractions := split.Fractions{Test: info.Split.Test, Validation: info.Split.Validation}
	switch info.Split.Method {
	case "grouped":
		for i, ex := range ds.Examples {
			sides[i] = split.ByGroup(info.Split.Seed, ex.Group, fractions)
		}
	default:
		m.Caveats = append(m.Caveats, "The model's training data are unknown (no grouped split in its labels file): every example is evaluated, and any it was trained on inflates the figures.")
		for i := range sides {
			sides[i] = split.Test
		}
	}

	// (b) grouped split, postings of held-out groups: the headline.
	unknown := map[string]int{}
	var testIdx []int
	for i, ex := range ds.Examples {
		if sides[i] != split.Test || ex.Kind != "posting" {
			continue
		}
		if _, ok := labelIndex[ex.Role]; !ok {
			unknown[ex.Role]++
			continue
		}
		testIdx = append(testIdx, i)
	}
	if len(unknown) > 0 {
		m.UnknownRoles = unknown
		m.Caveats = append(m.Caveats, fmt.Sprintf("%d held-out postings have roles the model does not know (counted, not scored).", sum(unknown)))
	}
	if len(testIdx) == 0 && cfg.Against == "" && !cfg.Transitions {
		return nil, fmt.Errorf("evaluate: the test split is empty (%d examples, test share %.2f): nothing to evaluate; train with a larger --test, or pass --against or --transitions", len(ds.Examples), info.Split.Test)
	}
	if len(testIdx) > 0 {
		if err := heldOut(ctx, cfg, ds, info, sides, testIdx, runner, labelIndex, &m); err != nil {
			return nil, err
		}
	} else {
		m.Rows = append(m.Rows, Row{Name: "MLP (classifier.onnx)", Split: "grouped", Headline: true,
			Note: "no held-out split: the model was trained on every group (--test 0); only --against and --transitions figures below"})
	}
	if cfg.Against != "" {
		a, err := against(ctx, cfg, info, runner, ds.Dim)
		if err != nil {
			return nil, fmt.Errorf("evaluate: %w", err)
		}
		m.Against = a
		r := Row{Name: "MLP on another source (--against)", Split: fmt.Sprintf("%s: %d of %d postings matched to a label", a.Workdir, a.MatchedExact+a.MatchedAlternate, a.Postings)}
		if a.Report != nil {
			r.N, r.Weight, r.Top1, r.Top5, r.MacroF1 = a.Report.N, a.Report.Weight, a.Report.Top1, a.Report.Top5, a.Report.MacroF1
		} else {
			r.Note = "no posting's role or title matches a model label"
		}
		m.Rows = append(m.Rows, r)
	}
	if cfg.Transitions {
		t, err := transitions(ctx, cfg, info, runner, ds.Dim)
		if err != nil {
			return nil, fmt.Errorf("evaluate: %w", err)
		}
		m.Transitions = t
	}
	m.WallSeconds = time.Since(start).Seconds()
	paths := OutputPaths(cfg.Workdir)
	if err := writeReports(paths, &m, info); err != nil {
		return nil, fmt.Errorf("evaluate: %w", err)
	}
	log.Info("evaluate: done", "report", paths.Report, "seconds", fmt.Sprintf("%.1f", m.WallSeconds))
	return &Result{Paths: paths, Metrics: m}, nil
}

func row(name, splitName string, r metrics.Report, headline bool) Row {
	return Row{Name: name, Split: splitName, N: r.N, Weight: r.Weight, Top1: r.Top1, Top5: r.Top5, MacroF1: r.MacroF1, Headline: headline}
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

func toF64(w []float32) []float64 {
	out := make([]float64, len(w))
	for i, v := range w {
		out[i] = float64(v)
	}
	return out
}

// queries draws cfg.Queries queries of 5 phrases from each held-out posting (all its phrases
// when it has fewer), embeds them with the model's encoder and scores them.
func queries(ctx context.Context, cfg Config, ds *dataset.Set, info *classifier.Info, sides []split.Side, runner *classifier.Runner, labelIndex map[string]int) (metrics.Report, int, error) {
	testGroups := map[string]bool{}
	for i, ex := range ds.Examples {
		if sides[i] == split.Test {
			testGroups[ex.Group] = true
		}
	}
	postingsPath := filepath.Join(cfg.Workdir, "data", "clean", "postings.parquet")
	if _, err := os.Stat(postingsPath); err != nil {
		return metrics.Report{}, 0, nil
	}
	var texts []string
	var truth []int
	var weights []float64
	err := parquetio.Scan(postingsPath, 1024, func(rows []records.CleanPosting) error {
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
				texts = append(texts, q)
				truth = append(truth, y)
				weights = append(weights, float64(p.Count))
			}
		}
		return nil
	})
	if err != nil || len(texts) == 0 {
		return metrics.Report{}, 0, err
	}
	ranked, err := predictTexts(ctx, cfg, info, runner, ds.Dim, texts, 5)
	if err != nil {
		return metrics.Report{}, 0, err
	}
	preds := make([]metrics.Prediction, len(ranked))
	for j, r := range ranked {
		preds[j] = metrics.Prediction{True: truth[j], Ranked: r, Weight: weights[j]}
	}
	rep, err := metrics.Evaluate(preds, info.Labels, 0)
	return rep, len(preds), err
}

// openEncoder opens the encoder the features were made with and checks its id.
func openEncoder(cfg Config, want string) (encoder.Encoder, error) {
	opts := cfg.Encoder
	if strings.HasPrefix(want, "hashing") {
		opts.Kind = features.EncoderHashing
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
	tx, ty, _ := ds.Subset(trainIdx)
	hidden := info.Hidden
	cfgM := mlp.Config{Input: ds.Dim, Hidden: hidden, Classes: len(ds.Labels), LearningRate: info.Training.LearningRate,
		BatchSize: info.Training.BatchSize, Epochs: max(info.Training.MaxEpochs, info.Training.BestEpoch, 1), Seed: info.Seed}
	model, _, err := mlp.Train(ctx, cfgM, mlp.Dataset{X: tx, Y: ty, W: trainW}, mlp.Dataset{}, nil)
	if err != nil {
		return r, fmt.Errorf("row-level comparison model: %w", err)
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

// heldOut scores the held-out postings (the headline), the seen-role subset, the baselines,
// the 5-skill queries and the row-level comparison, adding rows to m.
func heldOut(ctx context.Context, cfg Config, ds *dataset.Set, info *classifier.Info, sides []split.Side, testIdx []int,
	runner *classifier.Runner, labelIndex map[string]int, m *Metrics) error {
	x, _, w := ds.Subset(testIdx)
	probs, err := runner.Predict(x, len(testIdx))
	if err != nil {
		return fmt.Errorf("evaluate: %w", err)
	}
	preds := make([]metrics.Prediction, len(testIdx))
	for j, i := range testIdx {
		preds[j] = metrics.Prediction{True: labelIndex[ds.Examples[i].Role], Ranked: metrics.TopK(probs[j*len(info.Labels):(j+1)*len(info.Labels)], 5), Weight: float64(w[j])}
	}
	grouped, err := metrics.Evaluate(preds, info.Labels, 20)
	if err != nil {
		return fmt.Errorf("evaluate: %w", err)
	}
	m.Grouped = &grouped
	m.Rows = append(m.Rows, row("MLP (classifier.onnx)", "grouped by skills text (held-out postings)", grouped, true))

	// The same, restricted to held-out postings whose role has training examples.
	trained := map[int]bool{}
	for i, ex := range ds.Examples {
		if sides[i] != split.Test {
			if y, ok := labelIndex[ex.Role]; ok {
				trained[y] = true
			}
		}
	}
	var seen []metrics.Prediction
	for _, p := range preds {
		if trained[p.True] {
			seen = append(seen, p)
		}
	}
	switch {
	case len(seen) == 0:
		m.Rows = append(m.Rows, Row{Name: "MLP, held-out postings of roles seen in training", Split: "grouped",
			Note: "none: every held-out posting's role is absent from training (each role has a single skills text)"})
		m.Caveats = append(m.Caveats, "No held-out posting has a role the model was trained on: the grouped figures measure unseen roles, which no classifier over these labels can get right. The data has one skills text per role.")
	case len(seen) < len(preds):
		if rep, err := metrics.Evaluate(seen, info.Labels, 0); err == nil {
			m.Rows = append(m.Rows, row("MLP, held-out postings of roles seen in training", "grouped", rep, false))
		}
	}

	// Baselines on the same split, from the training side.
	var trainIdx []int
	for i, ex := range ds.Examples {
		if sides[i] == split.Train || sides[i] == split.Validation {
			if _, ok := labelIndex[ex.Role]; ok {
				trainIdx = append(trainIdx, i)
			}
		}
	}
	if len(trainIdx) > 0 {
		tx, _, tw := ds.Subset(trainIdx)
		ty := make([]int, len(trainIdx))
		for j, i := range trainIdx {
			ty[j] = labelIndex[ds.Examples[i].Role]
		}
		testY := make([]int, len(preds))
		testW := make([]float64, len(preds))
		for j, p := range preds {
			testY[j], testW[j] = p.True, p.Weight
		}
		tw64 := toF64(tw)
		maj, err := metrics.Evaluate(metrics.MajorityBaseline(ty, tw64, len(info.Labels), testY, testW), info.Labels, 0)
		if err == nil {
			m.Rows = append(m.Rows, row("baseline: majority class", "grouped", maj, false))
		}
		cen, err := metrics.Evaluate(metrics.CentroidBaseline(tx, ty, tw64, len(info.Labels), ds.Dim, x, testY, testW), info.Labels, 0)
		if err == nil {
			m.Rows = append(m.Rows, row("baseline: nearest role centroid (cosine)", "grouped", cen, false))
		}
	}

	// The model-free hashing encoder on the same split, when the model used another encoder.
	if !strings.HasPrefix(ds.Encoder, "hashing") && len(trainIdx) > 0 {
		r, err := hashingBaseline(ctx, ds, info, trainIdx, testIdx, labelIndex, preds)
		if err != nil {
			return fmt.Errorf("hashing baseline: %w", err)
		}
		m.Rows = append(m.Rows, r)
	}

	// (c) 5-skill queries from held-out postings.
	qrep, qn, err := queries(ctx, cfg, ds, info, sides, runner, labelIndex)
	if err != nil {
		return fmt.Errorf("evaluate: %w", err)
	}
	if qn > 0 {
		m.Queries = &qrep
		m.Rows = append(m.Rows, row("MLP, 5-skill queries", "grouped: 5 phrases of each held-out posting, as a person types them", qrep, false))
	}

	// (a) the prototype's row-level split, for comparison only.
	if cfg.RowLevel {
		r, err := rowLevel(ctx, cfg, ds, info)
		if err != nil {
			return fmt.Errorf("evaluate: %w", err)
		}
		m.Rows = append(m.Rows, r)
	}
	return nil
}

// hashingBaseline trains the same MLP on hashing-encoder vectors of the training side and scores
// the held-out postings: what the sentence model adds over bags of words.
func hashingBaseline(ctx context.Context, ds *dataset.Set, info *classifier.Info, trainIdx, testIdx []int, labelIndex map[string]int, preds []metrics.Prediction) (Row, error) {
	enc := encoder.Hashing(0)
	embed := func(idx []int) ([]float32, error) {
		texts := make([]string, len(idx))
		for j, i := range idx {
			texts[j] = ds.Examples[i].Text
		}
		vecs, err := enc.Encode(ctx, texts)
		if err != nil {
			return nil, err
		}
		x := make([]float32, 0, len(vecs)*enc.Dim())
		for _, v := range vecs {
			x = append(x, v...)
		}
		return x, nil
	}
	tx, err := embed(trainIdx)
	if err != nil {
		return Row{}, err
	}
	ty := make([]int32, len(trainIdx))
	tw := make([]float32, len(trainIdx))
	for j, i := range trainIdx {
		ty[j], tw[j] = int32(labelIndex[ds.Examples[i].Role]), float32(ds.Examples[i].Weight)
	}
	cfg := mlp.Config{Input: enc.Dim(), Hidden: info.Hidden, Classes: len(info.Labels), LearningRate: info.Training.LearningRate,
		BatchSize: info.Training.BatchSize, Epochs: max(info.Training.MaxEpochs, info.Training.BestEpoch, 1), Seed: info.Seed}
	model, _, err := mlp.Train(ctx, cfg, mlp.Dataset{X: tx, Y: ty, W: tw}, mlp.Dataset{}, nil)
	if err != nil {
		return Row{}, err
	}
	x, err := embed(testIdx)
	if err != nil {
		return Row{}, err
	}
	probs := model.Predict(x, len(testIdx))
	c := len(info.Labels)
	hp := make([]metrics.Prediction, len(testIdx))
	for j := range testIdx {
		hp[j] = metrics.Prediction{True: preds[j].True, Ranked: metrics.TopK(probs[j*c:(j+1)*c], 5), Weight: preds[j].Weight}
	}
	rep, err := metrics.Evaluate(hp, info.Labels, 0)
	if err != nil {
		return Row{}, err
	}
	return row("baseline: same MLP on the hashing encoder", "grouped", rep, false), nil
}
