package skillfind

import (
	"slices"
	"strings"
	"testing"
)

// names of the skills of res, in order.
func skillNames(res *Result) []string {
	var out []string
	for _, s := range res.Skills {
		out = append(out, s.Name)
	}
	return out
}

func TestSkillsLayout(t *testing.T) {
	f := New(NewVocabulary(sampleCatalog(t), nil), Options{NoAsWritten: true})
	tests := []struct {
		name, text, skill string
		want              Section
	}{
		{"Languages sub-line of Technical Skills", "Technical Skills\nLanguages: Python, SQL\n\nExperience\nAnalyst\n", "Python", SectionSkills},
		{"Languages heading of its own", "Skills\nExcel\n\nLanguages\nPython\n", "Python", SectionOther},
		{"Languages line outside a Skills section", "Experience\nLanguages: Python\n", "Python", SectionOther},
	}
	for _, tt := range tests {
		res, err := f.Find(tt.text)
		if err != nil {
			t.Fatal(err)
		}
		s, rank := skillByName(res, tt.skill)
		if rank == 0 || s.Sections[0] != tt.want {
			t.Errorf("%s: %s = %+v (rank %d); want section %s", tt.name, tt.skill, s, rank, tt.want)
		}
	}
}

func TestWrappedAndColumnItems(t *testing.T) {
	f := New(NewVocabulary(sampleCatalog(t), nil), Options{NoParaphrase: true})
	res, err := f.Find("Key skills\nOnboarding, Absence management, UK employment\nlaw, Quiet\nrooms, Payroll\n\nMenu craft      Knife sharpening\n")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Skill{}
	for _, s := range res.Skills {
		got[s.Name] = s
	}
	for _, name := range []string{"Absence management", "Quiet rooms", "Menu craft", "Knife sharpening"} {
		s, ok := got[name]
		if !ok || s.Match != MatchAsWritten {
			t.Errorf("%q not kept as written; found %q", name, skillNames(res))
			continue
		}
		if name == "Quiet rooms" && s.Evidence[0].Line != 2 {
			t.Errorf("Quiet rooms: evidence line %d; want 2 (the wrapped lines are read as the first)", s.Evidence[0].Line)
		}
	}
	if _, ok := got["rooms"]; ok {
		t.Errorf("the continuation \"rooms\" was kept alone: %q", skillNames(res))
	}
	if _, ok := got["Menu craft Knife sharpening"]; ok {
		t.Errorf("two columns were read as one item: %q", skillNames(res))
	}
}

func TestAliases(t *testing.T) {
	f := New(NewVocabulary(sampleCatalog(t), nil), Options{NoAsWritten: true, NoParaphrase: true})
	tests := []struct{ text, want string }{
		{"JS", "JavaScript"},
		{"TS", "TypeScript"},
		{"k8s", "Kubernetes"},
		{"Postgres", "PostgreSQL"},
		{"Node", "Node.js"},
		{"React.js", "React"},
		{"ReactJS", "React"},
	}
	for _, tt := range tests {
		res, err := f.Find("Skills\n" + tt.text + ", Cooking\n")
		if err != nil {
			t.Fatal(err)
		}
		matched := tt.text
		if tt.text == "ReactJS" {
			matched = "React.js" // the form, of which ReactJS is the joined spelling
		}
		if s, rank := skillByName(res, tt.want); rank == 0 || s.Evidence[0].Matched != matched {
			t.Errorf("%q: found %q (%+v); want %s, matched as %q", tt.text, skillNames(res), s, tt.want, tt.text)
		}
	}
	// Written as common words, the aliases match nothing.
	for _, text := range []string{"the ts of the file", "a node of the graph"} {
		if res, _ := f.Find("Skills\n" + text + "\n"); len(res.Skills) != 0 {
			t.Errorf("%q: found %q; want nothing", text, skillNames(res))
		}
	}
}

func TestSpelling(t *testing.T) {
	v := NewVocabulary(sampleCatalog(t), nil)
	f := New(v, Options{NoAsWritten: true, NoParaphrase: true})
	res, err := f.Find("Skills\nKubernates, Classroom managment\n\nExperience\nRan Kubernates clusters\n")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"Kubernetes", "Classroom management"} {
		s, rank := skillByName(res, name)
		if rank == 0 || s.Match != MatchSpelling || s.Lines != 1 || !strings.Contains(s.Why(), "spelling") {
			t.Errorf("%s = %+v (rank %d); want a spelling match on the Skills line only", name, s, rank)
			continue
		}
		if want := s.Specificity * SpellingWeight * ln2; s.Score < want-0.001 || s.Score > want+0.001 {
			t.Errorf("%s: score %.4f; want %.4f", name, s.Score, want)
		}
	}
	ix := newTypoIndex(v)
	for _, tt := range []struct {
		word string
		ok   bool
	}{ // keys are plural-folded: "kubernetes" is "kubernete"
		{"kubernate", true}, {"kubrenete", true}, {"kuberete", true}, {"kubernetee", true}, {"xubernete", false}, {"kbrnts", false}} {
		if got := ix.correct([]byte(tt.word)) >= 0; got != tt.ok {
			t.Errorf("correct(%q) found %v; want %v", tt.word, got, tt.ok)
		}
	}
	for _, tt := range []struct {
		a, b string
		want bool
	}{{"abcdefg", "abdcefg", true}, {"abcdefg", "abcefg", true}, {"abcdefg", "abcdxfg", true}, {"abcdefg", "badcefg", false}, {"abc", "abc", false}} {
		if got := oneEdit(tt.a, tt.b); got != tt.want {
			t.Errorf("oneEdit(%q, %q) = %v; want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestAsWritten(t *testing.T) {
	f := New(NewVocabulary(sampleCatalog(t), nil), Options{})
	text := "Skills\nConduit bending, Python, Advanced, Jan 2020, Panel upgrades, and the rest of it\n" +
		"\nExperience\nDid conduit bending on every job.\n"
	res, err := f.Find(text)
	if err != nil {
		t.Fatal(err)
	}
	if got := skillNames(res); strings.Join(got, "; ") != "Python; Conduit bending; Panel upgrades" {
		t.Errorf("skills %q; want Python; Conduit bending; Panel upgrades", got)
	}
	cb, _ := skillByName(res, "Conduit bending")
	if cb.Match != MatchAsWritten || cb.Lines != 2 || !strings.Contains(cb.Why(), "not in the skills vocabulary") {
		t.Errorf("Conduit bending = %+v, why %q; want as written, 2 lines", cb, cb.Why())
	}
	want := AsWrittenWeight * (SectionWeight[SectionSkills]*ln2 + SectionWeight[SectionExperience]*ln2)
	if d := cb.Score - want; d > 0.001 || d < -0.001 {
		t.Errorf("Conduit bending score %.4f; want %.4f", cb.Score, want)
	}
	// Top puts the vocabulary first, and fills with skills as written only when short.
	if got := strings.Join(res.Top(2), "; "); got != "Python; Conduit bending" {
		t.Errorf("Top(2) = %q", got)
	}
	many, err := f.Find("Skills\nKnife work, Python, SQL, Excel, Tableau, Power BI\n")
	if err != nil {
		t.Fatal(err)
	}
	if top := many.Top(5); strings.Contains(strings.Join(top, ";"), "Knife work") {
		t.Errorf("Top(5) = %q; a skill as written came before a vocabulary one", top)
	}
	// Among equal skills kept as written, the one listed first ranks first.
	res, _ = f.Find("Skills\nZebra care, Alpaca care\n")
	if got := skillNames(res); len(got) != 2 || got[0] != "Zebra care" {
		t.Errorf("skills %q; want Zebra care first, as listed", got)
	}
	off := New(f.Vocabulary(), Options{NoAsWritten: true})
	if res, _ := off.Find(text); len(res.Skills) != 1 {
		t.Errorf("NoAsWritten: found %q", skillNames(res))
	}
}

// TestRepeatedLinesNote: the note on repeated lines counts them in good English.
func TestRepeatedLinesNote(t *testing.T) {
	for n, want := range map[int]string{1: "1 line repeats an earlier line; each line was counted once.", 3: "3 lines repeat earlier lines; each line was counted once."} {
		r := &Result{}
		r.Text.RepeatedLines = n
		if got := notes(r); !slices.Contains(got, want) {
			t.Errorf("notes with %d repeated lines = %q; want %q among them", n, got, want)
		}
	}
}
