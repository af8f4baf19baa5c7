package gemini

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/skillx/skillx/internal/gemini/geminitest"
	"github.com/skillx/skillx/internal/report"
)

// testKey is the dummy API key; no error, log line or file may ever contain it.
const testKey = "dummy-key-SECRET-7f3a9c51"

// genBody is the part of a generateContent request body the fake looks at.
type genBody = geminitest.Body

// call is one request the fake received.
type call = geminitest.Call

// genFunc answers the n-th (1-based) generateContent call.
type genFunc = geminitest.GenerateFunc

// fakeGemini is the shared fake Gemini server (package geminitest); set srv.Batch to serve
// batch jobs.
type fakeGemini struct {
	srv *geminitest.Server
}

func newFake(t *testing.T, gen genFunc) *fakeGemini {
	t.Helper()
	return &fakeGemini{srv: geminitest.New(t, testKey, gen)}
}

// genCalls returns the generateContent calls received so far.
func (f *fakeGemini) genCalls() []call { return f.srv.GenerateCalls() }

func (f *fakeGemini) allCalls() []call { return f.srv.Calls() }

// person returns the data block the client sent, parsed.
func person(t *testing.T, gb genBody) promptData {
	t.Helper()
	if len(gb.Contents) != 1 || len(gb.Contents[0].Parts) != 2 {
		t.Fatalf("request has %d contents; want one with two parts", len(gb.Contents))
	}
	block := gb.Contents[0].Parts[1].Text
	inner, ok := strings.CutPrefix(block, dataStart+"\n")
	if !ok {
		t.Fatalf("data part does not start with %q: %q", dataStart, block)
	}
	inner, ok = strings.CutSuffix(inner, "\n"+dataEnd)
	if !ok {
		t.Fatalf("data part does not end with %q: %q", dataEnd, block)
	}
	var d promptData
	if err := json.Unmarshal([]byte(inner), &d); err != nil {
		t.Fatalf("data block is not JSON: %v", err)
	}
	return d
}

// goodReport is a valid answer for d: the first three predictions that are not the current
// role are kept, the others replaced.
func goodReport(d promptData) *report.Report {
	rep := &report.Report{}
	kept := 0
	var discarded []string
	for _, c := range d.PredictedRoles {
		if kept < 3 && report.Norm(c.Role) != report.Norm(d.CurrentRole) {
			kept++
			rep.Roles = append(rep.Roles, roleFor(d, c.Role, report.Provenance{Source: report.SourceModel}))
			continue
		}
		discarded = append(discarded, c.Role)
	}
	for i, old := range discarded {
		rep.Roles = append(rep.Roles, roleFor(d, fmt.Sprintf("Replacement Role %d", i+1),
			report.Provenance{Source: report.SourceGemini, Replaces: old, Reason: "not a realistic move from " + d.CurrentRole}))
	}
	return rep
}

func roleFor(d promptData, role string, p report.Provenance) report.RoleReport {
	rr := report.RoleReport{
		Role:             role,
		Provenance:       p,
		JobDescription:   role + " does useful work. It needs care.",
		MatchSummary:     "The skills fit reasonably well.",
		SkillApplication: "The skills apply daily. They help a lot. They are used in reports.",
		Development:      []string{"Learn more statistics", "Build a portfolio"},
	}
	levels := []report.MatchLevel{report.Strong, report.Medium, report.Weak}
	for i, s := range d.Skills {
		rr.SkillMatches = append(rr.SkillMatches, report.SkillMatch{Skill: s, Match: levels[i%3], Justification: "Because " + s + " matters."})
	}
	return rr
}

var (
	mustJSON      = geminitest.MustJSON
	writeJSON     = geminitest.WriteJSON
	writeAPIError = geminitest.WriteError
)

// genResponse is a generateContent answer carrying text, as DefaultModel gives it.
func genResponse(text string) map[string]any {
	r := geminitest.Response(text)
	r["candidates"].([]any)[0].(map[string]any)["index"] = 0
	r["usageMetadata"] = map[string]any{
		"promptTokenCount": 120, "candidatesTokenCount": 300, "thoughtsTokenCount": 30, "totalTokenCount": 450,
	}
	r["modelVersion"] = DefaultModel
	return r
}

func writeReply(w http.ResponseWriter, text string) {
	writeJSON(w, 200, genResponse(text))
}

// answerGood replies with a valid report for whoever is asked about.
func answerGood(t *testing.T) genFunc {
	return func(w http.ResponseWriter, r *http.Request, n int, gb genBody) {
		writeReply(w, mustJSON(t, goodReport(person(t, gb))))
	}
}

// logBuffer collects log output safely across goroutines.
type logBuffer = geminitest.LogBuffer

// newClient returns a client on f with fast test settings, adjusted by edit. Its log output
// and cache folder are checked for the key when the test ends.
func newClient(t *testing.T, f *fakeGemini, edit func(*Config)) *Client {
	t.Helper()
	logs := &logBuffer{}
	cfg := Config{
		APIKey:      testKey,
		BaseURL:     f.srv.URL,
		Timeout:     30 * time.Second, // a safety net only: a loaded machine must not time out
		MaxRetries:  3,
		BackoffBase: time.Millisecond,
		BackoffMax:  5 * time.Millisecond,
		Logger:      slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	if edit != nil {
		edit(&cfg)
	}
	c, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() {
		if strings.Contains(logs.String(), testKey) {
			t.Errorf("the api key appears in the logs:\n%s", logs.String())
		}
		if cfg.CacheDir != "" {
			assertNoKeyInFiles(t, cfg.CacheDir)
		}
	})
	return c
}

// assertNoKey fails if err's message (or that of anything in its chain) contains the key.
func assertNoKey(t *testing.T, err error) {
	t.Helper()
	for e := range walkErrors(err) {
		if strings.Contains(e.Error(), testKey) {
			t.Errorf("error contains the api key: %v", e)
		}
		if re, ok := e.(*ReplyError); ok && strings.Contains(re.Reply+strings.Join(re.Problems, ""), testKey) {
			t.Errorf("reply error carries the api key: %q", re.Reply)
		}
		if ae, ok := e.(*APIError); ok && strings.Contains(ae.Message+ae.Status, testKey) {
			t.Errorf("api error carries the api key: %q", ae.Message)
		}
	}
}

// walkErrors yields err and everything it wraps.
func walkErrors(err error) func(func(error) bool) {
	return func(yield func(error) bool) {
		var walk func(error) bool
		walk = func(e error) bool {
			if e == nil {
				return true
			}
			if !yield(e) {
				return false
			}
			switch u := e.(type) {
			case interface{ Unwrap() error }:
				return walk(u.Unwrap())
			case interface{ Unwrap() []error }:
				for _, x := range u.Unwrap() {
					if !walk(x) {
						return false
					}
				}
			}
			return true
		}
		walk(err)
	}
}

func assertNoKeyInFiles(t *testing.T, dir string) {
	t.Helper()
	geminitest.CheckNoKeyInFiles(t, testKey, dir)
}

// testRequest is a person whose predictions include the current role (which must go).
func testRequest(id string) report.Request {
	return report.Request{
		UserID:      id,
		CurrentRole: "Data Analyst",
		Skills:      []string{"SQL", "Python", "Excel", "Tableau", "Statistics"},
		Candidates: []report.Candidate{
			{Role: "Data Scientist", Probability: 0.41},
			{Role: "Business Analyst", Probability: 0.22},
			{Role: "Data Analyst", Probability: 0.15},
			{Role: "Data Engineer", Probability: 0.12},
			{Role: "Graphic Designer", Probability: 0.05},
		},
	}
}

// recordSleeps replaces c's backoff sleep with one that records the delays and returns at
// once, so tests can check Retry-After without waiting for it.
func recordSleeps(c *Client) func() []time.Duration {
	var mu sync.Mutex
	var slept []time.Duration
	c.sleep = func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		slept = append(slept, d)
		mu.Unlock()
		return ctx.Err()
	}
	return func() []time.Duration {
		mu.Lock()
		defer mu.Unlock()
		return append([]time.Duration(nil), slept...)
	}
}

// fakeClock is a virtual clock for the rate limiter, run the way testing/synctest runs
// time: it stands still while any of its workers is running, and when every worker is
// asleep (in Sleep) or finished (Done) it jumps to the earliest wake-up and wakes whoever
// is due then. What a test sees therefore depends only on the order of events the code
// allows, never on the speed of the machine. Sleepers that are not workers are not
// supported.
type fakeClock struct {
	mu       sync.Mutex
	now      time.Time
	workers  int        // goroutines that use the clock
	idle     int        // of them, those asleep or finished
	sleepers []*sleeper // by wake-up time; equal times in arrival order
}

type sleeper struct {
	wake time.Time
	done chan struct{}
}

func newFakeClock(workers int) *fakeClock {
	return &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), workers: workers}
}

// Now returns the virtual time.
func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Sleep blocks until the virtual time has advanced by d, or ctx ends.
func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	c.mu.Lock()
	s := &sleeper{wake: c.now.Add(d), done: make(chan struct{})}
	i := len(c.sleepers)
	for i > 0 && c.sleepers[i-1].wake.After(s.wake) {
		i--
	}
	c.sleepers = slices.Insert(c.sleepers, i, s)
	c.idle++
	c.advance()
	c.mu.Unlock()
	select {
	case <-s.done:
		return nil
	case <-ctx.Done():
		c.mu.Lock()
		defer c.mu.Unlock()
		if i := slices.Index(c.sleepers, s); i >= 0 {
			c.sleepers = slices.Delete(c.sleepers, i, i+1)
			c.idle--
			return context.Cause(ctx)
		}
		return nil // woken in the same instant
	}
}

// Done records that a worker has finished for good.
func (c *fakeClock) Done() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.idle++
	c.advance()
}

// advance, with c.mu held: once no worker runs, move to the earliest wake-up and wake
// everyone due then.
func (c *fakeClock) advance() {
	if c.idle < c.workers || len(c.sleepers) == 0 {
		return
	}
	c.now = c.sleepers[0].wake
	n := 0
	for n < len(c.sleepers) && !c.sleepers[n].wake.After(c.now) {
		close(c.sleepers[n].done)
		n++
	}
	c.sleepers = slices.Delete(c.sleepers, 0, n)
	c.idle -= n
}
