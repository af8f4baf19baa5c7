package skillfind

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
)

// skillByName returns the skill named name in res, and its rank (1-based; 0 when absent).
func skillByName(res *Result, name string) (Skill, int) {
	for i, s := range res.Skills {
		if s.Name == name {
			return s, i + 1
		}
	}
	return Skill{}, 0
}

// TestRanking: a skill listed with years in the Skills section beats one mentioned once in
// passing, and a generic skill mentioned often does not beat a specific one.
func TestRanking(t *testing.T) {
	f := New(testVocabulary(), Options{})
	res, err := f.Find(`Jane Doe
Backend developer

Skills
Kubernetes - 3 years

Experience
- Helped the data team with a Tableau report once.
- Customer communication with the support desk.
- Customer communication in weekly calls.
- Customer communication during incidents.
`)
	if err != nil {
		t.Fatal(err)
	}
	k, kr := skillByName(res, "Kubernetes")
	tb, tr := skillByName(res, "Tableau")
	c, cr := skillByName(res, "Customer communication")
	if kr != 1 || tr == 0 || cr == 0 {
		t.Fatalf("ranks: Kubernetes %d, Tableau %d, Customer communication %d; want Kubernetes first and both others found: %+v", kr, tr, cr, res.Skills)
	}
	if !(k.Score > tb.Score) || !(k.Score > c.Score) {
		t.Errorf("scores: Kubernetes %.3f, Tableau %.3f, Customer communication %.3f; want Kubernetes highest", k.Score, tb.Score, c.Score)
	}
	if k.Years != 3 || k.Lines != 1 || !reflect.DeepEqual(k.Sections, []Section{SectionSkills}) {
		t.Errorf("Kubernetes = %+v; want 3 years, 1 line, skills section", k)
	}
	if c.Lines != 3 || c.Years != 0 || !reflect.DeepEqual(c.Sections, []Section{SectionExperience}) {
		t.Errorf("Customer communication = %+v; want 3 lines in experience", c)
	}
	// The score is the documented formula.
	want := k.Specificity*SectionWeight[SectionSkills]*ln2 + 0.1*3
	if d := k.Score - want; d > 0.001 || d < -0.001 {
		t.Errorf("Kubernetes score %.4f; want specificity %.4f × 1.0 × ln 2 + 0.1 × 3 = %.4f", k.Score, k.Specificity, want)
	}
	if got := res.Top(2); len(got) != 2 || got[0] != "Kubernetes" {
		t.Errorf("Top(2) = %q", got)
	}
	if got := res.Top(100); len(got) != len(res.Skills) {
		t.Errorf("Top(100) has %d names; want %d", len(got), len(res.Skills))
	}
}

const ln2 = 0.6931471805599453

func TestHotFlagAddsToScore(t *testing.T) {
	f := New(testVocabulary(), Options{})
	res, err := f.Find("Excel\nSQL")
	if err != nil {
		t.Fatal(err)
	}
	ex, _ := skillByName(res, "Excel")
	if !ex.Hot || !ex.InDemand {
		t.Fatalf("Excel = %+v; want hot and in demand", ex)
	}
	want := ex.Specificity*SectionWeight[SectionHeader]*ln2 + 0.1 + 0.05
	if d := ex.Score - want; d > 0.001 || d < -0.001 {
		t.Errorf("Excel score %.4f; want %.4f (header × ln 2 + 0.1 hot + 0.05 in demand)", ex.Score, want)
	}
}

// TestSampleResumes checks what the finder makes of the messy sample résumés.
func TestSampleResumes(t *testing.T) {
	f := New(NewVocabulary(sampleCatalog(t), nil), Options{})
	find := func(name string) *Result {
		t.Helper()
		res, err := f.FindBytes(readResume(t, name))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return res
	}
	hasNote := func(res *Result, part string) bool {
		for _, n := range res.Notes {
			if strings.Contains(n, part) {
				return true
			}
		}
		return false
	}

	// Mojibake: repaired, said, and the evidence shows the repaired text.
	g := find("grace_nurse_mojibake.txt")
	if g.Text.MojibakeFixed != 26 || !hasNote(g, "26 characters garbled") {
		t.Errorf("grace: %d repaired, notes %q; want 26 and a note", g.Text.MojibakeFixed, g.Notes)
	}
	for _, s := range g.Skills {
		for _, e := range s.Evidence {
			if strings.Contains(e.Text, "â€") || strings.Contains(e.Text, "Ã") {
				t.Errorf("grace: evidence still garbled: %q", e.Text)
			}
		}
	}
	if wc, r := skillByName(g, "Wound care"); r == 0 || wc.Evidence[0].Section != SectionSkills || wc.Evidence[0].Text != "• Wound care" {
		t.Errorf("grace: Wound care = %+v (rank %d); want its Skills line first", wc, r)
	}

	// Repeated lines: counted once, repetitions recorded.
	r := find("raj_devops_repeated.txt")
	if r.Text.RepeatedLines != 8 || !hasNote(r, "8 lines repeat") {
		t.Errorf("raj: %d repeated lines, notes %q; want 8 and a note", r.Text.RepeatedLines, r.Notes)
	}
	k, kr := skillByName(r, "Kubernetes")
	if kr != 1 || k.Lines != 4 || k.Repeats != 2 {
		t.Errorf("raj: Kubernetes rank %d, %d lines, %d repeats; want first, 4 lines, 2 repeats (its experience line appears 3 times)", kr, k.Lines, k.Repeats)
	}

	// Skill Details: years from months; "Less than 1 year" is half a year.
	a := find("arjun_ml_skill_details.txt")
	for name, years := range map[string]float64{"Python": 5, "SQL": 3, "Docker": 1.5, "Spark": 0.5, "Kubernetes": 0.5} {
		if s, rank := skillByName(a, name); rank == 0 || s.Years != years || s.Evidence[0].Section != SectionSkills {
			t.Errorf("arjun: %s = %+v (rank %d); want %.1f years from the Skills section", name, s, rank, years)
		}
	}
	if py, rank := skillByName(a, "Python"); rank != 1 || py.Why() != "skills, experience; 5 years stated" {
		t.Errorf("arjun: Python rank %d, why %q", rank, py.Why())
	}

	// An inline heading: "Technical Skills: QuickBooks, ..." is the Skills section.
	l := find("li_accountant.txt")
	if q, rank := skillByName(l, "QuickBooks"); rank == 0 || q.Sections[0] != SectionSkills || q.Evidence[0].Line != 5 {
		t.Errorf("li: QuickBooks = %+v; want line 5 in the skills section", q)
	}

	// No headings: the paragraphs are the body, not the header.
	w := find("kwame_warehouse.txt")
	if fo, rank := skillByName(w, "Forklift operation"); rank != 1 || fo.Sections[0] != SectionBody || fo.Lines != 2 {
		t.Errorf("kwame: Forklift operation = %+v (rank %d); want first, 2 lines of body", fo, rank)
	}

	// Another language and another script: notes, and the names that read the same.
	es := find("es_backend.txt")
	if es.Language != "Spanish" || !hasNote(es, "looks like Spanish") {
		t.Errorf("es: language %q, notes %q", es.Language, es.Notes)
	}
	if _, rank := skillByName(es, "Java"); rank != 1 {
		t.Errorf("es: Java rank %d; want 1", rank)
	}
	ru := find("ru_accountant.txt")
	// Excel is the one skill of the vocabulary; the other Skills items are kept as written.
	var vocab []string
	for _, s := range ru.Skills {
		if s.Match != MatchAsWritten {
			vocab = append(vocab, s.Name)
		}
	}
	if ru.Script != "Cyrillic" || !hasNote(ru, "Cyrillic script") || len(vocab) != 1 || vocab[0] != "Excel" || ru.Top(1)[0] != "Excel" {
		t.Errorf("ru: script %q, skills %v, notes %q; want Cyrillic, Excel the only vocabulary skill and first, a note", ru.Script, ru.Top(5), ru.Notes)
	}
	for _, name := range []string{"priya_data_analyst.txt", "tom_frontend.txt"} {
		if res := find(name); res.Language != "" || res.Script != "" {
			t.Errorf("%s: language %q, script %q; want English, Latin", name, res.Language, res.Script)
		}
	}
}

func TestNothingFound(t *testing.T) {
	f := New(testVocabulary(), Options{})
	res, err := f.Find("Lorem ipsum dolor sit amet, consectetur adipiscing elit.")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Skills) != 0 || len(res.Notes) != 1 || !strings.HasPrefix(res.Notes[0], "No known skills found:") {
		t.Errorf("skills %v, notes %q; want none and one note", res.Top(5), res.Notes)
	}
	res, err = f.Find("Бухгалтер. Учёт основных средств, расчёт заработной платы, налоговая отчётность.")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Notes) != 2 || !strings.Contains(res.Notes[1], "may be in another language") {
		t.Errorf("notes %q; want the script note and one saying the résumé may be in another language", res.Notes)
	}
}

func TestVersionedNamesMeet(t *testing.T) {
	f := New(NewVocabulary(sampleCatalog(t), nil), Options{NoParaphrase: true})
	// The sample catalog says "HTML" and "CSS" ("Semantic markup and styling (HTML, CSS)").
	res, err := f.Find("Skills: HTML5, CSS3, Python 3.11")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"HTML", "CSS", "Python"} {
		if _, rank := skillByName(res, name); rank == 0 {
			t.Errorf("%s not found in %v", name, res.Top(10))
		}
	}
	if s, _ := skillByName(res, "CSS"); s.Evidence[0].Matched != "CSS" {
		t.Errorf("CSS matched %q", s.Evidence[0].Matched)
	}
}

func TestParaphrase(t *testing.T) {
	f := New(NewVocabulary(sampleCatalog(t), nil), Options{})
	res, err := f.Find("Skills\nWireframing, Accounts payable, LinkedIn\n")
	if err != nil {
		t.Fatal(err)
	}
	s, rank := skillByName(res, "Wireframing and prototyping")
	if rank == 0 || s.Match != "paraphrase" || s.Similarity < ParaphraseMin || s.Similarity > 1 {
		t.Fatalf("Wireframing = %+v; want a paraphrase of Wireframing and prototyping: %+v", s, res.Skills)
	}
	want := s.Specificity * ParaphraseWeight * s.Similarity * ln2
	if d := s.Score - want; d > 0.001 || d < -0.001 {
		t.Errorf("paraphrase score %.4f; want %.4f", s.Score, want)
	}
	if _, rank := skillByName(res, "LinkedIn Recruiter"); rank != 0 {
		t.Error("the name LinkedIn was taken as a paraphrase of LinkedIn Recruiter")
	}
	off := New(f.Vocabulary(), Options{NoParaphrase: true, NoAsWritten: true})
	if res, _ := off.Find("Skills\nWireframing, Accounts payable\n"); len(res.Skills) != 0 {
		t.Errorf("NoParaphrase: found %v", res.Top(5))
	}
	// A paraphrase rewords a phrase; it does not add a word to it.
	if res, _ := f.Find("Skills\nMenu development\n"); len(res.Skills) != 1 || res.Skills[0].Match != MatchAsWritten {
		t.Errorf("Menu development: found %+v; want it kept as written, not a paraphrase", res.Skills)
	}
}

func TestEvidenceSnippet(t *testing.T) {
	f := New(NewVocabulary(sampleCatalog(t), nil), Options{Evidence: 1})
	long := strings.Repeat("filler words here ", 20) + "we used Tableau daily " + strings.Repeat("and more filler text ", 20)
	res, err := f.Find("Experience\n" + long + "\nTableau again\n")
	if err != nil {
		t.Fatal(err)
	}
	s, rank := skillByName(res, "Tableau")
	if rank == 0 || len(s.Evidence) != 1 || s.Lines != 2 {
		t.Fatalf("Tableau = %+v; want 2 lines, 1 evidence kept", s)
	}
	e := s.Evidence[0]
	if e.Line != 2 || !strings.Contains(e.Text, "Tableau") || !strings.HasPrefix(e.Text, "…") || !strings.HasSuffix(e.Text, "…") || len(e.Text) > snippetLen+8 {
		t.Errorf("evidence = %+v; want line 2 cut around Tableau", e)
	}
}

func TestConcurrentFind(t *testing.T) {
	f := New(NewVocabulary(sampleCatalog(t), nil), Options{})
	names := []string{"priya_data_analyst.txt", "tom_frontend.txt", "maria_ux.txt", "zoe_social.txt"}
	want := map[string]string{}
	for _, n := range names {
		res, err := f.FindBytes(readResume(t, n))
		if err != nil {
			t.Fatal(err)
		}
		want[n] = fmt.Sprint(res.Skills)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func(n string) {
			defer wg.Done()
			res, err := f.FindBytes(readResume(t, n))
			if err != nil || fmt.Sprint(res.Skills) != want[n] {
				errs <- n
			}
		}(names[i%len(names)])
	}
	wg.Wait()
	close(errs)
	for n := range errs {
		t.Errorf("%s: a concurrent Find differs from the sequential one", n)
	}
}
