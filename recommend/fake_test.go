package recommend

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/skillx/skillx/internal/gemini"
	"github.com/skillx/skillx/internal/gemini/geminitest"
	"github.com/skillx/skillx/internal/report"
)

// The fake Gemini server is internal/gemini/geminitest's, with the checks below.

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
	PredictedRoles []report.Candidate `json:"predicted_roles"`
}

// genBody is the part of a generateContent request the fake reads.
type genBody = geminitest.Body

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
func goodReport(d promptData) *report.Report {
	rep := &report.Report{}
	var discarded []string
	for i, c := range d.PredictedRoles {
		if i < 3 {
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
		Role: role, Provenance: p,
		JobDescription:   role + " does useful work. It needs care.",
		MatchSummary:     "The skills fit reasonably well.",
		SkillApplication: "The skills apply daily. They help a lot. They are used in reports.",
		Development:      []string{"Learn more statistics", "Build a portfolio"},
	}
	levels := []report.MatchLevel{report.Strong, report.Medium, report.Weak}
	for i, s := range d.Skills {
		rr.SkillMatches = append(rr.SkillMatches, report.SkillMatch{Skill: s, Match: levels[i%3], Justification: "Because it matters."})
	}
	return rr
}

var (
	genResponse = geminitest.Response
	writeJSON   = geminitest.WriteJSON
	mustJSON    = geminitest.MustJSON
)

func writeAPIError(w http.ResponseWriter, code int, status, msg string) {
	geminitest.WriteError(w, code, status, msg, nil)
}

// answerFunc answers one generateContent call (n counts them from 1).
type answerFunc func(w http.ResponseWriter, r *http.Request, n int, d promptData)

// fakeGemini is the shared fake server (package geminitest) with this package's checks:
// every request must carry a well-formed data block, and no person text may reach the
// instructions.
type fakeGemini struct {
	srv *geminitest.Server

	mu       sync.Mutex
	problems []string // requests that were not as they should be
}

func newFake(t testing.TB, answer answerFunc) *fakeGemini {
	t.Helper()
	f := &fakeGemini{}
	f.srv = geminitest.New(t, testKey, func(w http.ResponseWriter, r *http.Request, n int, gb genBody) {
		d, err := parsePerson(gb)
		if err != nil {
			f.problem("%v", err)
			writeAPIError(w, 400, "INVALID_ARGUMENT", err.Error())
			return
		}
		f.checkInstructions(gb)
		answer(w, r, n, d)
	})
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
func (f *fakeGemini) calls() int { return f.srv.GenerateCount() }

// serveBatch makes f serve one batch job, answered at the first poll by answer with
// inlined answers keyed by the requests' metadata, and returns it.
func (f *fakeGemini) serveBatch(answer func(d promptData) map[string]any) *geminitest.Batch {
	f.srv.Batch = &geminitest.Batch{Model: gemini.DefaultModel, Metadata: true,
		Answer: func(key string, req genBody) map[string]any {
			d, err := parsePerson(req)
			if err != nil {
				f.problem("batch request: %v", err)
			}
			f.checkInstructions(req)
			return answer(d)
		}}
	return f.srv.Batch
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

// assertNoKeyIn fails when a file under dir or text contains the key.
func assertNoKeyIn(t testing.TB, text string, dirs ...string) {
	t.Helper()
	if strings.Contains(text, testKey) {
		t.Errorf("the api key appears in the logs")
	}
	geminitest.CheckNoKeyInFiles(t, testKey, dirs...)
}

// logBuffer collects log output across goroutines.
type logBuffer = geminitest.LogBuffer
