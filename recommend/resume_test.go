package recommend

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// Sample users files with résumés and histories (data/sample/users_resumes.*): the same 14
// people in CSV and JSON Lines.
var (
	sampleResumesCSV   = filepath.Join("..", "data", "sample", "users_resumes.csv")
	sampleResumesJSONL = filepath.Join("..", "data", "sample", "users_resumes.jsonl")
)

// resumeFailures are the people of the sample files who must fail at input, with a part of
// the reason.
var resumeFailures = map[string]string{
	"resume-empty":      "resume: résumé is empty",
	"resume-binary":     "resume: résumé is not plain text (it is a PDF file)",
	"resume-oversized":  "resume: résumé is too large",
	"no-skills-at-all":  "no skills",
	"history-no-skills": "the history names no skill the catalog knows",
}

// csvBinary is how the CSV's binary résumé fails: its NUL bytes make the record unreadable, so
// its id is made from its row.
const (
	csvBinaryID     = "row-11"
	csvBinaryReason = "NUL byte (binary content)"
)

// TestRecommendResumes runs the offline analyst on the sample users files with résumés, in
// CSV and JSON Lines: the people without skills get the finder's top 5, the reports list the
// skills found, the current role comes from the history when absent, and empty, binary and
// oversized résumés are failures of their person only (exit code 3).
func TestRecommendResumes(t *testing.T) {
	for _, users := range []string{sampleResumesCSV, sampleResumesJSONL} {
		t.Run(filepath.Ext(users), func(t *testing.T) {
			logs := &logBuffer{}
			cfg := testConfig(t, nil, logs)
			cfg.Users = users
			res, err := Run(context.Background(), cfg)
			var inc *IncompleteError
			if !errors.As(err, &inc) || inc.ExitCode() != 3 {
				t.Fatalf("Run error = %v; want an *IncompleteError (exit code 3)\n%s", err, logs)
			}
			checkAccounting(t, res, 14)
			if res.Written != 14-len(resumeFailures) || res.Failed != len(resumeFailures) {
				t.Errorf("written %d, failed %d; want %d and %d", res.Written, res.Failed, 14-len(resumeFailures), len(resumeFailures))
			}
			for _, f := range failureLines(t, res.Failures) {
				want, ok := resumeFailures[f.UserID]
				if users == sampleResumesCSV && f.UserID == csvBinaryID {
					want, ok = csvBinaryReason, true
				}
				if !ok {
					t.Errorf("%s failed: %s; want a report", f.UserID, f.Reason)
					continue
				}
				if f.Stage != StageInput || f.File != users || f.Row == 0 || !strings.Contains(f.Reason, want) {
					t.Errorf("failure %+v; want stage input, file %s, its row and a reason with %q", f, users, want)
				}
			}
			reports := map[string]*UserReport{}
			for _, o := range res.Outcomes {
				if o.JSON != "" {
					reports[o.UserID] = readReport(t, o.JSON)
				}
			}
			checkResumeReports(t, reports)
		})
	}
}

// checkResumeReports checks the reports of the sample people with résumés.
func checkResumeReports(t *testing.T, reports map[string]*UserReport) {
	t.Helper()
	// Derived skills: the finder's top 5, strongest first, are the report's skills.
	for _, id := range []string{"resume-priya", "resume-tom", "resume-arjun", "resume-grace", "resume-raj", "resume-kwame"} {
		ur := reports[id]
		if ur == nil {
			t.Errorf("%s: no report", id)
			continue
		}
		f := ur.Found
		if f == nil || !f.Used || len(f.Skills) < MaxSkills || len(f.Skills) > MaxFoundShown {
			t.Errorf("%s: found %+v; want 5 to 10 found skills, used", id, f)
			continue
		}
		var top []string
		for _, s := range f.Skills[:MaxSkills] {
			top = append(top, s.Name)
		}
		if !slices.Equal(ur.Skills, top) {
			t.Errorf("%s: skills %q; want the finder's top 5 %q", id, ur.Skills, top)
		}
		for _, s := range f.Skills {
			if len(s.Evidence) == 0 || s.Lines < 1 || s.Why == "" {
				t.Errorf("%s: found skill %+v has no evidence", id, s)
			}
			for _, e := range s.Evidence {
				if len([]rune(e.Text)) > maxEvidenceLen+1 || e.Line < 1 {
					t.Errorf("%s: evidence %+v; want a line number and at most %d characters", id, e, maxEvidenceLen)
				}
			}
		}
	}
	// Priya's résumé: a tidy Skills section; her role comes from the history.
	if ur := reports["resume-priya"]; ur != nil {
		if ur.CurrentRole != "Data Analyst" || !slices.ContainsFunc(ur.Notes, func(n string) bool { return strings.Contains(n, "work history") }) {
			t.Errorf("resume-priya: current role %q, notes %q; want Data Analyst from the history, with a note", ur.CurrentRole, ur.Notes)
		}
		for _, want := range []string{"SQL", "Tableau"} {
			if !slices.Contains(ur.Skills, want) {
				t.Errorf("resume-priya: skills %q; want %s among the top 5", ur.Skills, want)
			}
		}
	}
	// Skills given beside a résumé: the given skills are used, the found ones shown.
	if ur := reports["resume-skills-given"]; ur != nil {
		if !slices.Equal(ur.Skills, []string{"Excel", "QuickBooks", "Financial reporting"}) || ur.Found == nil || ur.Found.Used {
			t.Errorf("resume-skills-given: skills %q found %+v; want the given skills used and the found ones listed", ur.Skills, ur.Found)
		}
	} else {
		t.Errorf("resume-skills-given: no report")
	}
	// A résumé in Spanish: a note, in the report.
	if ur := reports["resume-es"]; ur == nil || ur.Found == nil || !slices.ContainsFunc(ur.Found.Notes, func(n string) bool { return strings.Contains(n, "Spanish") }) {
		t.Errorf("resume-es: %+v; want a report with a note that the résumé is in Spanish", ur)
	}
	// History only: the role and the skills come from it.
	if ur := reports["history-only"]; ur == nil || ur.CurrentRole != "Tableau Developer" || ur.Found == nil || ur.Found.From != "history" ||
		!slices.Equal(ur.Skills, []string{"Tableau", "SQL"}) {
		t.Errorf("history-only: %+v; want Tableau Developer with Tableau and SQL found in the history", ur)
	}
	// Levels: Tom is Senior from his title, Kwame a Lead (supervisor), Grace Mid.
	for id, want := range map[string]string{"resume-tom": "Senior", "resume-kwame": "Lead", "resume-grace": "Mid", "history-only": "Mid"} {
		if ur := reports[id]; ur != nil && ur.Level.Name != want {
			t.Errorf("%s: level %+v; want %s", id, ur.Level, want)
		}
	}
	for id, ur := range reports {
		if len(ur.Moves) != len(ur.Roles) {
			t.Errorf("%s: %d moves for %d roles", id, len(ur.Moves), len(ur.Roles))
		}
	}
}

// TestLevelMoves pins the job level moves of a few current roles and recommended roles.
func TestLevelMoves(t *testing.T) {
	tests := []struct {
		current, role, level, move string
	}{
		{"Senior Data Analyst", "Data Scientist", "Senior", "step down"},
		{"Junior Analyst", "Data Analyst", "Junior", "step up"},
		{"Data Analyst", "Analytics Manager", "Mid", "step up"},
		{"Director of Sales", "Sales Manager", "Director", "step down"},
		{"Data Analyst", "Data Scientist", "Mid", "lateral move"},
		{"Staff Engineer", "Engineering Manager", "Principal", "lateral move"},
		{"Warehouse Supervisor", "Logistics Coordinator", "Lead", "step down"},
	}
	for _, tt := range tests {
		lv, moves := levelsOf(tt.current, []string{tt.role})
		if lv.Name != tt.level || moves[0].Move != tt.move {
			t.Errorf("levelsOf(%q, %q) = %s, %s; want %s, %s", tt.current, tt.role, lv.Name, moves[0].Move, tt.level, tt.move)
		}
	}
}

// TestReportShowsFoundSkillsAndScores checks what the readable reports say of the found
// skills, the match score and the job level.
func TestReportShowsFoundSkillsAndScores(t *testing.T) {
	logs := &logBuffer{}
	cfg := testConfig(t, nil, logs)
	cfg.Users = sampleResumesCSV
	res, _ := Run(context.Background(), cfg)
	if res == nil {
		t.Fatalf("no result\n%s", logs)
	}
	for _, o := range res.Outcomes {
		if o.UserID != "resume-priya" {
			continue
		}
		ur := readReport(t, o.JSON)
		for _, c := range ur.Candidates {
			if c.Score <= 0 || c.Score > 1 {
				t.Errorf("candidate %+v; want a match score in (0, 1]", c)
			}
		}
		for i := 1; i < len(ur.Candidates); i++ {
			if ur.Candidates[i].Score > ur.Candidates[i-1].Score {
				t.Errorf("candidates %+v are not in match score order", ur.Candidates)
			}
		}
		for _, path := range []string{o.Text, o.Markdown} {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			text := strings.Join(strings.Fields(string(data)), " ")
			for _, want := range []string{"Skills found", "The report is about the first 5", "give your skills yourself",
				fmt.Sprintf("match %.2f", ur.Candidates[0].Score), "Match score", "yours is Mid",
				ur.Found.Skills[0].Name} {
				if !strings.Contains(text, want) {
					t.Errorf("%s does not say %q:\n%s", filepath.Base(path), want, data)
				}
			}
		}
		return
	}
	t.Fatalf("no report of resume-priya")
}

// TestResumeTextNeverSentToGemini runs the sample people with résumés through the fake
// Gemini and checks that no request carries the résumés' or histories' text: only the top-5
// skill names and the current role, which the report shows, may leave the machine.
func TestResumeTextNeverSentToGemini(t *testing.T) {
	f := newFake(t, answerGood(t))
	logs := &logBuffer{}
	cfg := testConfig(t, f, logs)
	cfg.Users = sampleResumesCSV
	res, err := Run(context.Background(), cfg)
	var inc *IncompleteError
	if !errors.As(err, &inc) {
		t.Fatalf("Run error = %v; want an *IncompleteError for the bad résumés\n%s", err, logs)
	}
	calls := f.srv.Calls()
	if len(calls) != res.Written {
		t.Fatalf("%d requests for %d reports; want one each", len(calls), res.Written)
	}
	never := []string{
		"cutting refresh time from 2 hours to 10 minutes", // a line of Priya's experience
		"priya.sharma@mail.example",                       // her header
		"turning messy operational data",                  // her summary
		"tom@baker.example",                               // Tom's header
		"Junior Analyst",                                  // Priya's earlier position
		"SQL Reporting Analyst",                           // an earlier position of a history
		"cleared a two-year backlog",                      // Li's résumé, whose skills were given
	}
	var all strings.Builder
	for _, c := range calls {
		all.Write(c.Body)
	}
	body := all.String()
	for _, s := range never {
		if strings.Contains(body, s) {
			t.Errorf("a request to Gemini carries %q from a résumé or a history", s)
		}
	}
	// What may be sent is sent: the derived skills and the role from the history.
	for _, s := range []string{"Data Analyst", "Tableau Developer", "Power BI"} {
		if !strings.Contains(body, s) {
			t.Errorf("no request carries %q; want the current role and derived skills sent", s)
		}
	}
}

// resumeUsers writes a users file of n people with résumés of 2 to 5 KB and no skills: two
// different sample résumés joined, with a line of the person's own, and returns its path.
func resumeUsers(tb testing.TB, n int) string {
	tb.Helper()
	names := []string{"priya_data_analyst.txt", "tom_frontend.txt", "arjun_ml_skill_details.txt", "grace_nurse_mojibake.txt",
		"raj_devops_repeated.txt", "mkowalski_sales.txt", "maria_ux.txt", "sam_hr.txt", "li_accountant.txt",
		"kwame_warehouse.txt", "ms_alvarez_teacher.txt", "zoe_social.txt"}
	roles := []string{"Data Analyst", "Senior Frontend Developer", "Machine Learning Engineer", "Registered Nurse",
		"Site Reliability Engineer", "Sales Representative", "UX Designer", "HR Generalist", "Staff Accountant",
		"Warehouse Supervisor", "Mathematics Teacher", "Social Media Manager"}
	texts := make([]string, len(names))
	for i, name := range names {
		data, err := os.ReadFile(filepath.Join("..", "data", "sample", "resumes", name))
		if err != nil {
			tb.Fatal(err)
		}
		texts[i] = string(data)
	}
	path := filepath.Join(tb.TempDir(), "users.csv")
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w := csv.NewWriter(f)
	w.Write([]string{"user_id", "current_role", "resume"})
	for i := 0; i < n; i++ {
		a, b := i%len(texts), (i/len(texts)+i+1)%len(texts)
		if a == b {
			b = (b + 1) % len(texts)
		}
		resume := fmt.Sprintf("%s\n\nReference %d\n\n%s", texts[a], i, texts[b])
		w.Write([]string{fmt.Sprintf("r%05d", i), roles[a], resume})
	}
	w.Flush()
	if err := errors.Join(w.Error(), f.Close()); err != nil {
		tb.Fatal(err)
	}
	return path
}

// BenchmarkRecommendResumes10000 writes 10,000 reports with the offline analyst for people
// who give a résumé of 2 to 5 KB and no skills: the finder reads each résumé, its top 5 are
// ranked and analysed. Issue 15's target for the finder alone is under a minute.
func BenchmarkRecommendResumes10000(b *testing.B) {
	const n = 10000
	b.Setenv("GEMINI_API_KEY", "")
	b.Setenv("GOOGLE_API_KEY", "")
	cfg := Config{Workdir: trained(b), Users: resumeUsers(b, n), Version: "bench", Offline: true, Workers: 16,
		Logger: slog.New(slog.NewTextHandler(discard{}, nil))}
	var total time.Duration
	for i := 0; i < b.N; i++ {
		cfg.OutDir = filepath.Join(b.TempDir(), "users")
		start := time.Now()
		res, err := Run(context.Background(), cfg)
		total += time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		if res.Written != n {
			b.Fatalf("%d written, %d failed; want all %d written", res.Written, res.Failed, n)
		}
	}
	b.ReportMetric(total.Seconds()/float64(b.N), "s/10000users")
}

// TestResumeRerun checks that a rerun on the same résumés passes over every report, and that
// a changed résumé rewrites its person's report only, though the text itself is in no key.
func TestResumeRerun(t *testing.T) {
	data, err := os.ReadFile(sampleResumesJSONL)
	if err != nil {
		t.Fatal(err)
	}
	users := filepath.Join(t.TempDir(), "users.jsonl")
	if err := os.WriteFile(users, data, 0o644); err != nil {
		t.Fatal(err)
	}
	logs := &logBuffer{}
	cfg := testConfig(t, nil, logs)
	cfg.Users = users
	first, _ := Run(context.Background(), cfg)
	second, _ := Run(context.Background(), cfg)
	if first == nil || second == nil || second.Unchanged != first.Written || second.Written != 0 {
		t.Fatalf("rerun: %+v after %+v; want every report unchanged\n%s", second, first, logs)
	}
	// Tom's résumé gains a line: the evidence of his found skills moves, so his report changes.
	edited := strings.Replace(string(data), `Senior Frontend Developer\n`, `Senior Frontend Developer\nFigma, Figma, Figma\n`, 1)
	if edited == string(data) {
		t.Fatal("the edit did not apply")
	}
	if err := os.WriteFile(users, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	third, _ := Run(context.Background(), cfg)
	if third == nil || third.Written != 1 || third.Unchanged != first.Written-1 {
		t.Fatalf("after editing one résumé: %+v; want 1 written and the others unchanged", third)
	}
	var before []string
	for _, o := range first.Outcomes {
		if o.UserID == "resume-tom" {
			before = readReport(t, o.JSON).Skills
		}
	}
	for _, o := range third.Outcomes {
		if o.Status == StatusWritten && o.UserID != "resume-tom" {
			t.Errorf("%s was rewritten; want only resume-tom", o.UserID)
		}
		if o.UserID == "resume-tom" {
			// The top 5 did not change: the report is rewritten for its list of found skills,
			// whose evidence moved a line down.
			if ur := readReport(t, o.JSON); !slices.Equal(ur.Skills, before) {
				t.Errorf("resume-tom: skills %q; want the same top 5 as before, %q", ur.Skills, before)
			}
		}
	}
}

// TestInputKeyOfResumes checks that people whose résumés give the same role and top skills
// share an analysis, and that the report key still tells their found skills apart.
func TestInputKeyOfResumes(t *testing.T) {
	a := User{ID: "a", CurrentRole: "Data Analyst", Skills: []string{"SQL", "Excel"},
		Found: &Found{From: "resume", Used: true, Skills: []FoundSkill{{Name: "SQL"}, {Name: "Excel"}, {Name: "Tableau"}}}}
	b := a
	b.ID = "b"
	b.Found = &Found{From: "resume", Used: true, Skills: []FoundSkill{{Name: "SQL"}, {Name: "Excel"}}}
	if inputKey(a) != inputKey(b) {
		t.Errorf("inputKey differs for the same role and skills with different résumés")
	}
	if foundKey(a.Found) == foundKey(b.Found) || foundKey(nil) != "" {
		t.Errorf("foundKey does not tell different found skills apart (or is set without a résumé)")
	}
	c := a
	c.CurrentRole = "Senior Data Analyst"
	if inputKey(a) == inputKey(c) {
		t.Errorf("inputKey is the same for two current roles (two levels)")
	}
}
