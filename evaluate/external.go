package evaluate

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/skillx/skillx/internal/encoder"
	"github.com/skillx/skillx/internal/metrics"
	"github.com/skillx/skillx/internal/parquetio"
	"github.com/skillx/skillx/internal/peoplebench"
	"github.com/skillx/skillx/internal/rank"
	"github.com/skillx/skillx/internal/records"
	"github.com/skillx/skillx/internal/split"
	"github.com/skillx/skillx/internal/tabular"
	"github.com/skillx/skillx/internal/textnorm"
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
	// Ambiguous counts matched postings whose title O*NET lists under several occupations
	// (any of them counts as right).
	Ambiguous int `json:"ambiguous"`
}

// PeopleResult describes an evaluation on the person benchmark.
type PeopleResult struct {
	// File is the benchmark file.
	File string `json:"file"`
	// People is the number of people in it; Matched those with a right label the model knows.
	People  int `json:"people"`
	Matched int `json:"matched"`
	// Ambiguous counts matched people with more than one right label.
	Ambiguous int `json:"ambiguous"`
}

// TransitionsResult scores predicted next roles against O*NET's Related Occupations.
type TransitionsResult struct {
	// Occupations is the number of occupations queried; Evaluated those of the test half with
	// a related occupation the model knows.
	Occupations int `json:"occupations"`
	Evaluated   int `json:"evaluated"`
	// CurrentRoleWeight is the served β; DevCurrentRoleWeight the β that does best on the dev
	// half (the other half of the occupations, by code).
	CurrentRoleWeight    float64 `json:"current_role_weight"`
	DevCurrentRoleWeight float64 `json:"dev_current_role_weight"`
	// HitAt5 and PrecisionAt5 are the served ranking's on the test half: hit is 1 when any of
	// the 5 roles (the occupation itself excluded) is related, precision the share of the 5
	// that are.
	HitAt5       float64 `json:"hit_at_5"`
	PrecisionAt5 float64 `json:"precision_at_5"`
	// Methods holds hit@5 and precision@5 of each method on the test half.
	Methods []MethodHit `json:"methods"`
	// TFIDFHitAt5 is the TF-IDF baseline's hit@5 on the test half.
	TFIDFHitAt5 float64 `json:"tfidf_hit_at_5"`
	// ChanceHitAt5 and ChancePrecisionAt5 are what 5 roles drawn at random (the occupation
	// itself excluded) would score on average.
	ChanceHitAt5       float64 `json:"chance_hit_at_5"`
	ChancePrecisionAt5 float64 `json:"chance_precision_at_5"`
}

// MethodHit is one method's transitions figures.
type MethodHit struct {
	Name         string  `json:"name"`
	HitAt5       float64 `json:"hit_at_5"`
	PrecisionAt5 float64 `json:"precision_at_5"`
}

// onetTitles reads O*NET's Occupation Data, Alternate Titles and Sample of Reported Titles into
// a map from case-folded title to O*NET-SOC code, and the code of each occupation title.
func onetTitles(dir string) (alt map[string][]string, titleCode map[string]string, err error) {
	alt, titleCode = map[string][]string{}, map[string]string{}
	read := func(file, col string, into func(k, code string)) error {
		r, err := tabular.Open(filepath.Join(dir, file), tabular.Options{Format: tabular.FormatTSV})
		if err != nil {
			return err
		}
		defer r.Close()
		h := r.Header()
		ci, ti := tabular.FindColumn(h, "O*NET-SOC Code"), tabular.FindColumn(h, col)
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
			if k := textnorm.RoleKey(rec.Fields[ti]); k != "" {
				into(k, strings.Clone(rec.Fields[ci]))
			}
		}
	}
	addAlt := func(k, code string) {
		if !slices.Contains(alt[k], code) {
			alt[k] = append(alt[k], code)
		}
	}
	if err := read("Occupation Data.txt", "Title", func(k, code string) {
		if _, dup := titleCode[k]; !dup {
			titleCode[k] = code
		}
		addAlt(k, code)
	}); err != nil {
		return nil, nil, err
	}
	for _, f := range [][2]string{{"Alternate Titles.txt", "Alternate Title"}, {"Sample of Reported Titles.txt", "Reported Job Title"}} {
		if err := read(f[0], f[1], addAlt); err != nil {
			return nil, nil, err
		}
	}
	return alt, titleCode, nil
}

// against scores the serving model set on the clean postings of another workdir whose roles
// map to the model's labels: exactly, or through O*NET's alternate and reported titles, where a
// title listed under several occupations counts as right for any of them.
func against(ctx context.Context, cfg Config, set *rank.Set, enc encoder.Encoder, base *tfidfBaseline) (*AgainstResult, []Row, error) {
	path := filepath.Join(cfg.Against, "data", "clean", "postings.parquet")
	if _, err := os.Stat(path); err != nil {
		return nil, nil, fmt.Errorf("--against %s: %s not found: run `skillx ingest` and `skillx clean --workdir %s` first", cfg.Against, path, cfg.Against)
	}
	var alt map[string][]string
	codeLabel := map[string]int{}
	if cfg.ONET != "" {
		a, titleCode, err := onetTitles(cfg.ONET)
		if err != nil {
			return nil, nil, fmt.Errorf("--onet %s: %w", cfg.ONET, err)
		}
		alt = a
		for k, code := range titleCode {
			if i := set.Label(k); i >= 0 {
				codeLabel[code] = i
			}
		}
	}
	res := &AgainstResult{Workdir: cfg.Against}
	q := &querySet{split: "--against " + filepath.Base(cfg.Against)}
	err := parquetio.Scan(path, 1024, func(rows []records.CleanPosting) error {
		for _, p := range rows {
			res.Postings++
			if len(p.Skills) == 0 {
				continue
			}
			var truth []int
			for _, name := range []string{p.Role, p.Title} {
				if y := set.Label(name); y >= 0 {
					truth = []int{y}
					res.MatchedExact++
					break
				}
			}
			if truth == nil && alt != nil {
				for _, name := range []string{p.Role, p.Title} {
					for _, code := range alt[textnorm.RoleKey(name)] {
						if y, ok := codeLabel[code]; ok && !slices.Contains(truth, y) {
							truth = append(truth, y)
						}
					}
					if truth != nil {
						res.MatchedAlternate++
						break
					}
				}
			}
			if truth == nil {
				continue
			}
			if len(truth) > 1 {
				res.Ambiguous++
			}
			q.add(strings.Join(p.Skills, ", "), truth, float64(p.Count))
		}
		return nil
	})
	if err != nil || len(q.texts) == 0 {
		return res, []Row{{Name: MethodFused, Split: q.split, Note: "no posting's role or title matches a model label"}}, err
	}
	rows, err := externalRows(ctx, q, set, enc, base)
	return res, rows, err
}

// externalRows scores a query set from another source with the serving set and the
// TF-IDF baseline fitted on all of data/features, and adds the unambiguous subset's rows.
func externalRows(ctx context.Context, q *querySet, set *rank.Set, enc encoder.Encoder, base *tfidfBaseline) ([]Row, error) {
	labels := set.Info.Labels
	sc, err := score(ctx, q, set, enc, set.Weights(), base, setMajority(q.truth, q.weights, len(labels)))
	if err != nil {
		return nil, err
	}
	rows := sc.rows(labels, q.split, nil)
	for i := range rows {
		if rows[i].Name == MethodMajority {
			rows[i].Note = "the 5 commonest right labels of this set: an oracle no model can know"
		}
	}
	amb := 0
	for _, t := range q.truth {
		if len(t) > 1 {
			amb++
		}
	}
	if amb > 0 && amb < len(q.truth) {
		unamb := func(i int) bool { return len(q.truth[i]) == 1 }
		for _, r := range sc.rows(labels, q.split+", unambiguous titles only", unamb) {
			if r.Name != MethodMajority {
				rows = append(rows, r)
			}
		}
	}
	return rows, nil
}

// people scores the serving model set on a person benchmark (skillx people-bench): each
// person's 5 skills, with the model labels their posting's title maps to as right answers.
func people(ctx context.Context, cfg Config, set *rank.Set, enc encoder.Encoder, base *tfidfBaseline) (*PeopleResult, []Row, error) {
	ps, err := peoplebench.Read(cfg.People)
	if err != nil {
		return nil, nil, fmt.Errorf("--people: %w", err)
	}
	res := &PeopleResult{File: cfg.People, People: len(ps)}
	q := &querySet{split: "person benchmark " + filepath.Base(cfg.People)}
	for _, p := range ps {
		var truth []int
		for _, name := range slices.Concat(p.KaggleRoles, p.ONETTitles) {
			if y := set.Label(name); y >= 0 && !slices.Contains(truth, y) {
				truth = append(truth, y)
			}
		}
		if truth == nil {
			continue
		}
		res.Matched++
		if len(truth) > 1 {
			res.Ambiguous++
		}
		q.add(strings.Join(p.Skills, ", "), truth, 1)
	}
	if len(q.texts) == 0 {
		return res, []Row{{Name: MethodFused, Split: q.split, Note: "no person's target is a model label"}}, nil
	}
	rows, err := externalRows(ctx, q, set, enc, base)
	return res, rows, err
}

// transitions queries the serving set with 5 skills of each O*NET occupation of the workdir's
// clean data, together with the occupation as the current role, drops the occupation itself,
// and scores the top 5 against O*NET's Related Occupations. The current-role weight β is
// chosen on half of the occupations (by a hash of the code) and every figure is reported on
// the other half.
func transitions(ctx context.Context, cfg Config, set *rank.Set, enc encoder.Encoder, base *tfidfBaseline) (*TransitionsResult, error) {
	if cfg.ONET == "" {
		return nil, errors.New("--transitions needs --onet DIR (the O*NET database folder, for Related Occupations.txt)")
	}
	related := map[string][]string{}
	r, err := tabular.Open(filepath.Join(cfg.ONET, "Related Occupations.txt"), tabular.Options{Format: tabular.FormatTSV})
	if err != nil {
		return nil, fmt.Errorf("--onet: %w", err)
	}
	h := r.Header()
	ci, ri := tabular.FindColumn(h, "O*NET-SOC Code"), tabular.FindColumn(h, "Related O*NET-SOC Code")
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
	labels := set.Info.Labels
	codeLabel := map[string]int{}
	type occ struct {
		code  string
		label int
		text  string
		dev   bool
	}
	var occs []occ
	path := filepath.Join(cfg.Workdir, "data", "clean", "postings.parquet")
	err = parquetio.Scan(path, 1024, func(rows []records.CleanPosting) error {
		for _, p := range rows {
			y := set.Label(p.Role)
			if p.Source != "onet" || y < 0 || len(p.Skills) == 0 {
				continue
			}
			codeLabel[p.PostingID] = y
			q := FiveSkillQueries(p.Skills, 1, cfg.Seed, p.PostingID)[0]
			dev := split.ByGroup(cfg.Seed, "transitions-half:"+p.PostingID, split.Fractions{Test: 0.5}) == split.Test
			occs = append(occs, occ{code: p.PostingID, label: y, text: q, dev: dev})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(occs) == 0 {
		return nil, fmt.Errorf("--transitions: %s holds no O*NET occupation known to the model; train on `--preset onet` data", path)
	}
	q := &querySet{}
	for _, o := range occs {
		q.add(o.text, []int{o.label}, 1)
	}
	w := set.Weights()
	sc, err := score(ctx, q, set, enc, w, base, nil)
	if err != nil {
		return nil, err
	}
	relevant := make([]map[int]bool, len(occs))
	for i, o := range occs {
		relevant[i] = map[int]bool{}
		for _, code := range related[o.code] {
			if y, ok := codeLabel[code]; ok {
				relevant[i][y] = true
			}
		}
	}
	c := len(labels)
	// next5 ranks the roles of query i by scores, the occupation itself left out.
	next5 := func(i int, scores []float32) []int {
		var out []int
		for _, y := range metrics.TopK(scores, 6) {
			if y != occs[i].label && len(out) < 5 {
				out = append(out, y)
			}
		}
		return out
	}
	fusedAt := func(beta float64) [][]int {
		out := make([][]int, len(occs))
		dst := make([]float32, c)
		for i, o := range occs {
			var cls []float32
			if sc.cls != nil {
				cls = sc.cls[i]
			}
			rank.Fuse(cls, sc.ret[i], set.RoleSimilarity(o.label), w.Classifier, beta, dst)
			out[i] = next5(i, dst)
		}
		return out
	}
	half := func(lists [][]int, dev bool) (hit, prec float64, n int) {
		var p [][]int
		var rel []map[int]bool
		for i, o := range occs {
			if o.dev == dev {
				p, rel = append(p, lists[i]), append(rel, relevant[i])
			}
		}
		hit, prec, n, _ = metrics.HitAndPrecisionAtK(p, rel, 5)
		return hit, prec, n
	}
	res := &TransitionsResult{Occupations: len(occs), CurrentRoleWeight: w.CurrentRole}
	bestDev := -1.0
	for _, beta := range rank.Grid {
		if h, _, _ := half(fusedAt(beta), true); h > bestDev {
			bestDev, res.DevCurrentRoleWeight = h, beta
		}
	}
	add := func(name string, lists [][]int) float64 {
		hit, prec, n := half(lists, false)
		res.Methods = append(res.Methods, MethodHit{Name: name, HitAt5: hit, PrecisionAt5: prec})
		res.Evaluated = n
		return hit
	}
	served := fusedAt(w.CurrentRole)
	res.HitAt5, res.PrecisionAt5, res.Evaluated = half(served, false)
	add(fmt.Sprintf("%s: skills and current role (β %.2f)", MethodFused, w.CurrentRole), served)
	if res.DevCurrentRoleWeight != w.CurrentRole {
		add(fmt.Sprintf("fused, β %.2f chosen on the dev half", res.DevCurrentRoleWeight), fusedAt(res.DevCurrentRoleWeight))
	}
	add("fused, skills only (β 0)", fusedAt(0))
	for _, m := range []string{MethodClassifier, MethodRetrieval} {
		if sc.cls == nil && m == MethodClassifier {
			continue
		}
		lists := make([][]int, len(occs))
		for i := range occs {
			s := sc.ret[i]
			if m == MethodClassifier {
				s = sc.cls[i]
			}
			lists[i] = next5(i, s)
		}
		add(m, lists)
	}
	tl := make([][]int, len(occs))
	for i := range occs {
		s := make([]float32, c)
		base.ix.Scores(base.m.Transform(occs[i].text), s)
		tl[i] = next5(i, s)
	}
	res.TFIDFHitAt5 = add(MethodTFIDF, tl)
	// Chance: with n candidates and r relevant, P(hit) = 1 - C(n-r, 5)/C(n, 5), E[precision] = r/n.
	n := float64(c - 1)
	var evaluated float64
	for i, rel := range relevant {
		r := float64(len(rel))
		if r == 0 || occs[i].dev {
			continue
		}
		evaluated++
		miss := 1.0
		for k := 0.0; k < 5; k++ {
			miss *= math.Max(n-r-k, 0) / (n - k)
		}
		res.ChanceHitAt5 += 1 - miss
		res.ChancePrecisionAt5 += r / n
	}
	if evaluated > 0 {
		res.ChanceHitAt5 /= evaluated
		res.ChancePrecisionAt5 /= evaluated
	}
	return res, nil
}
