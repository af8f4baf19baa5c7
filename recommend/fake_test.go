package recommend

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/skillx/skillx/internal/gemini"
)

// The fake Gemini server follows internal/gemini/fake_test.go (whose test files cannot be
// imported): an httptest server speaking the REST calls genai makes.

// testKey is the dummy API key; no file, log line or failure reason may contain it.
const testKey = "dummy-key-SECRET-5e0c21d7"

// Markers of the data block (internal/gemini/prompt.go).
const (
	dataStart = "<<<PERSON_DATA"
	dataEnd   = "PERSON_DATA>>>"
)

// promptData is the person as the prompt gives it.
type promptData struct {
	CurrentRole    string             `json:"current_role"`
	Skills         []string           `json:"skills"`
	PredictedRoles []gemini.Candidate `json:"predicted_roles"`
}

// genBody is the part of a generateContent request the fake reads.
type genBody struct {
	Contents []struct {
		Parts []struct {
			Text string `json:"text"`
		} `json:"parts"`
	} `json:"contents"`
	SystemInstruction *struct {
		Parts []struct {
			Text string `json:"text"`
		} `json:"parts"`
	} `json:"systemInstruction"`
}

// parsePerson returns the data block of a request, or an error saying what is wrong.
func parsePerson(gb genBody) (promptData, error) {
	var d promptData
	if len(gb.Contents) != 1 || len(gb.Contents[0].Parts) != 2 {
		return d, fmt.Errorf("request has %d contents; want one with two parts", len(gb.Contents))
	}
	block := gb.Contents[0].Parts[1].Text
	inner, ok := strings.CutPrefix(block, dataStart+"\n")
	if ok {
		inner, ok = strings.CutSuffix(inner, "\n"+dataEnd)
	}
	if !ok {
		return d, fmt.Errorf("data part is not a delimited block: %q", block)
	}
	return d, json.Unmarshal([]byte(inner), &d)
}

// goodReport is a valid answer for d: the first three predictions kept, the others replaced.
func goodReport(d promptData) *gemini.Report {
	rep := &gemini.Report{}
	var discarded []string
	for i, c := range d.PredictedRoles {
		if i < 3 {
			rep.Roles = append(rep.Roles, roleFor(d, c.Role, gemini.Provenance{Source: gemini.SourceModel}))
			continue
		}
		discarded = append(discarded, c.Role)
	}
	for i, old := range discarded {
		rep.Roles = append(rep.Roles, roleFor(d, fmt.Sprintf("Replacement Role %d", i+1),
			gemini.Provenance{Source: gemini.SourceGemini, Replaces: old, Reason: "not a realistic move from " + d.CurrentRole}))
	}
	return rep
}

func roleFor(d promptData, role string, p gemini.Provenance) gemini.RoleReport {
	rr := gemini.RoleReport{
		Role: role, Provenance: p,
		JobDescription:   role + " does useful work. It needs care.",
		MatchSummary:     "The skills fit reasonably well.",
		SkillApplication: "The skills apply daily. They help a lot. They are used in reports.",
		Development:      []string{"Learn more statistics", "Build a portfolio"},
	}
	levels := []gemini.MatchLevel{gemini.Strong, gemini.Medium, gemini.Weak}
	for i, s := range d.Skills {
		rr.SkillMatches = append(rr.SkillMatches, gemini.SkillMatch{Skill: s, Match: levels[i%3], Justification: "Because it matters."})
	}
	return rr
}

// genResponse is a generateContent answer carrying text.
func genResponse(text string) map[string]any {
	return map[string]any{
		"candidates": []any{map[string]any{
			"content":      map[string]any{"role": "model", "parts": []any{map[string]any{"text": text}}},
			"finishReason": "STOP",
		}},
		"usageMetadata": map[string]any{"promptTokenCount": 120, "candidatesTokenCount": 300, "totalTokenCount": 420},
	}
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

func writeAPIError(w http.ResponseWriter, code int, status, msg string) {
	writeJSON(w, code, map[string]any{"error": map[string]any{"code": code, "message": msg, "status": status}})
}

// answerFunc answers one generateContent call (n counts them from 1).
type answerFunc func(w http.ResponseWriter, r *http.Request, n int, d promptData)

// fakeGemini is the fake server.
type fakeGemini struct {
	t      testing.TB
	srv    *httptest.Server
	answer answerFunc
	batch  *fakeBatch

	mu       sync.Mutex
	ngen     int
	problems []string // requests that were not as they should be
}

func newFake(t testing.TB, answer answerFunc) *fakeGemini {
	t.Helper()
	f := &fakeGemini{t: t, answer: answer}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	t.Cleanup(func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		for _, p := range f.problems {
			t.Errorf("fake gemini: %s", p)
		}
	})
	return f
}

func (f *fakeGemini) problem(format string, a ...any) {
	f.mu.Lock()
	f.problems = append(f.problems, fmt.Sprintf(format, a...))
	f.mu.Unlock()
}

// calls returns the number of generateContent calls so far.
func (f *fakeGemini) calls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.ngen
}

func (f *fakeGemini) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	if r.Header.Get("x-goog-api-key") != testKey {
		writeAPIError(w, 401, "UNAUTHENTICATED", "missing or wrong api key")
		return
	}
	p := r.URL.Path
	switch {
	case r.Method == http.MethodPost && strings.HasSuffix(p, ":generateContent"):
		var gb genBody
		if err := json.Unmarshal(body, &gb); err != nil {
			writeAPIError(w, 400, "INVALID_ARGUMENT", "bad json")
			return
		}
		d, err := parsePerson(gb)
		if err != nil {
			f.problem("%v", err)
			writeAPIError(w, 400, "INVALID_ARGUMENT", err.Error())
			return
		}
		f.checkInstructions(gb)
		f.mu.Lock()
		f.ngen++
		n := f.ngen
		f.mu.Unlock()
		f.answer(w, r, n, d)
	case f.batch != nil && (strings.HasSuffix(p, ":batchGenerateContent") || strings.HasPrefix(p, "/v1beta/batches/")):
		f.batch.serve(f, w, r, body)
	default:
		writeAPIError(w, 404, "NOT_FOUND", "unknown path "+p)
	}
}

// checkInstructions records a problem when person text reached the instructions rather than
// the data block.
func (f *fakeGemini) checkInstructions(gb genBody) {
	var fixed []string
	if gb.SystemInstruction != nil {
		for _, p := range gb.SystemInstruction.Parts {
			fixed = append(fixed, p.Text)
		}
	}
	fixed = append(fixed, gb.Contents[0].Parts[0].Text)
	if t := strings.Join(fixed, "\n"); strings.Contains(t, "HACKED") {
		f.problem("person text reached the instructions: %q", t)
	}
}

// answerGood answers every call with a valid report.
func answerGood(t testing.TB) answerFunc {
	return func(w http.ResponseWriter, r *http.Request, n int, d promptData) {
		writeJSON(w, 200, genResponse(mustJSON(t, goodReport(d))))
	}
}

// answerSlow answers every call with a valid report after delay.
func answerSlow(t testing.TB, delay time.Duration) answerFunc {
	good := answerGood(t)
	return func(w http.ResponseWriter, r *http.Request, n int, d promptData) {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
		good(w, r, n, d)
	}
}

func mustJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// fakeBatch serves one batch job at a time: created, then SUCCEEDED at the first poll with
// inlined answers keyed by the requests' metadata.
type fakeBatch struct {
	answer func(d promptData) map[string]any

	mu      sync.Mutex
	creates int
	reqs    []batchRequest
}

type batchRequest struct {
	Request  genBody           `json:"request"`
	Metadata map[string]string `json:"metadata"`
}

const jobName = "batches/job-1"

func (b *fakeBatch) serve(f *fakeGemini, w http.ResponseWriter, r *http.Request, body []byte) {
	b.mu.Lock()
	defer b.mu.Unlock()
	op := func(state string, answers []any) map[string]any {
		md := map[string]any{"@type": "type.googleapis.com/google.ai.generativelanguage.v1beta.GenerateContentBatch",
			"name": jobName, "model": "models/" + gemini.DefaultModel, "state": state, "createTime": "2026-01-02T03:04:05Z"}
		o := map[string]any{"name": jobName, "metadata": md}
		if answers != nil {
			md["output"] = map[string]any{"inlinedResponses": map[string]any{"inlinedResponses": answers}}
			o["done"] = true
		}
		return o
	}
	switch {
	case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, ":batchGenerateContent"):
		var cb struct {
			Batch struct {
				InputConfig struct {
					Requests struct {
						Requests []batchRequest `json:"requests"`
					} `json:"requests"`
				} `json:"inputConfig"`
			} `json:"batch"`
		}
		if err := json.Unmarshal(body, &cb); err != nil {
			writeAPIError(w, 400, "INVALID_ARGUMENT", err.Error())
			return
		}
		b.creates++
		b.reqs = cb.Batch.InputConfig.Requests.Requests
		writeJSON(w, 200, op("BATCH_STATE_PENDING", nil))
	case r.Method == http.MethodGet && r.URL.Path == "/v1beta/"+jobName:
		var answers []any
		for _, rq := range b.reqs {
			d, err := parsePerson(rq.Request)
			if err != nil {
				f.problem("batch request: %v", err)
			}
			f.checkInstructions(rq.Request)
			a := b.answer(d)
			a["metadata"] = map[string]any{"key": rq.Metadata["key"]}
			answers = append(answers, a)
		}
		writeJSON(w, 200, op("BATCH_STATE_SUCCEEDED", answers))
	default:
		writeAPIError(w, 404, "NOT_FOUND", "unknown batch path "+r.URL.Path)
	}
}

// assertNoKeyIn fails when a file under dir or text contains the key.
func assertNoKeyIn(t testing.TB, text string, dirs ...string) {
	t.Helper()
	if strings.Contains(text, testKey) {
		t.Errorf("the api key appears in the logs")
	}
	for _, dir := range dirs {
		filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Errorf("read %s: %v", path, err)
			} else if bytes.Contains(data, []byte(testKey)) {
				t.Errorf("file %s contains the api key", path)
			}
			return nil
		})
	}
}

// logBuffer collects log output across goroutines.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
