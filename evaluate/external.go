package evaluate

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/skillx/skillx/clean"
	"github.com/skillx/skillx/internal/classifier"
	"github.com/skillx/skillx/internal/metrics"
	"github.com/skillx/skillx/internal/parquetio"
	"github.com/skillx/skillx/internal/records"
	"github.com/skillx/skillx/internal/tabular"
)

// AgainstResult describes an evaluation on another data set.
type AgainstResult struct {
	// Workdir is the other data set's workdir.
	Workdir string `json:"workdir"`
	// Postings is the number of its clean postings.
	Postings int `json:"postings"`
	// MatchedExact counts postings whose role or title equals a model label (case-insensitively).
	MatchedExact int `json:"matched_exact"`
	// MatchedAlternate counts postings matched through O*NET's alternate or reported titles.
	MatchedAlternate int `json:"matched_alternate_titles"`
	// Report scores the matched postings.
	Report *metrics.Report `json:"report,omitempty"`
}

// TransitionsResult scores predicted next roles against O*NET's Related Occupations.
type TransitionsResult struct {
	// Occupations is the number of occupations queried; Evaluated those with a related
	// occupation the model knows.
	Occupations int `json:"occupations"`
	Evaluated   int `json:"evaluated"`
	// HitAt5 is the share of occupations with at least one related occupation among the 5
	// predicted roles (the occupation itself excluded); PrecisionAt5 the mean share of the 5
	// that are related.
	HitAt5       float64 `json:"hit_at_5"`
	PrecisionAt5 float64 `json:"precision_at_5"`
	// ChanceHitAt5 and ChancePrecisionAt5 are what 5 roles drawn at random (the occupation
	// itself excluded) would score on average: the baseline to beat.
	ChanceHitAt5       float64 `json:"chance_hit_at_5"`
	ChancePrecisionAt5 float64 `json:"chance_precision_at_5"`
}

// onetTitles reads O*NET's Occupation Data, Alternate Titles and Sample of Reported Titles into
// a map from case-folded title to O*NET-SOC code, and the code of each occupation title.
func onetTitles(dir string) (alt map[string]string, titleCode map[string]string, err error) {
	alt, titleCode = map[string]string{}, map[string]string{}
	read := func(file, col string, into map[string]string) error {
		r, err := tabular.Open(filepath.Join(dir, file), tabular.Options{Format: tabular.FormatTSV})
		if err != nil {
			return err
		}
		defer r.Close()
		h := r.Header()
		ci, ti := index(h, "O*NET-SOC Code"), index(h, col)
		if ci < 0 || ti < 0 {
			return fmt.Errorf("%s: columns \"O*NET-SOC Code\" and %q needed", file, col)
		}
		for {
			rec, err := r.Next()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return err
			}
			if rec.Err != nil {
				continue
			}
			k := clean.RoleKey(rec.Fields[ti])
			if _, dup := into[k]; !dup && k != "" {
				into[k] = strings.Clone(rec.Fields[ci])
			}
		}
	}
	if err := read("Occupation Data.txt", "Title", titleCode); err != nil {
		return nil, nil, err
	}
	for _, f := range [][2]string{{"Alternate Titles.txt", "Alternate Title"}, {"Sample of Reported Titles.txt", "Reported Job Title"}} {
		if err := read(f[0], f[1], alt); err != nil {
			return nil, nil, err
		}
	}
	return alt, titleCode, nil
}

func index(h []string, name string) int {
	for i, c := range h {
		if c == name {
			return i
		}
	}
	return -1
}

// against scores the model on the clean postings of another workdir whose roles map to the
// model's labels.
func against(ctx context.Context, cfg Config, info *classifier.Info, runner *classifier.Runner, dim int) (*AgainstResult, error) {
	path := filepath.Join(cfg.Against, "data", "clean", "postings.parquet")
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("--against %s: %s not found: run `skillx ingest` and `skillx clean --workdir %s` first", cfg.Against, path, cfg.Against)
	}
	labelOf := map[string]int{}
	codeLabel := map[string]int{}
	for i, l := range info.Labels {
		labelOf[clean.RoleKey(l)] = i
	}
	var alt map[string]string
	if cfg.ONET != "" {
		a, titleCode, err := onetTitles(cfg.ONET)
		if err != nil {
			return nil, fmt.Errorf("--onet %s: %w", cfg.ONET, err)
		}
		alt = a
		for k, code := range titleCode {
			if i, ok := labelOf[k]; ok {
				codeLabel[code] = i
			}
		}
	}
	res := &AgainstResult{Workdir: cfg.Against}
	var texts []string
	var truth []int
	var weights []float64
	err := parquetio.Scan(path, 1024, func(rows []records.CleanPosting) error {
		for _, p := range rows {
			res.Postings++
			if len(p.Skills) == 0 {
				continue
			}
			y, ok := -1, false
			for _, name := range []string{p.Role, p.Title} {
				if y, ok = labelOf[clean.RoleKey(name)]; ok {
					res.MatchedExact++
					break
				}
			}
			if !ok && alt != nil {
				for _, name := range []string{p.Role, p.Title} {
					if code, found := alt[clean.RoleKey(name)]; found {
						if y, ok = codeLabel[code]; ok {
							res.MatchedAlternate++
							break
						}
					}
				}
			}
			if !ok {
				continue
			}
			texts = append(texts, strings.Join(p.Skills, ", "))
			truth = append(truth, y)
			weights = append(weights, float64(p.Count))
		}
		return nil
	})
	if err != nil || len(texts) == 0 {
		return res, err
	}
	preds, err := predictTexts(ctx, cfg, info, runner, dim, texts, 5)
	if err != nil {
		return nil, err
	}
	mp := make([]metrics.Prediction, len(preds))
	for i, r := range preds {
		mp[i] = metrics.Prediction{True: truth[i], Ranked: r, Weight: weights[i]}
	}
	rep, err := metrics.Evaluate(mp, info.Labels, 10)
	if err != nil {
		return nil, err
	}
	res.Report = &rep
	return res, nil
}

// predictTexts embeds texts with the model's encoder and returns each text's k best labels.
func predictTexts(ctx context.Context, cfg Config, info *classifier.Info, runner *classifier.Runner, dim int, texts []string, k int) ([][]int, error) {
	enc, err := openEncoder(cfg, info.Encoder)
	if err != nil {
		return nil, err
	}
	defer enc.Close()
	vecs, err := enc.Encode(ctx, texts)
	if err != nil {
		return nil, err
	}
	x := make([]float32, 0, len(vecs)*dim)
	for _, v := range vecs {
		x = append(x, v...)
	}
	probs, err := runner.Predict(x, len(vecs))
	if err != nil {
		return nil, err
	}
	c := len(info.Labels)
	out := make([][]int, len(vecs))
	for i := range vecs {
		out[i] = metrics.TopK(probs[i*c:(i+1)*c], k)
	}
	return out, nil
}

// transitions queries the model with 5 skills of each O*NET occupation of the workdir's clean
// data, drops the occupation itself from the ranking, and scores the top 5 against O*NET's
// Related Occupations (restricted to occupations the model knows).
func transitions(ctx context.Context, cfg Config, info *classifier.Info, runner *classifier.Runner, dim int) (*TransitionsResult, error) {
	if cfg.ONET == "" {
		return nil, errors.New("--transitions needs --onet DIR (the O*NET database folder, for Related Occupations.txt)")
	}
	related := map[string][]string{}
	r, err := tabular.Open(filepath.Join(cfg.ONET, "Related Occupations.txt"), tabular.Options{Format: tabular.FormatTSV})
	if err != nil {
		return nil, fmt.Errorf("--onet: %w", err)
	}
	h := r.Header()
	ci, ri := index(h, "O*NET-SOC Code"), index(h, "Related O*NET-SOC Code")
	if ci < 0 || ri < 0 {
		r.Close()
		return nil, errors.New("--onet: Related Occupations.txt lacks its code columns")
	}
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			r.Close()
			return nil, err
		}
		if rec.Err == nil {
			related[strings.Clone(rec.Fields[ci])] = append(related[rec.Fields[ci]], strings.Clone(rec.Fields[ri]))
		}
	}
	r.Close()
	labelOf := map[string]int{}
	for i, l := range info.Labels {
		labelOf[l] = i
	}
	codeLabel := map[string]int{}
	type occ struct {
		code  string
		label int
		text  string
	}
	var occs []occ
	path := filepath.Join(cfg.Workdir, "data", "clean", "postings.parquet")
	err = parquetio.Scan(path, 1024, func(rows []records.CleanPosting) error {
		for _, p := range rows {
			y, ok := labelOf[p.Role]
			if p.Source != "onet" || !ok || len(p.Skills) == 0 {
				continue
			}
			codeLabel[p.PostingID] = y
			q := FiveSkillQueries(p.Skills, 1, cfg.Seed, p.PostingID)[0]
			occs = append(occs, occ{code: p.PostingID, label: y, text: q})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(occs) == 0 {
		return nil, fmt.Errorf("--transitions: %s holds no O*NET occupation known to the model; train on `--preset onet` data", path)
	}
	texts := make([]string, len(occs))
	for i, o := range occs {
		texts[i] = o.text
	}
	ranked, err := predictTexts(ctx, cfg, info, runner, dim, texts, 6)
	if err != nil {
		return nil, err
	}
	predicted := make([][]int, len(occs))
	relevant := make([]map[int]bool, len(occs))
	for i, o := range occs {
		for _, y := range ranked[i] {
			if y != o.label && len(predicted[i]) < 5 {
				predicted[i] = append(predicted[i], y)
			}
		}
		relevant[i] = map[int]bool{}
		for _, code := range related[o.code] {
			if y, ok := codeLabel[code]; ok {
				relevant[i][y] = true
			}
		}
	}
	res := &TransitionsResult{Occupations: len(occs)}
	res.HitAt5, res.PrecisionAt5, res.Evaluated, _ = metrics.HitAndPrecisionAtK(predicted, relevant, 5)
	// Chance: with n candidates and r relevant, P(hit) = 1 - C(n-r, 5)/C(n, 5), E[precision] = r/n.
	n := float64(len(info.Labels) - 1)
	for _, rel := range relevant {
		r := float64(len(rel))
		if r == 0 {
			continue
		}
		miss := 1.0
		for k := 0.0; k < 5; k++ {
			miss *= math.Max(n-r-k, 0) / (n - k)
		}
		res.ChanceHitAt5 += (1 - miss) / float64(res.Evaluated)
		res.ChancePrecisionAt5 += r / n / float64(res.Evaluated)
	}
	return res, nil
}
