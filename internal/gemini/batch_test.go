package gemini

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/skillx/skillx/internal/gemini/geminitest"
	"github.com/skillx/skillx/internal/report"
)

// roleRequest is testRequest with its own current role, so that each id has its own prompt.
func roleRequest(id, role string) report.Request {
	r := testRequest(id)
	r.CurrentRole = role
	return r
}

func TestRecommendBatchLifecycle(t *testing.T) {
	for _, withMetadata := range []bool{false, true} {
		name := "answers in request order"
		if withMetadata {
			name = "answers keyed by metadata"
		}
		t.Run(name, func(t *testing.T) {
			f := newFake(t, answerGood(t))
			f.srv.Batch = &geminitest.Batch{Model: DefaultModel, Running: 2, Metadata: withMetadata, Reverse: withMetadata,
				Answer: func(key string, req genBody) map[string]any {
					d := person(t, req)
					switch d.CurrentRole {
					case "Bad Reply":
						rep := goodReport(d)
						rep.Roles = rep.Roles[:4]
						return map[string]any{"response": genResponse(mustJSON(t, rep))}
					case "Failed":
						return map[string]any{"error": map[string]any{"code": 500, "message": "internal error for " + testKey}}
					}
					return map[string]any{"response": genResponse(mustJSON(t, goodReport(d)))}
				}}
			dir := t.TempDir()
			c := newClient(t, f, func(cfg *Config) { cfg.CacheDir = dir })

			cachedReq := testRequest("cached")
			cachedReq.Skills = []string{"Go", "Docker"}
			if _, _, err := c.Recommend(context.Background(), cachedReq); err != nil {
				t.Fatalf("priming the cache: %v", err)
			}
			invalid := testRequest("invalid")
			invalid.Candidates = invalid.Candidates[:4]
			ok1, ok2 := roleRequest("ok-1", "Data Analyst"), roleRequest("ok-2", "Sales Rep")
			ok2.Skills = []string{"Negotiation", "CRM"}
			bad, failed := roleRequest("bad-reply", "Bad Reply"), roleRequest("failed", "Failed")
			reqs := []report.Request{ok1, invalid, cachedReq, bad, ok2, failed}

			res, err := c.RecommendBatch(context.Background(), reqs, BatchOptions{Poll: 5 * time.Millisecond})
			if err != nil {
				t.Fatalf("RecommendBatch: %v", err)
			}
			if len(res) != len(reqs) {
				t.Errorf("got %d results; want %d", len(res), len(reqs))
			}

			var sent []string
			for _, rq := range f.srv.Batch.Requests() {
				sent = append(sent, rq.Metadata["key"])
				if rq.Request.SystemInstruction == nil || !strings.Contains(string(rq.Request.GenerationConfig), `"responseSchema"`) {
					t.Errorf("inlined request %s lacks the system instruction or the schema", rq.Metadata["key"])
				}
			}
			var want []string
			for _, r := range []report.Request{ok1, bad, ok2, failed} {
				want = append(want, PromptHash(r, DefaultModel))
			}
			if !slices.Equal(sent, want) {
				t.Errorf("sent keys %q; want the prompt hashes of ok-1, bad-reply, ok-2, failed (invalid and cached requests stay home)", sent)
			}
			if got, want := f.srv.Batch.Gets(), 3; got != want {
				t.Errorf("polled %d times; want %d (2 running, then done)", got, want)
			}

			for _, id := range []string{"ok-1", "ok-2"} {
				r := res[id]
				if r.Err != nil || r.Report == nil || len(r.Report.Roles) != report.NumRoles {
					t.Errorf("%s: result %+v; want a report", id, r)
					continue
				}
				if r.Usage.PromptTokens != 120 || r.Usage.Attempts != 1 {
					t.Errorf("%s: usage %+v; want the answer's tokens", id, r.Usage)
				}
			}
			if got := res["ok-2"].Report.Roles[0].SkillMatches[0].Skill; got != "Negotiation" {
				t.Errorf("ok-2 got skill %q; answers were mapped to the wrong user", got)
			}
			if r := res["cached"]; r.Err != nil || !r.Usage.Cached {
				t.Errorf("cached: %+v; want the cached report", r)
			}
			if r := res["invalid"]; !errors.Is(r.Err, ErrInvalidRequest) {
				t.Errorf("invalid: error %v; want ErrInvalidRequest", r.Err)
			}
			var re *ReplyError
			if r := res["bad-reply"]; !errors.As(r.Err, &re) || !strings.Contains(r.Err.Error(), "got 4 roles") {
				t.Errorf("bad-reply: error %v; want a *ReplyError about 4 roles", r.Err)
			}
			// An invalid answer was billed: its tokens are counted.
			if u := res["bad-reply"].Usage; u.PromptTokens != 120 || u.OutputTokens != 330 {
				t.Errorf("bad-reply usage %+v; want the billed 120 + 330 tokens", u)
			}
			var ae *APIError
			if r := res["failed"]; !errors.As(r.Err, &ae) || ae.Code != 500 {
				t.Errorf("failed: error %v; want an *APIError with code 500", r.Err)
			}
			for _, r := range res {
				assertNoKey(t, r.Err)
			}

			// The batch's good answers are cached: Recommend does not ask again.
			before := len(f.genCalls())
			if _, u, err := c.Recommend(context.Background(), ok1); err != nil || !u.Cached || len(f.genCalls()) != before {
				t.Errorf("ok-1 after the batch: cached %v, err %v; want a cache hit", u.Cached, err)
			}
		})
	}
}

// TestRecommendBatchSharedPrompts sends 6 people with 2 distinct prompts: the job has 2
// requests, every person gets a report, and the tokens are counted once per request.
func TestRecommendBatchSharedPrompts(t *testing.T) {
	f := newFake(t, answerGood(t))
	f.srv.Batch = &geminitest.Batch{Model: DefaultModel, Metadata: true,
		Answer: func(key string, req genBody) map[string]any {
			return map[string]any{"response": genResponse(mustJSON(t, goodReport(person(t, req))))}
		}}
	c := newClient(t, f, nil)
	var reqs []report.Request
	for i, id := range []string{"a1", "b1", "a2", "a3", "b2", "b3"} {
		r := roleRequest(id, "Data Analyst")
		if i == 1 || i >= 4 {
			r.CurrentRole = "Nurse"
		}
		reqs = append(reqs, r)
	}
	// The probabilities Gemini sees are rounded: these two differ only past the 4th digit.
	reqs[2].Candidates[0].Probability += 1e-7
	res, err := c.RecommendBatch(context.Background(), reqs, BatchOptions{Poll: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(f.srv.Batch.Requests()); n != 2 {
		t.Errorf("the job has %d requests; want 2 (one per distinct prompt)", n)
	}
	prompt, output, attempts := 0, 0, 0
	for _, r := range reqs {
		got := res[r.UserID]
		if got.Err != nil || got.Report == nil {
			t.Errorf("%s: %v; want a report", r.UserID, got.Err)
			continue
		}
		if p := got.Report.Roles[0].Provenance.Probability; p != r.Candidates[0].Probability {
			t.Errorf("%s: kept role's probability %v; want its own %v", r.UserID, p, r.Candidates[0].Probability)
		}
		prompt += got.Usage.PromptTokens
		output += got.Usage.OutputTokens
		attempts += got.Usage.Attempts
	}
	if prompt != 2*120 || output != 2*330 || attempts != 2 {
		t.Errorf("tokens %d + %d in %d attempts; want %d + %d in 2 (what was billed)", prompt, output, attempts, 2*120, 2*330)
	}
	if !res["a2"].Usage.Cached || res["a1"].Usage.Cached {
		t.Errorf("a1 cached %v, a2 cached %v; want the first of a prompt billed and the others shared", res["a1"].Usage.Cached, res["a2"].Usage.Cached)
	}
}

// TestRecommendBatchResume: polling fails for good while the job runs (as if the run were
// killed); the job's name is kept, and the next call for the same people resumes that job
// instead of paying for a new one. A call for other people then cancels a saved job.
func TestRecommendBatchResume(t *testing.T) {
	f := newFake(t, answerGood(t))
	f.srv.Batch = &geminitest.Batch{Model: DefaultModel, Running: 1, Metadata: true, FailGets: 3,
		Answer: func(key string, req genBody) map[string]any {
			return map[string]any{"response": genResponse(mustJSON(t, goodReport(person(t, req))))}
		}}
	c := newClient(t, f, func(cfg *Config) { cfg.MaxRetries = 2 })
	state := filepath.Join(t.TempDir(), "batch", "job.json")
	if err := os.MkdirAll(filepath.Dir(state), 0o755); err != nil {
		t.Fatal(err)
	}
	opts := BatchOptions{Poll: time.Millisecond, StateFile: state}
	reqs := []report.Request{roleRequest("u1", "Data Analyst"), roleRequest("u2", "Nurse")}

	_, err := c.RecommendBatch(context.Background(), reqs, opts)
	if err == nil || !strings.Contains(err.Error(), "a rerun with the same people resumes it") {
		t.Fatalf("RecommendBatch with failing polls = %v; want a poll error saying a rerun resumes the job", err)
	}
	saved, rerr := os.ReadFile(state)
	if rerr != nil || !strings.Contains(string(saved), geminitest.JobName) {
		t.Fatalf("state file %s = %q, %v; want the job's name", state, saved, rerr)
	}

	res, err := c.RecommendBatch(context.Background(), reqs, opts)
	if err != nil {
		t.Fatalf("resumed RecommendBatch: %v", err)
	}
	if got := f.srv.Batch.Creates(); got != 1 {
		t.Errorf("%d jobs created; want 1 (the rerun resumes the saved job)", got)
	}
	for _, r := range reqs {
		if res[r.UserID].Err != nil || res[r.UserID].Usage.PromptTokens != 120 {
			t.Errorf("%s after the resume: %+v; want a report with its tokens", r.UserID, res[r.UserID])
		}
	}
	if _, err := os.Stat(state); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("state file after the job's answers were cached: %v; want it removed", err)
	}

	// A job saved for other people is cancelled, and a new one created.
	f.srv.Batch.Update(func(b *geminitest.Batch) { b.FailGets, b.Running = 6, 5 }) // the next job's polls fail: it is saved
	if _, err := c.RecommendBatch(context.Background(), []report.Request{roleRequest("u3", "Chef")}, opts); err == nil {
		t.Fatal("RecommendBatch with failing polls: no error")
	}
	f.srv.Batch.Update(func(b *geminitest.Batch) { b.FailGets = 0 })
	res, err = c.RecommendBatch(context.Background(), []report.Request{roleRequest("u4", "Pilot")}, opts)
	if err != nil || res["u4"].Err != nil {
		t.Fatalf("RecommendBatch for other people = %+v, %v", res, err)
	}
	if got, cancels := f.srv.Batch.Creates(), f.srv.Batch.Cancels(); got != 3 || !slices.Equal(cancels, []string{"batches/job-124"}) {
		t.Errorf("%d jobs created, cancelled %q; want 3 and the saved job batches/job-124 cancelled", got, cancels)
	}
}

// TestRecommendBatchLostCreate: the job is created but its name never reaches the client (a
// kill, a dropped connection): the rerun finds it by the display name saved before the
// creation and resumes it, paying for one job; a job that was never created is looked for
// and then created.
func TestRecommendBatchLostCreate(t *testing.T) {
	f := newFake(t, answerGood(t))
	f.srv.Batch = &geminitest.Batch{Model: DefaultModel, Metadata: true, LoseCreates: 1,
		Answer: func(key string, req genBody) map[string]any {
			return map[string]any{"response": genResponse(mustJSON(t, goodReport(person(t, req))))}
		}}
	c := newClient(t, f, nil)
	state := filepath.Join(t.TempDir(), "job.json")
	opts := BatchOptions{Poll: time.Millisecond, StateFile: state}
	reqs := []report.Request{roleRequest("u1", "Data Analyst"), roleRequest("u2", "Nurse")}

	if _, err := c.RecommendBatch(context.Background(), reqs, opts); err == nil {
		t.Fatal("RecommendBatch whose creation reply is lost: no error")
	}
	saved, err := os.ReadFile(state)
	if err != nil || !strings.Contains(string(saved), `"display_name": "skillx-recommend-2-`) || strings.Contains(string(saved), geminitest.JobName) {
		t.Fatalf("state after the lost reply = %q, %v; want the display name and no job name", saved, err)
	}
	res, err := c.RecommendBatch(context.Background(), reqs, opts)
	if err != nil {
		t.Fatalf("rerun: %v", err)
	}
	if creates, lists := f.srv.Batch.Creates(), f.srv.Batch.Lists(); creates != 1 || lists != 1 {
		t.Errorf("%d jobs created, %d lists; want the lost job found by one list and resumed, none created", creates, lists)
	}
	for _, r := range reqs {
		if res[r.UserID].Err != nil || res[r.UserID].Report == nil {
			t.Errorf("%s after the resume: %+v; want a report", r.UserID, res[r.UserID])
		}
	}

	// A creation that never reached the server: the rerun looks for it, then creates one.
	pending := `{"job": "", "display_name": "skillx-recommend-1-000000000000-deadbeef", "model": "` + DefaultModel + `", "inputs": "x"}`
	if err := os.WriteFile(state, []byte(pending), 0o644); err != nil {
		t.Fatal(err)
	}
	if res, err := c.RecommendBatch(context.Background(), []report.Request{roleRequest("u3", "Chef")}, opts); err != nil || res["u3"].Err != nil {
		t.Fatalf("RecommendBatch after a creation that never happened = %+v, %v", res, err)
	}
	if creates, lists := f.srv.Batch.Creates(), f.srv.Batch.Lists(); creates != 2 || lists != 2 {
		t.Errorf("%d jobs created, %d lists; want 2 and 2", creates, lists)
	}
}

func TestRecommendBatchFailedJob(t *testing.T) {
	f := newFake(t, answerGood(t))
	f.srv.Batch = &geminitest.Batch{Model: DefaultModel, Running: 1, Fail: true}
	c := newClient(t, f, nil)
	state := filepath.Join(t.TempDir(), "job.json")
	res, err := c.RecommendBatch(context.Background(), []report.Request{roleRequest("u1", "Nurse"), testRequest("u2")}, BatchOptions{Poll: time.Millisecond, StateFile: state})
	if err == nil || !strings.Contains(err.Error(), "JOB_STATE_FAILED") {
		t.Fatalf("RecommendBatch = %v, %v; want an error naming the failed state", res, err)
	}
	assertNoKey(t, err)
	if _, err := os.Stat(state); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("state file of a failed job: %v; want it removed (nothing to resume)", err)
	}
}

func TestRecommendBatchCancelledContext(t *testing.T) {
	f := newFake(t, answerGood(t))
	f.srv.Batch = &geminitest.Batch{Model: DefaultModel, Running: 1 << 30}
	c := newClient(t, f, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// The caller gives up during the third (hour-long) wait between polls, once the job has
	// been created and polled twice: an event, not a point in time, so a slow machine
	// cannot end the context before the job exists. The first two waits are skipped.
	polls := 0
	c.sleep = func(ctx context.Context, d time.Duration) error {
		if polls++; polls < 3 {
			return ctx.Err()
		}
		go cancel()
		return sleepCtx(ctx, d) // returns when the context ends, not in an hour
	}
	state := filepath.Join(t.TempDir(), "job.json")
	_, err := c.RecommendBatch(ctx, []report.Request{testRequest("u1")}, BatchOptions{Poll: time.Hour, StateFile: state})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("RecommendBatch error = %v; want the context's error", err)
	}
	if got := f.srv.Batch.Gets(); got != 2 {
		t.Errorf("polled %d times; want 2 before the context ended", got)
	}
	if !f.srv.Batch.Cancelled() {
		t.Errorf("the job was not cancelled when the context ended")
	}
	if _, err := os.Stat(state); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("state file of a cancelled job: %v; want it removed", err)
	}
}

func TestRecommendBatchInputErrors(t *testing.T) {
	f := newFake(t, answerGood(t))
	c := newClient(t, f, nil)
	tests := []struct {
		name string
		reqs []report.Request
		want string
	}{
		{"duplicate id", []report.Request{testRequest("a"), testRequest("a")}, `user id "a" appears twice`},
		{"no id", []report.Request{testRequest("")}, "request 1 has no user id"},
	}
	for _, tt := range tests {
		if _, err := c.RecommendBatch(context.Background(), tt.reqs, BatchOptions{Poll: time.Millisecond}); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v; want %q", tt.name, err, tt.want)
		}
	}
	if got := len(f.allCalls()); got != 0 {
		t.Errorf("server got %d calls; want none", got)
	}
	// Nothing to send: no job.
	res, err := c.RecommendBatch(context.Background(), nil, BatchOptions{Poll: time.Millisecond})
	if err != nil || len(res) != 0 {
		t.Errorf("empty batch = %v, %v; want an empty map", res, err)
	}
}
