package retrieval

import (
	"slices"
	"testing"

	"github.com/skillx/skillx/internal/tfidf"
)

func TestIndexRanksTheRoleThatSharesTheSkills(t *testing.T) {
	roles := []string{"Frontend Developer", "Data Analyst", "Registered Nurse"}
	texts := [][2]string{
		{"HTML5, CSS3, JavaScript, React", "Build and style web pages for users."},
		{"SQL, Excel, Tableau, Python, Statistics", "Analyse data and report findings."},
		{"Patient care, Medication administration, Wound care", "Care for patients in hospital wards."},
	}
	var docs []string
	for _, x := range texts {
		docs = append(docs, x[0]+". "+x[1])
	}
	m, err := tfidf.Fit(docs, tfidf.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	b := NewBuilder(m, roles)
	for i, x := range texts {
		b.Add(i, Skills, x[0], 1)
		b.Add(i, Description, x[1], 1)
		b.Add(i, Title, roles[i], 1)
	}
	ix := b.Build(DefaultFieldWeights())
	scores := make([]float32, len(roles))
	for q, want := range map[string]int{"CSS, HTML, Git": 0, "SQL, Excel, statistics": 1, "wound care, patients": 2} {
		ix.Scores(m.Transform(q), scores)
		if got := TopK(scores, 1)[0]; got != want {
			t.Errorf("%q ranks %s first (%v); want %s", q, roles[got], scores, roles[want])
		}
	}
	// A role's profile is closest to itself.
	ix.Scores(ix.Profile(1), scores)
	if TopK(scores, 1)[0] != 1 || scores[1] < 0.999 {
		t.Errorf("profile of Data Analyst against all: %v; want itself first at 1", scores)
	}
	data, err := ix.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	back, err := Unmarshal(data)
	if err != nil {
		t.Fatal(err)
	}
	other := make([]float32, len(roles))
	back.Scores(m.Transform("SQL, React"), other)
	ix.Scores(m.Transform("SQL, React"), scores)
	if !slices.Equal(scores, other) || back.ModelID != m.ID() || !slices.Equal(back.Labels, roles) {
		t.Errorf("round trip: scores %v vs %v, model %q, labels %v", other, scores, back.ModelID, back.Labels)
	}
	for _, bad := range [][]byte{nil, data[:len(data)-1], append(slices.Clone(data), 1)} {
		if _, err := Unmarshal(bad); err == nil {
			t.Errorf("Unmarshal of %d bad bytes succeeded", len(bad))
		}
	}
}
