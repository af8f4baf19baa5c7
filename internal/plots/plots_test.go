package plots

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

var exampleDir = flag.String("exampledir", "", "also write the realistic example PNGs to this folder")

// checkPNG fails unless path is a PNG of w×h pixels.
func checkPNG(t *testing.T, path string, w, h int) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("image.DecodeConfig(%s): %v", path, err)
	}
	if format != "png" || cfg.Width != w || cfg.Height != h {
		t.Errorf("image.DecodeConfig(%s) = %s %dx%d; want png %dx%d", path, format, cfg.Width, cfg.Height, w, h)
	}
	if _, err := png.Decode(bytes.NewReader(data)); err != nil {
		t.Errorf("png.Decode(%s): %v", path, err)
	}
}

// outDir returns the folder the realistic examples go to.
func outDir(t *testing.T) string {
	if *exampleDir != "" {
		return *exampleDir
	}
	return t.TempDir()
}

// roleNames are realistic, long role labels.
var roleNames = []string{
	"Customer Success Manager (Enterprise)", "Customer Success Manager (SMB)", "Account Executive, Mid-Market",
	"Senior Software Engineer, Backend", "Software Engineer, Frontend", "Full-Stack Developer",
	"Data Scientist", "Machine Learning Engineer", "Data Engineer", "Business Intelligence Analyst",
	"Product Manager", "Technical Product Manager", "UX/UI Designer", "DevOps Engineer",
	"Site Reliability Engineer", "Cloud Solutions Architect", "Information Security Analyst",
	"Registered Nurse (Intensive Care Unit)", "Licensed Practical Nurse", "Financial Analyst",
	"Accountant", "Human Resources Business Partner", "Talent Acquisition Specialist",
	"Marketing Manager, Demand Generation", "Content Marketing Specialist",
}

// realisticConfusion returns a confusion matrix over roleNames where each class is mostly right
// and neighbouring classes get confused.
func realisticConfusion() [][]float64 {
	rng := rand.New(rand.NewPCG(7, 11))
	n := len(roleNames)
	m := make([][]float64, n)
	for i := range m {
		m[i] = make([]float64, n)
		m[i][i] = float64(40 + rng.IntN(60))
		for k := 0; k < 4; k++ {
			j := (i + 1 + rng.IntN(3)) % n
			if rng.IntN(2) == 0 {
				j = rng.IntN(n)
			}
			m[i][j] += float64(rng.IntN(30))
		}
	}
	return m
}

func TestConfusionHeatmap(t *testing.T) {
	conf := realisticConfusion()
	classes := make([]int, len(roleNames))
	for i := range classes {
		classes[i] = len(roleNames) - 1 - i
	}
	path := filepath.Join(outDir(t), "confusion_heatmap.png")
	if err := ConfusionHeatmap(path, conf, roleNames, classes, "Most confused roles: MLP classifier, test split"); err != nil {
		t.Fatalf("ConfusionHeatmap: %v", err)
	}
	checkPNG(t, path, pixels(heatmapWidth), pixels(heatmapHeight))

	// A tiny one with a class that has no examples at all.
	small := filepath.Join(t.TempDir(), "small.png")
	if err := ConfusionHeatmap(small, [][]float64{{1, 0}, {0, 0}}, []string{"a", "b"}, []int{1, 0}, ""); err != nil {
		t.Fatalf("ConfusionHeatmap(small): %v", err)
	}
	checkPNG(t, small, pixels(heatmapWidth), pixels(heatmapHeight))
}

func TestRowShares(t *testing.T) {
	conf := [][]float64{{2, 1, 1}, {0, 0, 0}, {3, 0, 1}}
	got, err := rowShares(conf, []string{"a", "b", "c"}, []int{2, 0, 1})
	if err != nil {
		t.Fatalf("rowShares: %v", err)
	}
	// Rows and columns in the order 2, 0, 1; row 2 sums to 4, row 0 to 4, row 1 to 0.
	want := []float64{1.0 / 4, 3.0 / 4, 0, 1.0 / 4, 2.0 / 4, 1.0 / 4, 0, 0, 0}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-12 || math.IsNaN(got[i]) {
			t.Errorf("rowShares(...)[%d] = %v; want %v", i, got[i], want[i])
		}
	}
}

func TestConfusionHeatmapErrors(t *testing.T) {
	ok := [][]float64{{1, 0}, {0, 1}}
	labels := []string{"a", "b"}
	tests := []struct {
		name      string
		confusion [][]float64
		labels    []string
		classes   []int
		want      string
	}{
		{"empty matrix", nil, nil, []int{0}, "empty confusion matrix"},
		{"label count", ok, []string{"a"}, []int{0}, "1 labels for 2 classes"},
		{"no classes", ok, labels, nil, "no classes to show"},
		{"ragged", [][]float64{{1, 0}, {0}}, labels, []int{0}, "confusion row 1 has 1 columns, want 2"},
		{"NaN", [][]float64{{1, math.NaN()}, {0, 1}}, labels, []int{0}, "confusion[0][1] = NaN"},
		{"negative", [][]float64{{1, 0}, {-1, 1}}, labels, []int{0}, "confusion[1][0] = -1"},
		{"class range", ok, labels, []int{0, 2}, "class 2 out of range [0, 2)"},
		{"class twice", ok, labels, []int{1, 1}, "class 1 listed twice"},
	}
	dir := t.TempDir()
	for _, tt := range tests {
		path := filepath.Join(dir, "x.png")
		err := ConfusionHeatmap(path, tt.confusion, tt.labels, tt.classes, "t")
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), path) {
			t.Errorf("ConfusionHeatmap(%s) error = %v; want one naming %s and containing %q", tt.name, err, path, tt.want)
		}
		if _, statErr := os.Stat(path); !os.IsNotExist(statErr) {
			t.Errorf("ConfusionHeatmap(%s) left a file behind", tt.name)
		}
	}
}

// realisticCurves returns 30 epochs of falling loss and rising accuracy with a validation loss
// that turns up after epoch 18.
func realisticCurves() (epochs []int, trainLoss, valLoss, trainAcc, valAcc []float64, best int) {
	bestLoss := math.Inf(1)
	for e := 1; e <= 30; e++ {
		x := float64(e)
		epochs = append(epochs, e)
		trainLoss = append(trainLoss, 0.6+4.5*math.Exp(-x/5))
		vl := 1.3 + 4*math.Exp(-x/5) + 0.0015*(x-18)*(x-18)*(x-18)/10*btoi(x > 18) + 0.02*math.Sin(x)
		valLoss = append(valLoss, vl)
		trainAcc = append(trainAcc, 0.82-0.7*math.Exp(-x/6))
		valAcc = append(valAcc, 0.66-0.58*math.Exp(-x/5)+0.01*math.Cos(x))
		if vl < bestLoss {
			bestLoss, best = vl, e
		}
	}
	return
}

func btoi(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func TestTrainingCurve(t *testing.T) {
	epochs, tl, vl, ta, va, best := realisticCurves()
	path := filepath.Join(outDir(t), "training_curve.png")
	if err := TrainingCurve(path, epochs, tl, vl, ta, va, best, "MLP classifier training"); err != nil {
		t.Fatalf("TrainingCurve: %v", err)
	}
	checkPNG(t, path, pixels(curveWidth), pixels(curveHeight))

	// Partial inputs: no accuracy at all, a single epoch, flat values, nothing marked.
	dir := t.TempDir()
	cases := []struct {
		name   string
		epochs []int
		series [4][]float64
		best   int
	}{
		{"loss only", []int{1, 2, 3}, [4][]float64{{3, 2, 1}, {3, 2.5, 2.4}, nil, nil}, 3},
		{"one epoch", []int{0}, [4][]float64{{1}, {1}, {0.5}, {0.5}}, 0},
		{"accuracy only, unmarked", []int{1, 2}, [4][]float64{nil, nil, {0.5, 0.5}, nil}, -1},
	}
	for _, c := range cases {
		p := filepath.Join(dir, c.name+".png")
		if err := TrainingCurve(p, c.epochs, c.series[0], c.series[1], c.series[2], c.series[3], c.best, c.name); err != nil {
			t.Errorf("TrainingCurve(%s): %v", c.name, err)
			continue
		}
		checkPNG(t, p, pixels(curveWidth), pixels(curveHeight))
	}
}

func TestTrainingCurveErrors(t *testing.T) {
	three := []float64{1, 2, 3}
	tests := []struct {
		name   string
		epochs []int
		tl, vl []float64
		best   int
		want   string
	}{
		{"no epochs", nil, nil, nil, -1, "no epochs"},
		{"not increasing", []int{1, 3, 2}, three, three, -1, "epochs not strictly increasing at index 2"},
		{"mismatch", []int{1, 2, 3}, three, []float64{1, 2}, -1, "validation loss has 2 values for 3 epochs"},
		{"nothing", []int{1, 2, 3}, nil, nil, -1, "no series to plot"},
		{"NaN", []int{1, 2, 3}, []float64{1, math.NaN(), 3}, nil, -1, "training loss at epoch 2 is NaN"},
		{"Inf", []int{1, 2, 3}, three, []float64{1, 2, math.Inf(1)}, -1, "validation loss at epoch 3 is +Inf"},
		{"best", []int{1, 2, 3}, three, three, 4, "best epoch 4 is not one of the epochs"},
	}
	dir := t.TempDir()
	for _, tt := range tests {
		path := filepath.Join(dir, "x.png")
		err := TrainingCurve(path, tt.epochs, tt.tl, tt.vl, nil, nil, tt.best, "t")
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), path) {
			t.Errorf("TrainingCurve(%s) error = %v; want one naming %s and containing %q", tt.name, err, path, tt.want)
		}
	}
}

func TestShorten(t *testing.T) {
	tests := []struct {
		s    string
		n    int
		want string
	}{
		{"Data Scientist", 30, "Data Scientist"},
		{"Customer Success Manager (Enterprise)", 32, "Customer Success Ma…(Enterprise)"},
		{"abcdefghij", 6, "abc…ij"},
	}
	for _, tt := range tests {
		got := shorten(tt.s, tt.n)
		if got != tt.want || utf8.RuneCountInString(got) > tt.n {
			t.Errorf("shorten(%q, %d) = %q; want %q", tt.s, tt.n, got, tt.want)
		}
	}
}

func TestEpochTicks(t *testing.T) {
	tests := []struct {
		lo, hi      float64
		first, step float64
		count       int
	}{
		{0.5, 10.5, 1, 1, 10},
		{0.5, 30.5, 2, 2, 15},
		{-0.5, 200.5, 0, 20, 11},
	}
	for _, tt := range tests {
		ticks := epochTicks{}.Ticks(tt.lo, tt.hi)
		if len(ticks) != tt.count || ticks[0].Value != tt.first || ticks[1].Value-ticks[0].Value != tt.step {
			t.Errorf("epochTicks.Ticks(%v, %v) = %v; want %d ticks from %v by %v", tt.lo, tt.hi, ticks, tt.count, tt.first, tt.step)
		}
	}
}

// TestTrainingCurveNoValidation draws the same training curves with and without validation
// series: without, no pixel may have the validation colour, the legends must say "no validation
// set" and mark no best epoch, and so must the title.
func TestTrainingCurveNoValidation(t *testing.T) {
	epochs, tl, vl, ta, va, best := realisticCurves()
	last := epochs[len(epochs)-1] // what train passes as best without a validation set
	dir := t.TempDir()
	withVal, noVal := filepath.Join(dir, "with.png"), filepath.Join(dir, "without.png")
	if err := TrainingCurve(withVal, epochs, tl, vl, ta, va, best, "t"); err != nil {
		t.Fatal(err)
	}
	if err := TrainingCurve(noVal, epochs, tl, nil, ta, nil, last, "t"); err != nil {
		t.Fatal(err)
	}
	checkPNG(t, noVal, pixels(curveWidth), pixels(curveHeight))
	if n := countColor(t, withVal, valColor); n < 200 {
		t.Errorf("with validation: %d pixels of the validation colour; want the validation curves drawn (>= 200)", n)
	}
	if n := countColor(t, noVal, valColor); n != 0 {
		t.Errorf("without validation: %d pixels of the validation colour; want none", n)
	}
	if n := countColor(t, noVal, trainColor); n < 200 {
		t.Errorf("without validation: %d pixels of the training colour; want the training curves drawn (>= 200)", n)
	}

	tests := []struct {
		name       string
		vl, va     []float64
		best       int
		title      string
		lossLegend []string
		accLegend  []string
	}{
		{"with validation", vl, va, best, fmt.Sprintf("t (best epoch %d)", best),
			[]string{"training loss", "validation loss", fmt.Sprintf("best epoch %d", best)},
			[]string{"training accuracy", "validation accuracy", fmt.Sprintf("best epoch %d", best)}},
		{"without validation", nil, nil, last, "t (no validation set)",
			[]string{"training loss", "no validation set"}, []string{"training accuracy", "no validation set"}},
	}
	for _, tt := range tests {
		panels, legends, err := curvePanels(epochs, tl, tt.vl, ta, tt.va, tt.best, "t")
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got := panels[0].Title.Text; got != tt.title {
			t.Errorf("%s: title %q; want %q", tt.name, got, tt.title)
		}
		if len(legends) != 2 || !slices.Equal(legends[0], tt.lossLegend) || !slices.Equal(legends[1], tt.accLegend) {
			t.Errorf("%s: legends %q; want %q and %q", tt.name, legends, tt.lossLegend, tt.accLegend)
		}
	}
}

// countColor returns how many pixels of the PNG at path are exactly c.
func countColor(t *testing.T, path string, c color.RGBA) int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("png.Decode(%s): %v", path, err)
	}
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if color.RGBAModel.Convert(img.At(x, y)).(color.RGBA) == c {
				n++
			}
		}
	}
	return n
}
