package serve

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/skillx/skillx/internal/gemini"
	"github.com/skillx/skillx/internal/gemini/geminitest"
	"github.com/skillx/skillx/internal/ortlib/ortlibtest"
	"github.com/skillx/skillx/internal/report"
	"github.com/skillx/skillx/internal/testmodel"
	"github.com/skillx/skillx/recommend"
)

// testKey is the fake Gemini server's API key: no response, header or log may hold it.
const testKey = "serve-test-key-SECRET-77c1f0a9"

// hostile is a skill that a page must show as text.
const hostile = "<script>alert(1)</script>"

// shared is the workdir every test reads and the offline engine on it, built once per test
// binary (as recommend's tests build theirs).
var shared struct {
	offOnce sync.Once
	offline *recommend.Engine
	offErr  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.offline != nil {
		shared.offline.Close()
	}
	testmodel.RemoveTrained()
	os.Exit(code)
}

// trained returns the workdir every test reads (testmodel.Trained, built once per test
// binary).
func trained(tb testing.TB) string {
	tb.Helper()
	ortlibtest.Init(tb)
	return testmodel.Trained(tb)
}

// offlineEngine returns the engine with the offline analyst on the shared workdir.
func offlineEngine(tb testing.TB) *recommend.Engine {
	tb.Helper()
	work := trained(tb)
	shared.offOnce.Do(func() {
		quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
		shared.offline, shared.offErr = recommend.OpenEngine(context.Background(),
			recommend.Config{Workdir: work, Offline: true, Version: "test", Logger: quiet})
	})
	if shared.offErr != nil {
		tb.Fatalf("OpenEngine (offline): %v", shared.offErr)
	}
	return shared.offline
}

// fakeGemini is the fake Gemini server; answer writes the reply to one request.
type fakeGemini struct {
	srv *geminitest.Server
}

// promptData is the person as the prompt's data block gives it.
type promptData struct {
	CurrentRole    string             `json:"current_role"`
	Skills         []string           `json:"skills"`
	PredictedRoles []report.Candidate `json:"predicted_roles"`
}

// personOf returns the data block of a generateContent request.
func personOf(b geminitest.Body) (promptData, error) {
	var d promptData
	if len(b.Contents) != 1 || len(b.Contents[0].Parts) != 2 {
		return d, fmt.Errorf("request has %d contents; want one with two parts", len(b.Contents))
	}
	block := b.Contents[0].Parts[1].Text
	start, end := strings.Index(block, "{"), strings.LastIndex(block, "}")
	if start < 0 || end < start {
		return d, fmt.Errorf("no JSON data block in %q", block)
	}
	return d, json.Unmarshal([]byte(block[start:end+1]), &d)
}

// validReport is a valid answer for d: every prediction kept, each skill judged; extra is
// added to every job description.
func validReport(d promptData, extra string) *report.Report {
	rep := &report.Report{}
	levels := []report.MatchLevel{report.Strong, report.Medium, report.Weak}
	for _, c := range d.PredictedRoles {
		rr := report.RoleReport{Role: c.Role, Provenance: report.Provenance{Source: report.SourceModel, Reason: "It fits."},
			JobDescription: c.Role + " does useful work." + extra, MatchSummary: "A plausible move.",
			SkillApplication: "The skills apply daily.", Development: []string{"Learn statistics", "Build a portfolio"}}
		for i, s := range d.Skills {
			rr.SkillMatches = append(rr.SkillMatches, report.SkillMatch{Skill: s, Match: levels[i%3], Justification: "Gemini says so."})
		}
		rep.Roles = append(rep.Roles, rr)
	}
	return rep
}

// newFakeGemini starts a fake Gemini answering every request with answer.
func newFakeGemini(tb testing.TB, answer func(w http.ResponseWriter, d promptData)) *fakeGemini {
	tb.Helper()
	return &fakeGemini{srv: geminitest.New(tb, testKey, func(w http.ResponseWriter, r *http.Request, n int, b geminitest.Body) {
		d, err := personOf(b)
		if err != nil {
			geminitest.WriteError(w, 400, "INVALID_ARGUMENT", err.Error(), nil)
			return
		}
		answer(w, d)
	})}
}

// answerWith writes rep as Gemini's reply.
func answerWith(tb testing.TB, w http.ResponseWriter, rep *report.Report) {
	geminitest.WriteJSON(w, 200, geminitest.Response(geminitest.MustJSON(tb, rep)))
}

// geminiEngine opens an engine whose analyst is the fake Gemini f, logging to logs.
func geminiEngine(tb testing.TB, f *fakeGemini, logs io.Writer) *recommend.Engine {
	tb.Helper()
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	// The timeout is a safety net only: no test relies on it firing.
	cfg := recommend.Config{Workdir: trained(tb), Version: "test", Logger: log,
		Gemini: gemini.Config{APIKey: testKey, BaseURL: f.srv.URL, Timeout: time.Minute, MaxRetries: -1, Logger: log}}
	e, err := recommend.OpenEngine(context.Background(), cfg)
	if err != nil {
		tb.Fatalf("OpenEngine (gemini): %v", err)
	}
	tb.Cleanup(func() { e.Close() })
	return e
}

// newServer returns a Server on eng, with cfg's other fields, closed when the test ends.
func newServer(tb testing.TB, eng Engine, cfg Config, logs io.Writer) *Server {
	tb.Helper()
	if logs == nil {
		logs = io.Discard
	}
	cfg.Engine, cfg.Version = eng, "test"
	cfg.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	s, err := New(cfg)
	if err != nil {
		tb.Fatalf("New: %v", err)
	}
	tb.Cleanup(s.Close)
	return s
}

// form returns the form values of a person: role, the five fields, and the list.
func form(role string, fields []string, list string) url.Values {
	v := url.Values{"role": {role}, "skills": {list}}
	for i, f := range fields {
		v.Set(fmt.Sprintf("skill_%d", i+1), f)
	}
	return v
}

// do sends r to s's handler and returns the response with its body read.
func do(s *Server, r *http.Request) (*http.Response, string) {
	if r.Host == "" || r.Host == "example.com" {
		r.Host = "127.0.0.1:8080"
	}
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, r)
	resp := rec.Result()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

// get requests path from s, with the cookies given.
func get(s *Server, path string, cookies ...*http.Cookie) (*http.Response, string) {
	r := httptest.NewRequest(http.MethodGet, path, nil)
	for _, c := range cookies {
		r.AddCookie(c)
	}
	return do(s, r)
}

// post sends the form v to /ask (as the page does: same origin), with the cookies given.
func post(s *Server, v url.Values, cookies ...*http.Cookie) (*http.Response, string) {
	r := httptest.NewRequest(http.MethodPost, "/ask", strings.NewReader(v.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Sec-Fetch-Site", "same-origin")
	for _, c := range cookies {
		r.AddCookie(c)
	}
	return do(s, r)
}

// ask posts v, checks the redirect to the answer's page and returns the answer's id and the
// history cookie set.
func ask(t testing.TB, s *Server, v url.Values, cookies ...*http.Cookie) (string, *http.Cookie) {
	t.Helper()
	resp, body := post(s, v, cookies...)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST /ask = %d; want 303\n%s", resp.StatusCode, body)
	}
	id, ok := strings.CutPrefix(resp.Header.Get("Location"), "/answer/")
	if !ok || !validID(id) {
		t.Fatalf("POST /ask redirects to %q; want /answer/<id>", resp.Header.Get("Location"))
	}
	var hist *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == historyCookie {
			hist = c
		}
	}
	if hist == nil {
		t.Fatalf("POST /ask set no %s cookie", historyCookie)
	}
	return id, hist
}

// wait blocks until the answer id is finished.
func wait(t testing.TB, s *Server, id string) *answer {
	t.Helper()
	a := s.store.get(id)
	if a == nil {
		t.Fatalf("answer %s is not in the store", id)
	}
	<-a.done
	return a
}
