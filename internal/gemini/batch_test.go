package gemini

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/skillx/skillx/internal/gemini/geminitest"
)

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
			for _, rq := range f.srv.Batch.Requests() {
				sent = append(sent, rq.Metadata["key"])
				if rq.Request.SystemInstruction == nil || !strings.Contains(string(rq.Request.GenerationConfig), `"responseSchema"`) {
					t.Errorf("inlined request %s lacks the system instruction or the schema", rq.Metadata["key"])
				}
			}
			if want := []string{"ok-1", "bad-reply", "ok-2", "failed"}; !slices.Equal(sent, want) {
				t.Errorf("sent %q; want %q (invalid and cached requests stay home)", sent, want)
			}
			if got, want := f.srv.Batch.Gets(), 3; got != want {
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
	f.srv.Batch = &geminitest.Batch{Model: DefaultModel, Running: 1, Fail: true}
	c := newClient(t, f, nil)
	res, err := c.RecommendBatch(context.Background(), []Request{testRequest("u1"), testRequest("u2")}, time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), "JOB_STATE_FAILED") {
		t.Fatalf("RecommendBatch = %v, %v; want an error naming the failed state", res, err)
	}
	assertNoKey(t, err)
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
	_, err := c.RecommendBatch(ctx, []Request{testRequest("u1")}, time.Hour)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("RecommendBatch error = %v; want the context's error", err)
	}
	if got := f.srv.Batch.Gets(); got != 2 {
		t.Errorf("polled %d times; want 2 before the context ended", got)
	}
	if !f.srv.Batch.Cancelled() {
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
