package metrics

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strconv"
	"testing"
)

// awkwardLabels are labels that need CSV quoting.
var awkwardLabels = []string{`Sales, Senior`, `Say "hi" Officer`, "Plain"}

func awkwardReport(t *testing.T) Report {
	t.Helper()
	preds := []Prediction{
		{True: 0, Ranked: []int{0, 1, 2}, Weight: 2},
		{True: 1, Ranked: []int{2, 1, 0}},
		{True: 2, Ranked: []int{2, 0, 1}, Weight: 0.5},
	}
	r, err := Evaluate(preds, awkwardLabels, 3)
	if err != nil {
		t.Fatalf("Evaluate: %v", err)
	}
	return r
}

func TestPerClassCSV(t *testing.T) {
	r := awkwardReport(t)
	var buf bytes.Buffer
	if err := r.PerClassCSV(&buf); err != nil {
		t.Fatalf("PerClassCSV: %v", err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatalf("PerClassCSV output does not parse: %v", err)
	}
	if want := []string{"label", "precision", "recall", "f1", "support"}; !slices.Equal(rows[0], want) {
		t.Errorf("PerClassCSV header = %q; want %q", rows[0], want)
	}
	if len(rows) != len(awkwardLabels)+1 {
		t.Fatalf("PerClassCSV rows = %d; want %d", len(rows), len(awkwardLabels)+1)
	}
	for i, s := range r.PerClass {
		row := rows[i+1]
		if row[0] != s.Label {
			t.Errorf("PerClassCSV row %d label = %q; want %q", i, row[0], s.Label)
		}
		for j, want := range []float64{s.Precision, s.Recall, s.F1, s.Support} {
			got, err := strconv.ParseFloat(row[j+1], 64)
			if err != nil || !nearTo(got, want, 1e-6) {
				t.Errorf("PerClassCSV row %d column %d = %q; want %v", i, j+1, row[j+1], want)
			}
		}
	}
}

func TestConfusionCSV(t *testing.T) {
	r := awkwardReport(t)
	var buf bytes.Buffer
	if err := r.ConfusionCSV(&buf); err != nil {
		t.Fatalf("ConfusionCSV: %v", err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatalf("ConfusionCSV output does not parse: %v", err)
	}
	if want := append([]string{`true\predicted`}, awkwardLabels...); !slices.Equal(rows[0], want) {
		t.Errorf("ConfusionCSV header = %q; want %q", rows[0], want)
	}
	for i, row := range rows[1:] {
		if row[0] != awkwardLabels[i] {
			t.Errorf("ConfusionCSV row %d label = %q; want %q", i, row[0], awkwardLabels[i])
		}
		for j, cell := range row[1:] {
			got, err := strconv.ParseFloat(cell, 64)
			if err != nil || got != r.Confusion[i][j] {
				t.Errorf("ConfusionCSV cell [%d][%d] = %q; want %v", i, j, cell, r.Confusion[i][j])
			}
		}
	}
	if len(rows) != len(awkwardLabels)+1 {
		t.Errorf("ConfusionCSV rows = %d; want %d", len(rows), len(awkwardLabels)+1)
	}
}

func TestMarkdownTable(t *testing.T) {
	r := Report{N: 12, Top1: 0.5, Top5: 0.75, MacroF1: 1.0 / 3}
	tests := []struct{ name, want string }{
		{"mlp", "| mlp | 12 | 0.5000 | 0.7500 | 0.3333 |\n"},
		{"a|b", "| a\\|b | 12 | 0.5000 | 0.7500 | 0.3333 |\n"},
	}
	for _, tt := range tests {
		if got := r.MarkdownTable(tt.name); got != tt.want {
			t.Errorf("MarkdownTable(%q) = %q; want %q", tt.name, got, tt.want)
		}
	}
}

// nearTo reports whether a and b agree within eps.
func nearTo(a, b, eps float64) bool { return a-b <= eps && b-a <= eps }
