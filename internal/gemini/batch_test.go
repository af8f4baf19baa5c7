package gemini

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// batchCreateBody is the request body of models/{m}:batchGenerateContent.
type batchCreateBody struct {
	Batch struct {
		DisplayName string `json:"displayName"`
		InputConfig struct {
			Requests struct {
				Requests []struct {
					Request  genBody           `json:"request"`
					Metadata map[string]string `json:"metadata"`
				} `json:"requests"`
			} `json:"requests"`
		} `json:"inputConfig"`
	} `json:"batch"`
}

// fakeBatch is one batch job's lifecycle: created PENDING, RUNNING for running polls, then
// SUCCEEDED with inlined answers (or FAILED).
type fakeBatch struct {
	t        *testing.T
	running  int  // GETs answered RUNNING before the end
	fail     bool // end FAILED instead of SUCCEEDED
	metadata bool // answers carry the request metadata, in reverse order; otherwise request order
	answer   func(key string, d promptData) map[string]any

	mu        sync.Mutex
	created   *batchCreateBody
	gets      int
	cancelled bool
}

const jobName = "batches/job-123"

func (b *fakeBatch) serve(w http.ResponseWriter, r *http.Request, body []byte) {
	b.mu.Lock()
	defer b.mu.Unlock()
	p := r.URL.Path
	switch {
	case r.Method == http.MethodPost && strings.HasSuffix(p, ":batchGenerateContent"):
		if want := "/v1beta/models/" + DefaultModel + ":batchGenerateContent"; p != want {
			writeAPIError(w, 404, "NOT_FOUND", "create path "+p+"; want "+want, nil)
			return
		}
		var cb batchCreateBody
		if err := json.Unmarshal(body, &cb); err != nil {
			writeAPIError(w, 400, "INVALID_ARGUMENT", err.Error(), nil)
			return
		}
		b.created = &cb
		writeJSON(w, 200, b.operation("BATCH_STATE_PENDING", nil))
	case r.Method == http.MethodPost && p == "/v1beta/"+jobName+":cancel":
		b.cancelled = true
		writeJSON(w, 200, map[string]any{})
	case r.Method == http.MethodGet && p == "/v1beta/"+jobName:
		if b.created == nil {
			writeAPIError(w, 404, "NOT_FOUND", "no such batch", nil)
			return
		}
		b.gets++
		switch {
		case b.cancelled:
			writeJSON(w, 200, b.operation("BATCH_STATE_CANCELLED", nil))
		case b.gets <= b.running:
			writeJSON(w, 200, b.operation("BATCH_STATE_RUNNING", nil))
		case b.fail:
			writeJSON(w, 200, b.operation("BATCH_STATE_FAILED", nil))
		default:
			writeJSON(w, 200, b.operation("BATCH_STATE_SUCCEEDED", b.answers()))
		}
	default:
		writeAPIError(w, 404, "NOT_FOUND", "unknown batch path "+p, nil)
	}
}

// operation is the long-running-operation shape genai reads a BatchJob from.
func (b *fakeBatch) operation(state string, answers []any) map[string]any {
	md := map[string]any{
		"@type":       "type.googleapis.com/google.ai.generativelanguage.v1beta.GenerateContentBatch",
		"name":        jobName,
		"model":       "models/" + DefaultModel,
		"displayName": b.created.Batch.DisplayName,
		"state":       state,
		"createTime":  "2026-01-02T03:04:05Z",
	}
	op := map[string]any{"name": jobName, "metadata": md}
	if answers != nil {
		md["output"] = map[string]any{"inlinedResponses": map[string]any{"inlinedResponses": answers}}
		op["done"] = true
	}
	return op
}

func (b *fakeBatch) answers() []any {
	var out []any
	for _, req := range b.created.Batch.InputConfig.Requests.Requests {
		key := req.Metadata["key"]
		a := b.answer(key, person(b.t, req.Request))
		if b.metadata {
			a["metadata"] = map[string]any{"key": key}
		}
		out = append(out, a)
	}
	if b.metadata {
		slices.Reverse(out)
	}
	return out
}

func TestRecommendBatchLifecycle(t *testing.T) {
	for _, withMetadata := range []bool{false, true} {
		name := "answers in request order"
		if withMetadata {
			name = "answers keyed by metadata"
		}
		t.Run(name, func(t *testing.T) {
			f := newFake(t, answerGood(t))
			f.batch = &fakeBatch{t: t, running: 2, metadata: withMetadata,
				answer: func(key string, d promptData) map[string]any {
					switch key {
					case "bad-reply":
						rep := goodReport(d)
						rep.Roles = rep.Roles[:4]
						return map[string]any{"response": genResponse(mustJSON(t, rep))}
					case "failed":
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
			ok1, ok2 := testRequest("ok-1"), testRequest("ok-2")
			ok2.Skills = []string{"Negotiation", "CRM"}
			reqs := []Request{ok1, invalid, cachedReq, testRequest("bad-reply"), ok2, testRequest("failed")}

			res, err := c.RecommendBatch(context.Background(), reqs, 5*time.Millisecond)
			if err != nil {
				t.Fatalf("RecommendBatch: %v", err)
			}
			if len(res) != len(reqs) {
				t.Errorf("got %d results; want %d", len(res), len(reqs))
			}

			var sent []string
			for _, rq := range f.batch.created.Batch.InputConfig.Requests.Requests {
				sent = append(sent, rq.Metadata["key"])
				if rq.Request.SystemInstruction == nil || !strings.Contains(string(rq.Request.GenerationConfig), `"responseSchema"`) {
					t.Errorf("inlined request %s lacks the system instruction or the schema", rq.Metadata["key"])
				}
			}
			if want := []string{"ok-1", "bad-reply", "ok-2", "failed"}; !slices.Equal(sent, want) {
				t.Errorf("sent %q; want %q (invalid and cached requests stay home)", sent, want)
			}
			if got, want := f.batch.gets, 3; got != want {
				t.Errorf("polled %d times; want %d (2 running, then done)", got, want)
			}

			for _, id := range []string{"ok-1", "ok-2"} {
				r := res[id]
				if r.Err != nil || r.Report == nil || len(r.Report.Roles) != NumRoles {
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

func TestRecommendBatchFailedJob(t *testing.T) {
	f := newFake(t, answerGood(t))
	f.batch = &fakeBatch{t: t, running: 1, fail: true}
	c := newClient(t, f, nil)
	res, err := c.RecommendBatch(context.Background(), []Request{testRequest("u1"), testRequest("u2")}, time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), "JOB_STATE_FAILED") {
		t.Fatalf("RecommendBatch = %v, %v; want an error naming the failed state", res, err)
	}
	assertNoKey(t, err)
}

func TestRecommendBatchCancelledContext(t *testing.T) {
	f := newFake(t, answerGood(t))
	f.batch = &fakeBatch{t: t, running: 1 << 30}
	c := newClient(t, f, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := c.RecommendBatch(ctx, []Request{testRequest("u1")}, 5*time.Millisecond)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("RecommendBatch error = %v; want the context's error", err)
	}
	f.batch.mu.Lock()
	defer f.batch.mu.Unlock()
	if !f.batch.cancelled {
		t.Errorf("the job was not cancelled when the context ended")
	}
}

func TestRecommendBatchInputErrors(t *testing.T) {
	f := newFake(t, answerGood(t))
	c := newClient(t, f, nil)
	tests := []struct {
		name string
		reqs []Request
		want string
	}{
		{"duplicate id", []Request{testRequest("a"), testRequest("a")}, `user id "a" appears twice`},
		{"no id", []Request{testRequest("")}, "request 1 has no user id"},
	}
	for _, tt := range tests {
		if _, err := c.RecommendBatch(context.Background(), tt.reqs, time.Millisecond); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v; want %q", tt.name, err, tt.want)
		}
	}
	if got := len(f.allCalls()); got != 0 {
		t.Errorf("server got %d calls; want none", got)
	}
	// Nothing to send: no job.
	res, err := c.RecommendBatch(context.Background(), nil, time.Millisecond)
	if err != nil || len(res) != 0 {
		t.Errorf("empty batch = %v, %v; want an empty map", res, err)
	}
}
