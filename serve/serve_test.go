package serve

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"html/template"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/skillx/skillx/internal/gemini/geminitest"
	"github.com/skillx/skillx/internal/report"
	"github.com/skillx/skillx/recommend"
)

// analyst is the sample person of most tests.
var analyst = form("Data Analyst", []string{"SQL", "Excel", "Tableau", "Python", "Statistics"}, "")

func TestFormPage(t *testing.T) {
	s := newServer(t, offlineEngine(t), Config{}, nil)
	resp, body := get(s, "/")
	if resp.StatusCode != 200 {
		t.Fatalf("GET / = %d; want 200", resp.StatusCode)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("GET / Content-Type = %q; want text/html; charset=utf-8", ct)
	}
	for _, want := range []string{
		`<form method="post" action="/ask"`, `name="role"`, `name="skill_1"`, `name="skill_5"`, `<textarea id="skills" name="skills"`,
		`maxlength="200"`, `href="/static/style.css"`,
		"the offline analyst, on this computer", "<code>hashing", "Nothing you type leaves this computer",
		"None yet",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("GET / lacks %q", want)
		}
	}
	if strings.Contains(body, `name="skill_6"`) {
		t.Errorf("GET / has a sixth skill field")
	}
	if strings.Contains(strings.ToLower(body), "<script") {
		t.Errorf("GET / has a script element")
	}
	resp, css := get(s, "/static/style.css")
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/css") || !strings.Contains(css, "table.skills") {
		t.Errorf("GET /static/style.css = %d %q; want 200 text/css with the table's rules", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	for _, path := range []string{"/static/", "/static/nothing.css", "/nowhere", "/answer/0123", "/answer/" + strings.Repeat("a", 32)} {
		if resp, _ := get(s, path); resp.StatusCode != 404 {
			t.Errorf("GET %s = %d; want 404", path, resp.StatusCode)
		}
	}
}

func TestSecurityHeaders(t *testing.T) {
	s := newServer(t, offlineEngine(t), Config{}, nil)
	id, _ := ask(t, s, analyst)
	wait(t, s, id)
	paths := []string{"/", "/static/style.css", "/nowhere", "/answer/" + id, "/answer/" + id + "/report.txt"}
	for _, p := range paths {
		resp, _ := get(s, p)
		want := map[string]string{
			"Content-Security-Policy": contentSecurityPolicy,
			"X-Content-Type-Options":  "nosniff",
			"X-Frame-Options":         "DENY",
			"Referrer-Policy":         "no-referrer",
		}
		for k, v := range want {
			if got := resp.Header.Get(k); got != v {
				t.Errorf("GET %s: %s = %q; want %q", p, k, got, v)
			}
		}
	}
	// The policy allows no script: none from anywhere, and nothing inline.
	csp := contentSecurityPolicy
	if !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "script-src") || strings.Contains(csp, "unsafe-inline") ||
		!strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("Content-Security-Policy %q allows script or framing", csp)
	}
	// A bad post gets the headers too.
	resp, _ := post(s, form("", nil, ""))
	if resp.Header.Get("Content-Security-Policy") != contentSecurityPolicy || resp.Header.Get("X-Frame-Options") != "DENY" {
		t.Errorf("POST /ask (bad input): headers %v; want the security headers", resp.Header)
	}
}

// usersFileReason returns the reason failures.jsonl gives for a users file row with role and
// the skills in skill_1..skill_N columns.
func usersFileReason(t *testing.T, role string, skills []string) string {
	t.Helper()
	var b bytes.Buffer
	b.WriteString("user_id,current_role")
	for i := range skills {
		fmt.Fprintf(&b, ",skill_%d", i+1)
	}
	b.WriteString("\nu1," + csvCell(role))
	for _, s := range skills {
		b.WriteString("," + csvCell(s))
	}
	b.WriteString("\n")
	path := filepath.Join(t.TempDir(), "users.csv")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	users, failures, err := recommend.ReadUsers(path)
	if err != nil || len(users) != 0 || len(failures) != 1 {
		t.Fatalf("ReadUsers(%q) = %d users, %d failures, %v; want one failure", b.String(), len(users), len(failures), err)
	}
	return failures[0].Reason
}

// esc returns s as html/template writes it in text.
func esc(s string) string {
	var b strings.Builder
	template.Must(template.New("").Parse("{{.}}")).Execute(&b, s)
	return b.String()
}

func csvCell(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

func TestValidation(t *testing.T) {
	s := newServer(t, offlineEngine(t), Config{}, nil)
	long := strings.Repeat("x", recommend.MaxTextLen+1)
	for _, tc := range []struct {
		name   string
		role   string
		skills []string
		want   string // part of the message
	}{
		{"no role", "", []string{"SQL"}, "current role is empty"},
		{"no skills", "Data Analyst", []string{"", "  "}, "no skills"},
		{"long role", long, []string{"SQL"}, "current role is 201 characters long; at most 200"},
		{"long skill", "Data Analyst", []string{"SQL", long}, "is 201 characters long; at most 200"},
		{"control character", "Data Analyst", []string{"SQL\x1b[31m"}, "control characters are not allowed"},
		{"hostile and long", hostile + long, []string{hostile}, "current role is 226 characters long"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := form(tc.role, tc.skills, "")
			resp, body := post(s, v)
			if resp.StatusCode != http.StatusBadRequest {
				t.Fatalf("POST /ask = %d; want 400", resp.StatusCode)
			}
			reason := usersFileReason(t, tc.role, tc.skills)
			if !strings.Contains(reason, tc.want) {
				t.Fatalf("users file reason %q lacks %q", reason, tc.want)
			}
			if !strings.Contains(html.UnescapeString(body), reason) {
				t.Errorf("the page lacks the users file's reason %q", reason)
			}
			// The input is kept in the form, as text.
			if tc.role != "" && !strings.Contains(body, `value="`+esc(tc.role)+`"`) {
				t.Errorf("the form does not keep the role %q", tc.role)
			}
			if strings.Contains(body, hostile) {
				t.Errorf("the page holds %q unescaped", hostile)
			}
		})
	}
	// The same input as one list gets the same words.
	resp, body := post(s, form("", nil, "SQL; Excel"))
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "current role is empty") {
		t.Errorf("POST /ask (list, no role) = %d; want 400 with %q", resp.StatusCode, "current role is empty")
	}
}

func TestLimits(t *testing.T) {
	s := newServer(t, offlineEngine(t), Config{MaxBody: 4096}, nil)
	v := form("Data Analyst", nil, strings.Repeat("SQL; ", 2000))
	resp, body := post(s, v)
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(body, "more than 4096 bytes") {
		t.Errorf("POST /ask of %d bytes = %d; want 413 naming the limit", len(v.Encode()), resp.StatusCode)
	}
	// Loopback names only, unless AnyHost.
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Host = "attacker.example:8080"
	if resp, _ := do(s, r); resp.StatusCode != http.StatusMisdirectedRequest {
		t.Errorf("GET / with Host %s = %d; want 421", r.Host, resp.StatusCode)
	}
	for _, host := range []string{"localhost:8080", "127.0.0.1:8080", "[::1]:8080"} {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.Host = host
		if resp, _ := do(s, r); resp.StatusCode != 200 {
			t.Errorf("GET / with Host %s = %d; want 200", host, resp.StatusCode)
		}
	}
	public := newServer(t, offlineEngine(t), Config{AnyHost: true}, nil)
	r = httptest.NewRequest(http.MethodGet, "/", nil)
	r.Host = "skillx.example:8080"
	if resp, _ := do(public, r); resp.StatusCode != 200 {
		t.Errorf("GET / with Host %s and AnyHost = %d; want 200", r.Host, resp.StatusCode)
	}
	// A form posted by another site is refused.
	r = httptest.NewRequest(http.MethodPost, "/ask", strings.NewReader(analyst.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Sec-Fetch-Site", "cross-site")
	r.Header.Set("Origin", "https://attacker.example")
	if resp, _ := do(s, r); resp.StatusCode != http.StatusForbidden {
		t.Errorf("POST /ask from another site = %d; want 403", resp.StatusCode)
	}
	if n := s.store.len(); n != 0 {
		t.Errorf("%d answers after refused posts; want 0", n)
	}
}

// roleNames returns the role names of a report page, in order.
func roleNames(body string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`<span class="role-name">([^<]*)</span>`).FindAllStringSubmatch(body, -1) {
		out = append(out, html.UnescapeString(m[1]))
	}
	return out
}

func TestReport(t *testing.T) {
	s := newServer(t, offlineEngine(t), Config{}, nil)
	id, _ := ask(t, s, analyst)
	a := wait(t, s, id)
	if a.report == nil {
		t.Fatalf("no report: %s", a.failure)
	}
	resp, body := get(s, "/answer/"+id)
	if resp.StatusCode != 200 {
		t.Fatalf("GET /answer/%s = %d; want 200", id, resp.StatusCode)
	}
	var want []string
	for _, r := range a.report.Roles {
		want = append(want, r.Role)
	}
	if got := roleNames(body); !slices.Equal(got, want) || len(got) != 5 {
		t.Errorf("roles on the page = %q; want the report's 5: %q", got, want)
	}
	for i, r := range a.report.Roles {
		for _, part := range []string{r.JobDescription, r.MatchSummary, r.SkillApplication, a.report.ProvenanceText(i)} {
			if !strings.Contains(body, esc(part)) {
				t.Errorf("role %d %q: the page lacks %q", i+1, r.Role, part)
			}
		}
		for _, d := range r.Development {
			if !strings.Contains(body, "<li>"+esc(d)+"</li>") {
				t.Errorf("role %d: the page lacks the suggestion %q", i+1, d)
			}
		}
		for _, m := range r.SkillMatches {
			row := fmt.Sprintf(`<tr class="level-%s"><td class="skill" data-label="Skill">%s</td><td class="match" data-label="Match"><span class="badge">%s</span></td><td class="why" data-label="Why">%s</td></tr>`,
				strings.ToLower(string(m.Match)), esc(m.Skill), m.Match, esc(m.Justification))
			if !strings.Contains(body, row) {
				t.Errorf("role %d: the page lacks the table row %s", i+1, row)
			}
		}
	}
	if n := strings.Count(body, `<tr class="level-`); n != 25 {
		t.Errorf("the page has %d skill rows; want 25 (5 roles x 5 skills)", n)
	}
	for _, w := range []string{"Where this role comes from", "Job description", "How your skills apply", "What to learn",
		esc(a.report.Analyst.Text()), "Skills embedded with:</strong> <code>" + a.report.Classifier.Encoder,
		esc(a.report.FallbackNote())} {
		if !strings.Contains(body, w) {
			t.Errorf("the report page lacks %q", w)
		}
	}
}

func TestHostileInput(t *testing.T) {
	s := newServer(t, offlineEngine(t), Config{}, nil)
	id, _ := ask(t, s, form(hostile, []string{"SQL", hostile, `"><img src=x onerror=alert(2)>`}, ""))
	a := wait(t, s, id)
	if a.report == nil {
		t.Fatalf("no report: %s", a.failure)
	}
	_, body := get(s, "/answer/"+id)
	if strings.Contains(body, hostile) || strings.Contains(body, "<img") {
		t.Errorf("the report page holds the hostile input unescaped")
	}
	if !strings.Contains(body, `<td class="skill" data-label="Skill">&lt;script&gt;alert(1)&lt;/script&gt;</td>`) {
		t.Errorf("the skill table does not show %q as text", hostile)
	}
	_, page := get(s, "/", &http.Cookie{Name: historyCookie, Value: id})
	if strings.Contains(page, hostile) || !strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Errorf("the history list does not show the role %q as text", hostile)
	}
}

func TestDownloadsAreRecommendFiles(t *testing.T) {
	s := newServer(t, offlineEngine(t), Config{}, nil)
	id, _ := ask(t, s, analyst)
	a := wait(t, s, id)
	if a.report == nil {
		t.Fatalf("no report: %s", a.failure)
	}
	// The same person through skillx recommend --role --skills, with the page's user id.
	out := t.TempDir()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	res, err := recommend.Run(context.Background(), recommend.Config{Workdir: trained(t), OutDir: out, Offline: true, Version: "test", Logger: quiet,
		Person: &recommend.Person{ID: a.user.ID, CurrentRole: "Data Analyst", Skills: "SQL; Excel; Tableau; Python; Statistics"}})
	if err != nil || len(res.Outcomes) != 1 {
		t.Fatalf("recommend.Run = %v", err)
	}
	o := res.Outcomes[0]
	for _, tc := range []struct{ file, path, contentType string }{
		{"report.txt", o.Text, "text/plain; charset=utf-8"},
		{"report.md", o.Markdown, "text/markdown; charset=utf-8"},
		{"report.json", o.JSON, "application/json"},
	} {
		resp, body := get(s, "/answer/"+id+"/"+tc.file)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != tc.contentType {
			t.Errorf("GET %s = %d %q; want 200 %q", tc.file, resp.StatusCode, resp.Header.Get("Content-Type"), tc.contentType)
			continue
		}
		ext := filepath.Ext(tc.file)
		if cd, want := resp.Header.Get("Content-Disposition"), fmt.Sprintf(`attachment; filename="skillx-report-%s%s"`, id[:8], ext); cd != want {
			t.Errorf("GET %s: Content-Disposition %q; want %q", tc.file, cd, want)
		}
		file, err := os.ReadFile(tc.path)
		if err != nil {
			t.Fatal(err)
		}
		if ext == ".json" {
			// Only the time of writing and the analysis's latency may differ.
			var got, want map[string]any
			if err := json.Unmarshal([]byte(body), &got); err != nil {
				t.Fatalf("%s: %v", tc.file, err)
			}
			json.Unmarshal(file, &want)
			for _, m := range []map[string]any{got, want} {
				delete(m, "created")
				delete(m["usage"].(map[string]any), "latency_ms")
			}
			g, _ := json.Marshal(got)
			w, _ := json.Marshal(want)
			if !bytes.Equal(g, w) {
				t.Errorf("%s differs from recommend's %s:\n%s\n%s", tc.file, tc.path, g, w)
			}
			continue
		}
		if body != string(file) {
			t.Errorf("%s differs from recommend's %s:\n%s\n---\n%s", tc.file, tc.path, body, file)
		}
	}
	if resp, _ := get(s, "/answer/"+id+"/report.pdf"); resp.StatusCode != 404 {
		t.Errorf("GET report.pdf = %d; want 404", resp.StatusCode)
	}
}

func TestHistory(t *testing.T) {
	s := newServer(t, offlineEngine(t), Config{MaxInFlight: 1, MaxAnswers: 2}, nil)
	first, c1 := ask(t, s, analyst)
	wait(t, s, first)
	if !c1.HttpOnly || c1.Value != first || c1.SameSite != http.SameSiteLaxMode {
		t.Errorf("history cookie %+v; want HttpOnly, SameSite=Lax, value %s", c1, first)
	}
	second, c2 := ask(t, s, form("Registered Nurse", nil, "Patient care; Wound care; BLS"), c1)
	wait(t, s, second)
	if want := second + "." + first; c2.Value != want {
		t.Errorf("history cookie %q; want %q (newest first, ids only)", c2.Value, want)
	}
	_, page := get(s, "/", c2)
	i1, i2 := strings.Index(page, `href="/answer/`+first+`"`), strings.Index(page, `href="/answer/`+second+`"`)
	if i1 < 0 || i2 < 0 || i2 > i1 {
		t.Errorf("history lists %s at %d and %s at %d; want both, newest first", second[:8], i2, first[:8], i1)
	}
	if !strings.Contains(page, "Registered Nurse</a>") || !strings.Contains(page, "Data Analyst</a>") {
		t.Errorf("history does not name the roles asked about")
	}
	// Another browser (no cookie) sees none of it.
	if _, other := get(s, "/"); strings.Contains(other, first) || !strings.Contains(other, "None yet") {
		t.Errorf("a browser without the cookie sees another's history")
	}
	// The server keeps MaxAnswers answers: a third drops the first.
	third, c3 := ask(t, s, form("Sales Representative", nil, "Cold calling; Negotiation"), c2)
	wait(t, s, third)
	if s.store.get(first) != nil || s.store.len() != 2 {
		t.Errorf("store keeps %d answers (first kept: %v); want 2, the first dropped", s.store.len(), s.store.get(first) != nil)
	}
	_, page = get(s, "/", c3)
	if strings.Contains(page, `href="/answer/`+first+`"`) || !strings.Contains(page, "1 earlier answer is no longer kept") {
		t.Errorf("history after the first answer was dropped does not say so")
	}
	// A cookie of anything but ids is ignored; the list can be cleared.
	if _, page := get(s, "/", &http.Cookie{Name: historyCookie, Value: "../../etc.<b>." + third}); !strings.Contains(page, `href="/answer/`+third+`"`) || strings.Contains(page, "<b>") {
		t.Errorf("a cookie with foreign values is not reduced to its ids")
	}
	r := httptest.NewRequest(http.MethodPost, "/history/clear", nil)
	r.Header.Set("Sec-Fetch-Site", "same-origin")
	r.AddCookie(c3)
	resp, _ := do(s, r)
	cleared := resp.Cookies()
	if resp.StatusCode != http.StatusSeeOther || len(cleared) != 1 || cleared[0].MaxAge >= 0 {
		t.Errorf("POST /history/clear = %d, cookies %v; want 303 and the cookie removed", resp.StatusCode, cleared)
	}
}

// blockingGemini is a fake Gemini that answers only when told: each request is announced on
// arrived and answered once release is closed.
type blockingGemini struct {
	*fakeGemini
	arrived chan string // the current role of each request
	release chan struct{}
}

func newBlockingGemini(t *testing.T) *blockingGemini {
	b := &blockingGemini{arrived: make(chan string, 10), release: make(chan struct{})}
	b.fakeGemini = newFakeGemini(t, func(w http.ResponseWriter, d promptData) {
		b.arrived <- d.CurrentRole
		<-b.release
		answerWith(t, w, validReport(d, ""))
	})
	return b
}

func TestBusy(t *testing.T) {
	g := newBlockingGemini(t)
	s := newServer(t, geminiEngine(t, g.fakeGemini, io.Discard), Config{MaxInFlight: 1}, nil)
	first, _ := ask(t, s, analyst)
	if role := <-g.arrived; role != "Data Analyst" {
		t.Fatalf("Gemini was asked about %q; want Data Analyst", role)
	}
	// While it works: a waiting page that reloads itself.
	resp, body := get(s, "/answer/"+first)
	if resp.StatusCode != 200 || !strings.Contains(body, `<meta http-equiv="refresh" content="2">`) || !strings.Contains(body, "Google Gemini is judging") {
		t.Errorf("GET /answer while working = %d; want the waiting page with a meta refresh\n%s", resp.StatusCode, body)
	}
	if resp, _ := get(s, "/answer/"+first+"/report.txt"); resp.StatusCode != 404 {
		t.Errorf("GET report.txt while working = %d; want 404", resp.StatusCode)
	}
	// The one slot is taken: the next person gets the busy page, input kept.
	nurse := form("Registered Nurse", []string{"Patient care", "Wound care"}, "")
	resp, body = post(s, nurse)
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("POST /ask while busy = %d; want 429", resp.StatusCode)
	}
	if resp.Header.Get("Retry-After") != "30" || !strings.Contains(body, "Busy: try again in a minute") ||
		!strings.Contains(body, `value="Registered Nurse"`) || !strings.Contains(body, `value="Wound care"`) {
		t.Errorf("the busy page lacks Retry-After, the notice or the input\n%s", body)
	}
	if n := s.store.len(); n != 1 {
		t.Errorf("%d answers kept; want 1 (the busy request is not one)", n)
	}
	close(g.release)
	if a := wait(t, s, first); a.report == nil {
		t.Fatalf("no report: %s", a.failure)
	}
	second, _ := ask(t, s, nurse)
	<-g.arrived
	if a := wait(t, s, second); a.report == nil {
		t.Errorf("the request after the busy one: no report: %s", a.failure)
	}
}

func TestKeyNeverInResponses(t *testing.T) {
	var logs geminitest.LogBuffer
	f := newFakeGemini(t, func(w http.ResponseWriter, d promptData) {
		if d.CurrentRole == "Broken" {
			geminitest.WriteError(w, 400, "INVALID_ARGUMENT", "bad request with key "+testKey, nil)
			return
		}
		answerWith(t, w, validReport(d, " Use key "+testKey+" to apply."))
	})
	s := newServer(t, geminiEngine(t, f, &logs), Config{Secrets: []string{testKey}}, &logs)
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	var all bytes.Buffer
	fetch := func(method, path string, v url.Values) *http.Response {
		var body io.Reader
		if v != nil {
			body = strings.NewReader(v.Encode())
		}
		r, _ := http.NewRequest(method, srv.URL+path, body)
		if v != nil {
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		resp, err := client.Do(r)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		defer resp.Body.Close()
		io.Copy(&all, resp.Body)
		for k, vs := range resp.Header {
			fmt.Fprintf(&all, "%s: %s\n", k, strings.Join(vs, ","))
		}
		return resp
	}
	fetch("GET", "/", nil)
	resp := fetch("POST", "/ask", analyst)
	good := strings.TrimPrefix(resp.Request.URL.Path, "/answer/")
	if a := wait(t, s, good); a.report == nil {
		t.Fatalf("no report: %s", a.failure)
	}
	resp = fetch("POST", "/ask", form("Broken", []string{"SQL"}, ""))
	bad := strings.TrimPrefix(resp.Request.URL.Path, "/answer/")
	if a := wait(t, s, bad); a.report != nil || !strings.Contains(a.failure, "bad request with key") {
		t.Fatalf("the broken request: report %v, failure %q; want Gemini's error", a.report != nil, a.failure)
	}
	for _, p := range []string{"/answer/" + good, "/answer/" + good + "/report.txt", "/answer/" + good + "/report.md",
		"/answer/" + good + "/report.json", "/answer/" + bad, "/"} {
		if resp := fetch("GET", p, nil); resp.StatusCode != 200 {
			t.Errorf("GET %s = %d; want 200", p, resp.StatusCode)
		}
	}
	if !strings.Contains(all.String(), "Google Gemini (gemini-2.5-flash)") || !strings.Contains(all.String(), "sent to Google") {
		t.Errorf("the pages do not say that Gemini answers and what is sent to it")
	}
	if !strings.Contains(all.String(), "bad request with key") {
		t.Errorf("the failure page does not show Gemini's error")
	}
	if strings.Contains(all.String(), testKey) {
		t.Errorf("a response holds the API key")
	}
	if strings.Contains(logs.String(), testKey) {
		t.Errorf("the log holds the API key:\n%s", logs.String())
	}
	if calls := f.srv.GenerateCalls(); len(calls) != 2 || calls[0].Key != testKey {
		t.Errorf("Gemini got %d calls; want 2 with the key", len(calls))
	}
}

func TestConcurrentUsers(t *testing.T) {
	s := newServer(t, offlineEngine(t), Config{}, nil)
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	people := []url.Values{
		analyst,
		form("Frontend Web Developer", nil, "JavaScript; React; CSS; HTML; Git"),
		form("Registered Nurse", nil, "Patient care; Medication administration; Epic; Wound care; BLS"),
		form("Sales Representative", []string{"Cold calling", "Salesforce", "Negotiation", "Product demos", "Closing deals"}, ""),
	}
	const users = 20
	errs := make(chan error, users)
	var wg sync.WaitGroup
	for i := range users {
		wg.Go(func() {
			errs <- oneUser(s, srv.URL, people[i%len(people)])
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if n := s.store.len(); n != users {
		t.Errorf("%d answers kept; want %d", n, users)
	}
}

// oneUser is one browser: the form, the post, the answer once done, and the .txt.
func oneUser(s *Server, base string, v url.Values) error {
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	check := func(resp *http.Response, err error, want int) (string, error) {
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if resp.StatusCode != want {
			return "", fmt.Errorf("%s %s = %d; want %d", resp.Request.Method, resp.Request.URL.Path, resp.StatusCode, want)
		}
		return string(body), err
	}
	resp, err := client.Get(base + "/")
	if _, err := check(resp, err, http.StatusOK); err != nil {
		return err
	}
	resp, err = client.PostForm(base+"/ask", v)
	if _, err := check(resp, err, http.StatusSeeOther); err != nil {
		return err
	}
	loc := resp.Header.Get("Location")
	a := s.store.get(strings.TrimPrefix(loc, "/answer/"))
	if a == nil {
		return fmt.Errorf("no answer behind %q", loc)
	}
	<-a.done
	resp, err = client.Get(base + loc)
	page, err := check(resp, err, http.StatusOK)
	if err != nil {
		return err
	}
	if n := strings.Count(page, `<section class="role"`); n != 5 {
		return fmt.Errorf("%s shows %d roles; want 5", loc, n)
	}
	resp, err = client.Get(base + loc + "/report.txt")
	text, err := check(resp, err, http.StatusOK)
	if err != nil {
		return err
	}
	if !strings.Contains(text, "Current role: "+v.Get("role")+"\n") {
		return fmt.Errorf("%s/report.txt is not this person's report", loc)
	}
	return nil
}

// stopSignal reports when the server logs that it is stopping.
type stopSignal struct {
	slog.Handler
	once     sync.Once
	stopping chan struct{}
}

func (h *stopSignal) Handle(ctx context.Context, r slog.Record) error {
	if strings.HasPrefix(r.Message, "serve: stopping") {
		h.once.Do(func() { close(h.stopping) })
	}
	return h.Handler.Handle(ctx, r)
}

func TestShutdownFinishesReports(t *testing.T) {
	g := newBlockingGemini(t)
	eng := geminiEngine(t, g.fakeGemini, io.Discard)
	sig := &stopSignal{Handler: slog.NewTextHandler(io.Discard, nil), stopping: make(chan struct{})}
	s, err := New(Config{Engine: eng, Logger: slog.New(sig)})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- s.Serve(ctx, ln) }()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.PostForm("http://"+ln.Addr().String()+"/ask", analyst)
	if err != nil || resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST /ask = %v, %v; want 303", resp, err)
	}
	resp.Body.Close()
	id := strings.TrimPrefix(resp.Header.Get("Location"), "/answer/")
	<-g.arrived
	cancel() // SIGINT or SIGTERM
	<-sig.stopping
	select {
	case err := <-served:
		t.Fatalf("Serve returned (%v) with a report in progress", err)
	default:
	}
	close(g.release)
	if err := <-served; err != nil {
		t.Errorf("Serve = %v; want nil after a clean stop", err)
	}
	if a := s.store.get(id); !a.finished() || a.report == nil {
		t.Errorf("the report in progress was not finished: %q", a.failure)
	}
	if _, err := net.Dial("tcp", ln.Addr().String()); err == nil {
		t.Errorf("the server still takes connections after Serve returned")
	}
}

func TestIsLoopback(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1:8080": true, "localhost:8080": true, "[::1]:8080": true, "127.0.0.2:80": true,
		":8080": false, "0.0.0.0:8080": false, "[::]:8080": false, "192.168.1.5:8080": false, "example.com:80": false, "nonsense": false,
	} {
		if got := IsLoopback(addr); got != want {
			t.Errorf("IsLoopback(%q) = %v; want %v", addr, got, want)
		}
	}
}

func TestNewChecksConfig(t *testing.T) {
	eng := offlineEngine(t)
	for _, cfg := range []Config{
		{},
		{Engine: eng, MaxInFlight: 10, MaxAnswers: 10},
		{Engine: eng, MaxInFlight: -1},
		{Engine: eng, MaxBody: 10},
	} {
		if _, err := New(cfg); err == nil {
			t.Errorf("New(%+v) = nil error; want one", cfg)
		}
	}
}

// The Gemini analyst's replacements show as such.
func TestGeminiReplacement(t *testing.T) {
	f := newFakeGemini(t, func(w http.ResponseWriter, d promptData) {
		rep := validReport(d, "")
		rep.Roles[4].Provenance = report.Provenance{Source: report.SourceGemini, Replaces: rep.Roles[4].Role, Reason: "not a realistic move"}
		rep.Roles[4].Role = "Data Storyteller"
		answerWith(t, w, rep)
	})
	s := newServer(t, geminiEngine(t, f, io.Discard), Config{}, nil)
	id, _ := ask(t, s, analyst)
	a := wait(t, s, id)
	if a.report == nil {
		t.Fatalf("no report: %s", a.failure)
	}
	_, body := get(s, "/answer/"+id)
	if names := roleNames(body); len(names) != 5 || names[4] != "Data Storyteller" {
		t.Errorf("roles %q; want 5 ending with Data Storyteller", names)
	}
	for _, w := range []string{`<span class="source source-gemini">Gemini&#39;s replacement</span>`, "Chosen by Gemini in place of the prediction", "not a realistic move"} {
		if !strings.Contains(body, w) {
			t.Errorf("the page lacks %q", w)
		}
	}
}

// leakyEngine is an engine whose texts carry the secret: the server must still never send it.
type leakyEngine struct {
	Engine
	secret string
}

func (e leakyEngine) Recommend(ctx context.Context, u recommend.User) (*recommend.UserReport, error) {
	if u.CurrentRole == "Broken" {
		return nil, errors.New("gemini said: wrong key " + e.secret)
	}
	rep, err := e.Engine.Recommend(ctx, u)
	if err != nil {
		return nil, err
	}
	rep.Roles[0].JobDescription += " Apply with " + e.secret + "."
	return rep, nil
}

func TestSecretsAreScrubbed(t *testing.T) {
	var logs geminitest.LogBuffer
	s := newServer(t, leakyEngine{Engine: offlineEngine(t), secret: testKey}, Config{Secrets: []string{testKey, "short"}}, &logs)
	good, _ := ask(t, s, analyst)
	if a := wait(t, s, good); a.report == nil {
		t.Fatalf("no report: %s", a.failure)
	}
	bad, _ := ask(t, s, form("Broken", []string{"SQL"}, ""))
	wait(t, s, bad)
	var all strings.Builder
	for _, p := range []string{"/answer/" + good, "/answer/" + good + "/report.txt", "/answer/" + good + "/report.md",
		"/answer/" + good + "/report.json", "/answer/" + bad} {
		resp, body := get(s, p)
		all.WriteString(body)
		if resp.StatusCode != 200 {
			t.Errorf("GET %s = %d; want 200", p, resp.StatusCode)
		}
	}
	if strings.Contains(all.String(), testKey) || strings.Contains(logs.String(), testKey) {
		t.Errorf("a response or the log holds the secret")
	}
	if !strings.Contains(all.String(), "Apply with [redacted].") || !strings.Contains(all.String(), "wrong key [redacted]") {
		t.Errorf("the texts that held the secret are not shown with it replaced")
	}
}

func TestUnreadableForm(t *testing.T) {
	s := newServer(t, offlineEngine(t), Config{}, nil)
	r := httptest.NewRequest(http.MethodPost, "/ask", strings.NewReader("role=Data+Analyst&skills=SQL;Excel"))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, body := do(s, r)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "semicolon") {
		t.Errorf("POST /ask with a raw semicolon = %d; want 400 saying why", resp.StatusCode)
	}
}
