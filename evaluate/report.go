package evaluate

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/skillx/skillx/internal/classifier"
	"github.com/skillx/skillx/internal/plots"
	"github.com/skillx/skillx/internal/stage"
)

// stageReports writes metrics.json and report.md, and per_class.csv, confusion.csv and
// confusion.png when there are grouped figures and confused classes to show, as outputs of r;
// the reports of an earlier run that this one does not write are dropped.
func stageReports(r *stage.Runner, p Paths, m *Metrics, info *classifier.Info) error {
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("encode metrics: %w", err)
	}
	if err := r.Stage(p.Metrics, append(data, '\n')); err != nil {
		return err
	}
	g := m.Grouped
	if g == nil {
		r.Drop(p.PerClass)
		r.Drop(p.Confusion)
		r.Drop(p.ConfusionPNG)
		return r.Stage(p.Report, []byte(markdown(m, info, "")))
	}
	for _, t := range []struct {
		path  string
		write func(w io.Writer) error
	}{{p.PerClass, g.PerClassCSV}, {p.Confusion, g.ConfusionCSV}} {
		f, err := r.Create(t.path)
		if err != nil {
			return err
		}
		if err := t.write(f); err != nil {
			return fmt.Errorf("write %s: %w", t.path, err)
		}
	}
	classes := g.ConfusedClasses(25)
	png := ""
	if len(classes) >= 2 {
		data, err := plots.ConfusionHeatmapPNG(p.ConfusionPNG, g.Confusion, info.Labels, classes,
			"Most confused roles: held-out postings (grouped split)")
		if err != nil {
			return err
		}
		if err := r.Stage(p.ConfusionPNG, data); err != nil {
			return err
		}
		png = "confusion.png"
	} else {
		r.Drop(p.ConfusionPNG)
	}
	return r.Stage(p.Report, []byte(markdown(m, info, png)))
}

func markdown(m *Metrics, info *classifier.Info, png string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Evaluation report\n\nModel `%s`, %d roles, encoder `%s`, skillx %s.\n\n", m.Model, m.Classes, m.Encoder, m.Version)
	b.WriteString("## Accuracy on data the model has not seen\n\n")
	b.WriteString("Top-1: the share of queries whose first role is right. Top-5: the share with a right role among the first five " +
		"(what a person sees). Macro-F1: the mean over roles of the F1 of the first role (only where each query has one right role).\n\n")
	if len(m.Findings) > 0 {
		b.WriteString("**In plain words:**\n\n")
		for _, f := range m.Findings {
			fmt.Fprintf(&b, "- %s\n", f)
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "The served ranking fuses the classifier (weight %.2f, %s) with retrieval over role profiles; with a current role, %.2f of the score is the similarity of each role to it.\n\n",
		m.Ranking.Classifier, m.Ranking.ChosenOn, m.Ranking.CurrentRole)
	b.WriteString("| queries | method | N (weight) | top-1 | top-5 | macro-F1 | note |\n|---|---|---:|---:|---:|---:|---|\n")
	for _, r := range m.Rows {
		name := r.Name
		if r.Headline {
			name = "**" + name + "**"
		}
		if r.N == 0 {
			fmt.Fprintf(&b, "| %s | %s | - | - | - | - | %s |\n", r.Split, name, r.Note)
			continue
		}
		fmt.Fprintf(&b, "| %s | %s | %d (%.0f) | %.3f | %.3f | %.3f | %s |\n", r.Split, name, r.N, r.Weight, r.Top1, r.Top5, r.MacroF1, r.Note)
	}
	b.WriteString("\n")
	if m.Grouped != nil {
		s := m.Split
		fmt.Fprintf(&b, "**Grouped split:** every distinct posting skills text (with its samples and prose) is a group; %d groups (%d examples) were held out "+
			"(seed %d, test share %.2f). The evaluation model (`models/eval/`) and its role index never saw them; the serving model (`models/classifier.onnx`) was trained on every group. "+
			"The 5-skill queries take 5 phrases of each held-out posting, embedded afresh: the closest thing to what a person types (the headline).\n\n",
			s.TestGroups, s.TestExamples, s.Seed, s.Test)
	}
	for _, r := range m.Rows {
		if r.Leakage > 0 {
			fmt.Fprintf(&b, "**Leakage warning:** the row-level split, as the prototype made it, puts %.1f%% of its test rows' texts in training too. "+
				"Its figure is reported for comparison only and is not a result. (That comparison model runs through the Go forward pass.)\n\n", 100*r.Leakage)
		}
	}
	if a := m.Against; a != nil {
		fmt.Fprintf(&b, "**Another source (`--against %s`):** %d postings; %d matched a model label by exact case-insensitive role or title, %d more through O*NET's alternate and reported titles "+
			"(%d of them ambiguous: the title is listed under several occupations, and any of them counts as right; the unambiguous rows leave them out); the rest have no label to score.\n\n",
			a.Workdir, a.Postings, a.MatchedExact, a.MatchedAlternate, a.Ambiguous)
	}
	if p := m.People; p != nil {
		fmt.Fprintf(&b, "**Person benchmark (`--people %s`):** %d people (5 skills each from a real LinkedIn posting, see internal/peoplebench/README.md); %d have a right role the model knows (%d ambiguous).\n\n",
			p.File, p.People, p.Matched, p.Ambiguous)
	}
	if t := m.Transitions; t != nil {
		fmt.Fprintf(&b, "## Career transitions (O*NET Related Occupations)\n\nEach of %d occupations is queried with 5 of its own skills and itself as the current role; "+
			"the 5 best roles other than itself are scored against O*NET's expert-curated Related Occupations. The current-role weight β that does best on half of the occupations (dev) is %.2f; "+
			"the figures below are on the other half (%d occupations with a related occupation the model knows). The served β is %.2f.\n\n| method | hit@5 | precision@5 |\n|---|---:|---:|\n",
			t.Occupations, t.DevCurrentRoleWeight, t.Evaluated, t.CurrentRoleWeight)
		for _, mh := range t.Methods {
			fmt.Fprintf(&b, "| %s | %.3f | %.3f |\n", mh.Name, mh.HitAt5, mh.PrecisionAt5)
		}
		fmt.Fprintf(&b, "| chance (5 roles at random) | %.3f | %.3f |\n\n", t.ChanceHitAt5, t.ChancePrecisionAt5)
	}
	if g := m.Grouped; g != nil && len(g.MostConfusedUnordered) > 0 {
		b.WriteString("## Most confused role pairs (held-out postings, both directions)\n\n| role | role | weight |\n|---|---|---:|\n")
		for i, p := range g.MostConfusedUnordered {
			if i == 15 {
				break
			}
			fmt.Fprintf(&b, "| %s | %s | %.0f |\n", p.TrueLabel, p.PredictedLabel, p.Weight)
		}
		if png != "" {
			fmt.Fprintf(&b, "\n![confusion](%s)\n", png)
		}
		b.WriteString("\nPer-class precision, recall, F1 and support: `per_class.csv`; the full confusion matrix: `confusion.csv`.\n")
		weak := append([]int(nil), indices(len(g.PerClass))...)
		sort.SliceStable(weak, func(i, j int) bool { return g.PerClass[weak[i]].F1 < g.PerClass[weak[j]].F1 })
		b.WriteString("\nWeakest roles by F1 (with support): ")
		n := 0
		for _, i := range weak {
			c := g.PerClass[i]
			if c.Support == 0 {
				continue
			}
			if n > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%s %.2f (%.0f)", c.Label, c.F1, c.Support)
			if n++; n == 8 {
				break
			}
		}
		b.WriteString(".\n")
	}
	b.WriteString("\n## Caveats\n\n")
	caveats := append([]string(nil), m.Caveats...)
	caveats = append(caveats,
		"The TF-IDF model of retrieval is fitted (without labels) on every posting's text, the held-out ones included; the role profiles and the classifier of the evaluation model never see held-out postings.")
	for _, c := range caveats {
		fmt.Fprintf(&b, "- %s\n", c)
	}
	fmt.Fprintf(&b, "\n## Model card\n\n"+
		"- **What:** an MLP (input %d, hidden %v, ReLU, softmax over %d roles) trained with weighted cross-entropy and Adam "+
		"(learning rate %g, batch %d, best epoch %d of %d, early stopping patience %d), seed %d.\n"+
		"- **Training data:** the examples of `data/features` (each distinct posting's skill phrases, and samples of 3 to 6 of them), "+
		"embedded with `%s`; files hashed in `classifier.json`.\n"+
		"- **Intended use:** suggest candidate next roles from about 5 skills, as input to a human or to Gemini's judgement; "+
		"never a hiring or screening decision.\n"+
		"- **Limits:** the labels are the training data's role names and no others; postings whose skills are templated "+
		"teach templated skills; figures on other sources (`skillx evaluate --against`, `--people`) are the ones to trust.\n",
		info.Input, info.Hidden, len(info.Labels), info.Training.LearningRate, info.Training.BatchSize, info.Training.BestEpoch,
		info.Training.EpochsRun, info.Training.Patience, info.Seed, m.Encoder)
	return b.String()
}

func indices(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}
