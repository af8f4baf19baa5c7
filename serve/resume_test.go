package serve

import (
	"html"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sampleResume returns a sample résumé of data/sample/resumes.
func sampleResume(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "data", "sample", "resumes", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestResumeForm posts the form with a résumé and a work history and no skills, end to end:
// the report page names the current role taken from the history, the skills found (top 5
// used), the match scores and each role's job level move; a bad résumé gets the form back
// with the finder's reason, as a users file's row would.
func TestResumeForm(t *testing.T) {
	s := newServer(t, offlineEngine(t), Config{}, nil)
	v := form("", nil, "")
	v.Set("resume", sampleResume(t, "priya_data_analyst.txt"))
	v.Set("history", "Data Analyst 2019-present; Junior Analyst 2017-2019")
	id, _ := ask(t, s, v)
	a := wait(t, s, id)
	if a.report == nil {
		t.Fatalf("no report: %s", a.failure)
	}
	if a.report.CurrentRole != "Data Analyst" || a.report.Found == nil || !a.report.Found.Used || len(a.report.Skills) != 5 {
		t.Fatalf("report of %q with skills %q, found %+v; want Data Analyst and the top 5 found skills", a.report.CurrentRole, a.report.Skills, a.report.Found)
	}
	resp, body := get(s, "/answer/"+id)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /answer = %d", resp.StatusCode)
	}
	page := html.UnescapeString(body)
	for _, want := range []string{`id="found"`, "Skills found in your résumé and history", a.report.Found.Skills[0].Name,
		"give your skills yourself", `id="level"`, `id="move-1"`, "match 0.", "Match score:", "yours is Mid"} {
		if !strings.Contains(page, want) {
			t.Errorf("the report page does not show %q", want)
		}
	}

	// Bad résumés: the form again (400) with the finder's reason, the input kept.
	for _, tt := range []struct {
		name, resume, want string
	}{
		{"empty", " \n\t\n", "résumé is empty"},
		{"binary", "%PDF-1.7\n\x01\x02\x03 stream \x00\x00", "not plain text"},
		{"oversized", strings.Repeat(sampleResume(t, "tom_frontend.txt"), 30), "too large"},
	} {
		v := form("Data Analyst", nil, "")
		v.Set("resume", tt.resume)
		resp, body := post(s, v)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(html.UnescapeString(body), tt.want) {
			t.Errorf("%s résumé: POST /ask = %d; want 400 with %q\n%s", tt.name, resp.StatusCode, tt.want, body)
		}
	}
}
