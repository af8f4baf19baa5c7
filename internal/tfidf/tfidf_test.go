package tfidf

import (
	"bytes"
	"math"
	"slices"
	"strings"
	"testing"
)

var corpus = []string{
	"HTML, CSS, JavaScript, React, Git. Build web pages.",
	"Python, SQL, Excel, Tableau, Statistics. Analyse data.",
	"Patient care, Medication administration, Wound care. Care for patients.",
	"Kubernetes administration, Terraform, AWS, Linux. Run cloud systems.",
	"Financial modeling, Excel, Forecasting. Analyse finances.",
}

func fit(t *testing.T, opts Options) *Model {
	t.Helper()
	m, err := Fit(corpus, opts)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestVersionedNamesMeetThroughCharacterNgrams(t *testing.T) {
	m := fit(t, DefaultOptions())
	css3, css := m.Transform("CSS3"), m.Transform("CSS")
	if got := Dot(css3, css); got < 0.3 {
		t.Errorf("cos(CSS3, CSS) = %.3f; want >= 0.3 through shared character n-grams", got)
	}
	if got := Dot(m.Transform("HTML5"), m.Transform("Patient care")); got != 0 {
		t.Errorf("cos(HTML5, Patient care) = %.3f; want 0", got)
	}
	words := fit(t, WordOptions())
	if got := Dot(words.Transform("CSS3"), words.Transform("CSS")); got != 0 {
		t.Errorf("word-only cos(CSS3, CSS) = %.3f; want 0 (no shared word)", got)
	}
}

func TestUnitLengthAndIDF(t *testing.T) {
	m := fit(t, DefaultOptions())
	for _, s := range []string{"Excel", "Medication administration, Excel", "an unknown wordzz"} {
		v := m.Transform(s)
		var n float64
		for _, x := range v.Values {
			n += float64(x) * float64(x)
		}
		if math.Abs(n-1) > 1e-5 {
			t.Errorf("|v(%q)|² = %.6f; want 1", s, n)
		}
		if !slices.IsSorted(v.Indices) {
			t.Errorf("indices of %q not sorted", s)
		}
	}
	// "excel" is in 2 of 5 documents, "tableau" in 1: idf = ln(6/3)+1 and ln(6/2)+1.
	id := func(term string) int32 { return m.index[string(kindWord)+term] }
	if got, want := m.IDF(id("excel")), float32(math.Log(2)+1); math.Abs(float64(got-want)) > 1e-6 {
		t.Errorf("idf(excel) = %v; want %v", got, want)
	}
	if got, want := m.IDF(id("tableau")), float32(math.Log(3)+1); math.Abs(float64(got-want)) > 1e-6 {
		t.Errorf("idf(tableau) = %v; want %v", got, want)
	}
}

func TestBigramsStopAtSeparatorsAndStopWords(t *testing.T) {
	var ex extractor
	var got []string
	ex.terms("Patient care, Wound care of the data. Node.js", WordOptions(), func(k string) { got = append(got, k) })
	for _, want := range []string{"wpatient care", "wwound care", "wnode.js"} {
		if !slices.Contains(got, want) {
			t.Errorf("terms %v lack %q", got, want)
		}
	}
	for _, bad := range []string{"wcare wound", "wcare data", "wof", "wdata node.js"} {
		if slices.Contains(got, bad) {
			t.Errorf("terms %v hold %q", got, bad)
		}
	}
}

func TestMarshalRoundTripAndDeterminism(t *testing.T) {
	a, b := fit(t, DefaultOptions()), fit(t, DefaultOptions())
	if a.ID() != b.ID() || !strings.HasPrefix(a.ID(), "tfidf-v1:") {
		t.Errorf("ids %q and %q; want equal tfidf-v1 ids", a.ID(), b.ID())
	}
	data, err := a.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	back, err := Unmarshal(data)
	if err != nil {
		t.Fatal(err)
	}
	if back.ID() != a.ID() || back.Terms() != a.Terms() {
		t.Errorf("round trip: id %q terms %d; want %q %d", back.ID(), back.Terms(), a.ID(), a.Terms())
	}
	if x, y := a.Transform("Excel, SQL"), back.Transform("Excel, SQL"); !slices.Equal(x.Indices, y.Indices) || !slices.Equal(x.Values, y.Values) {
		t.Errorf("round trip changed a vector")
	}
	for _, bad := range [][]byte{nil, []byte("nonsense"), data[:len(data)-3], append(bytes.Clone(data), 0)} {
		if _, err := Unmarshal(bad); err == nil {
			t.Errorf("Unmarshal of %d bad bytes succeeded", len(bad))
		}
	}
	if _, err := Fit(nil, DefaultOptions()); err == nil {
		t.Errorf("Fit on no documents succeeded")
	}
	if _, err := Fit(corpus, Options{}); err == nil {
		t.Errorf("Fit with no terms succeeded")
	}
}
