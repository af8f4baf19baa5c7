package geminitest

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
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// KeyHeader is the request header that carries the API key.
const KeyHeader = "x-goog-api-key"

// JobName is the name of the first batch job a Batch creates; the next are batches/job-124,
// batches/job-125 and so on.
const JobName = "batches/job-123"

// Part is one part of a request's content.
type Part struct {
	Text string `json:"text"`
}

// Content is a request's content or system instruction.
type Content struct {
	Role  string `json:"role"`
	Parts []Part `json:"parts"`
}

// Body is the part of a generateContent request body the fake looks at.
type Body struct {
	Contents          []Content       `json:"contents"`
	SystemInstruction *Content        `json:"systemInstruction"`
	GenerationConfig  json.RawMessage `json:"generationConfig"`
}

// Call is one request the fake received.
type Call struct {
	At     time.Time // wall-clock arrival: for logs only, never assert on it (issue 10)
	Method string
	Path   string
	Key    string // the KeyHeader value
	Body   []byte
}

// GenerateFunc answers the n-th (1-based) generateContent call, whose body is body.
type GenerateFunc func(w http.ResponseWriter, r *http.Request, n int, body Body)

// Server is the fake: an httptest server (its URL is the client's BaseURL).
type Server struct {
	*httptest.Server

	// Batch serves the batch paths; nil answers them 404. Set it before the client runs.
	Batch *Batch

	key      string
	generate GenerateFunc

	mu    sync.Mutex
	calls []Call
	ngen  int
}

// New starts a fake that accepts only key and answers generateContent calls with
// generate. It is closed when the test ends.
func New(tb testing.TB, key string, generate GenerateFunc) *Server {
	tb.Helper()
	s := &Server{key: key, generate: generate}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	tb.Cleanup(s.Close)
	return s
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.calls = append(s.calls, Call{At: time.Now(), Method: r.Method, Path: r.URL.Path, Key: r.Header.Get(KeyHeader), Body: body})
	s.mu.Unlock()
	if r.Header.Get(KeyHeader) != s.key {
		WriteError(w, 401, "UNAUTHENTICATED", "missing or wrong api key", nil)
		return
	}
	p := r.URL.Path
	switch {
	case r.Method == http.MethodPost && strings.HasPrefix(p, "/v1beta/models/") && strings.HasSuffix(p, ":generateContent"):
		var b Body
		if err := json.Unmarshal(body, &b); err != nil {
			WriteError(w, 400, "INVALID_ARGUMENT", "bad json: "+err.Error(), nil)
			return
		}
		s.mu.Lock()
		s.ngen++
		n := s.ngen
		s.mu.Unlock()
		s.generate(w, r, n, b)
	case strings.HasPrefix(p, "/v1beta/models/") && strings.HasSuffix(p, ":batchGenerateContent"),
		strings.HasPrefix(p, "/v1beta/batches/"), p == "/v1beta/batches":
		if s.Batch == nil {
			WriteError(w, 404, "NOT_FOUND", "no batch support in this test", nil)
			return
		}
		s.Batch.serve(w, r, body)
	default:
		WriteError(w, 404, "NOT_FOUND", "unknown path "+p, nil)
	}
}

// Calls returns every request received so far.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// GenerateCalls returns the generateContent requests received so far.
func (s *Server) GenerateCalls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if strings.HasSuffix(c.Path, ":generateContent") {
			out = append(out, c)
		}
	}
	return out
}

// GenerateCount returns the number of well-formed generateContent calls handed to the
// GenerateFunc so far.
func (s *Server) GenerateCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ngen
}

// BatchRequest is one inlined request of a batch job.
type BatchRequest struct {
	Request  Body              `json:"request"`
	Metadata map[string]string `json:"metadata"`
}

// batchCreateBody is the request body of models/{m}:batchGenerateContent.
type batchCreateBody struct {
	Batch struct {
		DisplayName string `json:"displayName"`
		InputConfig struct {
			Requests struct {
				Requests []BatchRequest `json:"requests"`
			} `json:"requests"`
		} `json:"inputConfig"`
	} `json:"batch"`
}

// Batch serves batch jobs. Each job is created PENDING, answers Running polls RUNNING, then
// SUCCEEDED with inlined answers (or FAILED); a cancel makes its later polls CANCELLED. The
// first FailGets polls (of any job) are answered 503.
type Batch struct {
	// Model is the model the job must be created for (its name without "models/").
	Model string
	// Running is the number of polls of each job answered RUNNING before the end.
	Running int
	// Fail ends each job FAILED instead of SUCCEEDED.
	Fail bool
	// FailGets is the number of polls answered 503 UNAVAILABLE before any is served.
	FailGets int
	// Metadata makes each answer carry its request's metadata key.
	Metadata bool
	// Reverse gives the answers in reverse request order.
	Reverse bool
	// LoseCreates is the number of job creations whose reply is lost: the job is created, but
	// the client gets 500 INTERNAL (as when a connection drops, or a process is killed, after
	// the server acted).
	LoseCreates int
	// Answer returns the inlined answer to the request whose metadata key is key.
	Answer func(key string, req Body) map[string]any

	mu      sync.Mutex
	jobs    []*batchJob
	gets    int
	failed  int
	cancels []string
	lists   int
}

// batchJob is one job a Batch created.
type batchJob struct {
	name      string
	created   batchCreateBody
	gets      int
	cancelled bool
}

func (b *Batch) job(name string) *batchJob {
	for _, j := range b.jobs {
		if j.name == name {
			return j
		}
	}
	return nil
}

func (b *Batch) serve(w http.ResponseWriter, r *http.Request, body []byte) {
	b.mu.Lock()
	defer b.mu.Unlock()
	p := r.URL.Path
	switch {
	case r.Method == http.MethodPost && strings.HasSuffix(p, ":batchGenerateContent"):
		if want := "/v1beta/models/" + b.Model + ":batchGenerateContent"; p != want {
			WriteError(w, 404, "NOT_FOUND", "create path "+p+"; want "+want, nil)
			return
		}
		j := &batchJob{name: fmt.Sprintf("batches/job-%d", 123+len(b.jobs))}
		if err := json.Unmarshal(body, &j.created); err != nil {
			WriteError(w, 400, "INVALID_ARGUMENT", err.Error(), nil)
			return
		}
		b.jobs = append(b.jobs, j)
		if b.LoseCreates > 0 {
			b.LoseCreates--
			WriteError(w, 500, "INTERNAL", "the reply was lost", nil)
			return
		}
		WriteJSON(w, 200, b.operation(j, "BATCH_STATE_PENDING", nil))
	case r.Method == http.MethodGet && p == "/v1beta/batches": // list, one page
		ops := []any{}
		for _, j := range b.jobs {
			state := "BATCH_STATE_RUNNING"
			if j.cancelled {
				state = "BATCH_STATE_CANCELLED"
			}
			ops = append(ops, b.operation(j, state, nil))
		}
		b.lists++
		WriteJSON(w, 200, map[string]any{"operations": ops})
	case r.Method == http.MethodPost && strings.HasSuffix(p, ":cancel"):
		j := b.job(strings.TrimSuffix(strings.TrimPrefix(p, "/v1beta/"), ":cancel"))
		if j == nil {
			WriteError(w, 404, "NOT_FOUND", "no such batch", nil)
			return
		}
		j.cancelled = true
		b.cancels = append(b.cancels, j.name)
		WriteJSON(w, 200, map[string]any{})
	case r.Method == http.MethodGet:
		j := b.job(strings.TrimPrefix(p, "/v1beta/"))
		if j == nil {
			WriteError(w, 404, "NOT_FOUND", "no such batch", nil)
			return
		}
		if b.failed < b.FailGets {
			b.failed++
			WriteError(w, 503, "UNAVAILABLE", "try again later", nil)
			return
		}
		b.gets++
		j.gets++
		switch {
		case j.cancelled:
			WriteJSON(w, 200, b.operation(j, "BATCH_STATE_CANCELLED", nil))
		case j.gets <= b.Running:
			WriteJSON(w, 200, b.operation(j, "BATCH_STATE_RUNNING", nil))
		case b.Fail:
			WriteJSON(w, 200, b.operation(j, "BATCH_STATE_FAILED", nil))
		default:
			WriteJSON(w, 200, b.operation(j, "BATCH_STATE_SUCCEEDED", b.answers(j)))
		}
	default:
		WriteError(w, 404, "NOT_FOUND", "unknown batch path "+p, nil)
	}
}

// operation is the long-running-operation shape genai reads a BatchJob from.
func (b *Batch) operation(j *batchJob, state string, answers []any) map[string]any {
	md := map[string]any{
		"@type":       "type.googleapis.com/google.ai.generativelanguage.v1beta.GenerateContentBatch",
		"name":        j.name,
		"model":       "models/" + b.Model,
		"displayName": j.created.Batch.DisplayName,
		"state":       state,
		"createTime":  "2026-01-02T03:04:05Z",
	}
	op := map[string]any{"name": j.name, "metadata": md}
	if answers != nil {
		md["output"] = map[string]any{"inlinedResponses": map[string]any{"inlinedResponses": answers}}
		op["done"] = true
	}
	return op
}

func (b *Batch) answers(j *batchJob) []any {
	var out []any
	for _, req := range j.created.Batch.InputConfig.Requests.Requests {
		key := req.Metadata["key"]
		a := b.Answer(key, req.Request)
		if b.Metadata {
			a["metadata"] = map[string]any{"key": key}
		}
		out = append(out, a)
	}
	if b.Reverse {
		slices.Reverse(out)
	}
	return out
}

// Lists returns the number of list requests served.
func (b *Batch) Lists() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.lists
}

// Update runs edit with b locked, to change its settings between (or during) a client's calls.
func (b *Batch) Update(edit func(b *Batch)) {
	b.mu.Lock()
	defer b.mu.Unlock()
	edit(b)
}

// Requests returns the inlined requests of the last job created.
func (b *Batch) Requests() []BatchRequest {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.jobs) == 0 {
		return nil
	}
	return append([]BatchRequest(nil), b.jobs[len(b.jobs)-1].created.Batch.InputConfig.Requests.Requests...)
}

// Creates returns the number of jobs created.
func (b *Batch) Creates() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.jobs)
}

// Gets returns the number of polls served (not those answered 503), of all jobs.
func (b *Batch) Gets() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.gets
}

// Cancelled reports whether a job was cancelled.
func (b *Batch) Cancelled() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.cancels) > 0
}

// Cancels returns the names of the jobs cancelled, in order.
func (b *Batch) Cancels() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.cancels...)
}

// Response is a generateContent answer carrying text, with 120 prompt and 300 candidate
// tokens.
func Response(text string) map[string]any {
	return map[string]any{
		"candidates": []any{map[string]any{
			"content":      map[string]any{"role": "model", "parts": []any{map[string]any{"text": text}}},
			"finishReason": "STOP",
		}},
		"usageMetadata": map[string]any{"promptTokenCount": 120, "candidatesTokenCount": 300, "totalTokenCount": 420},
	}
}

// WriteJSON writes v as a JSON reply with status code.
func WriteJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

// WriteError writes a Google API error reply; details are left out when nil.
func WriteError(w http.ResponseWriter, code int, status, msg string, details []any) {
	e := map[string]any{"code": code, "message": msg, "status": status}
	if details != nil {
		e["details"] = details
	}
	WriteJSON(w, code, map[string]any{"error": e})
}

// MustJSON returns v marshalled, failing the test if it cannot be.
func MustJSON(tb testing.TB, v any) string {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// CheckNoKeyInFiles fails the test for every file under dirs that contains key.
func CheckNoKeyInFiles(tb testing.TB, key string, dirs ...string) {
	tb.Helper()
	for _, dir := range dirs {
		filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data, err := os.ReadFile(path)
			if err != nil {
				tb.Errorf("read %s: %v", path, err)
			} else if bytes.Contains(data, []byte(key)) {
				tb.Errorf("file %s contains the api key", path)
			}
			return nil
		})
	}
}

// LogBuffer collects log output safely across goroutines.
type LogBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p to the buffer.
func (l *LogBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// String returns everything written so far.
func (l *LogBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
