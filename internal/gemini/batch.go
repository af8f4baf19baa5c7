package gemini

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"google.golang.org/genai"
)

// DefaultPoll is RecommendBatch's polling interval when poll <= 0.
const DefaultPoll = 30 * time.Second

// batchKey is the metadata key under which each inlined request carries its user id.
const batchKey = "key"

// BatchResult is the outcome for one person of RecommendBatch.
type BatchResult struct {
	// Report is the validated report, nil when Err is set.
	Report *Report
	// Usage is what the answer cost (Cached for a cached report; Latency is the whole batch's).
	Usage Usage
	// Err wraps ErrInvalidRequest, *APIError (the request failed inside the batch) or
	// *ReplyError (the answer was invalid; batches are not retried, so send these people
	// through Recommend).
	Err error
}

// RecommendBatch asks for the reports of many people through the Gemini Batch API: one job
// with inlined requests keyed by user id, polled every poll until it ends. Invalid requests
// and cached reports are answered without being sent; every answer is validated like
// Recommend's and cached. The map has one entry per request, keyed by user id. The error is
// for the call as a whole (duplicate user ids, the job could not be created or polled, or it
// ended failed, cancelled or expired); if ctx ends while polling, the job is cancelled.
//
// The Batch API limits inlined requests to about 20 MB per job: send at most a few thousand
// people per call.
func (c *Client) RecommendBatch(ctx context.Context, reqs []Request, poll time.Duration) (map[string]BatchResult, error) {
	start := time.Now()
	if poll <= 0 {
		poll = DefaultPoll
	}
	results := make(map[string]BatchResult, len(reqs))
	seen := make(map[string]bool, len(reqs))
	for i, r := range reqs {
		if r.UserID == "" {
			return nil, fmt.Errorf("gemini batch: request %d has no user id", i+1)
		}
		if seen[r.UserID] {
			return nil, fmt.Errorf("gemini batch: user id %q appears twice; ids key the answers", r.UserID)
		}
		seen[r.UserID] = true
	}

	var pending []Request
	for _, r := range reqs {
		if err := r.validate(); err != nil {
			results[r.UserID] = BatchResult{Err: c.rd.err(err)}
			continue
		}
		if rep, ok := c.cacheGet(r, PromptHash(r, c.model)); ok {
			results[r.UserID] = BatchResult{Report: rep, Usage: Usage{Cached: true}}
			continue
		}
		pending = append(pending, r)
	}
	if len(pending) == 0 {
		return results, nil
	}

	job, err := c.createBatch(ctx, pending)
	if err != nil {
		return nil, c.rd.err(err)
	}
	job, err = c.pollBatch(ctx, job, poll)
	if err != nil {
		return nil, c.rd.err(err)
	}
	switch job.State {
	case genai.JobStateSucceeded, genai.JobStatePartiallySucceeded:
	default:
		return nil, fmt.Errorf("gemini batch job %s ended in state %s", job.Name, job.State)
	}
	if job.Dest == nil || len(job.Dest.InlinedResponses) == 0 {
		return nil, fmt.Errorf("gemini batch job %s succeeded without inlined responses", job.Name)
	}

	byID := make(map[string]Request, len(pending))
	for _, r := range pending {
		byID[r.UserID] = r
	}
	latency := time.Since(start)
	for i, ir := range job.Dest.InlinedResponses {
		if ir == nil {
			continue
		}
		// Answers carry the request's metadata when the API returns it; otherwise they come in
		// request order.
		id := ir.Metadata[batchKey]
		if id == "" && i < len(pending) {
			id = pending[i].UserID
		}
		r, ok := byID[id]
		if !ok {
			c.log.Warn("gemini batch answer for an unknown user ignored", "job", job.Name, "index", i, "user", id)
			continue
		}
		if _, dup := results[id]; dup {
			c.log.Warn("gemini batch answered a user twice; the first answer is kept", "job", job.Name, "user", id)
			continue
		}
		res := c.batchAnswer(r, ir)
		res.Usage.Latency = latency
		results[id] = res
	}
	for _, r := range pending {
		if _, ok := results[r.UserID]; !ok {
			results[r.UserID] = BatchResult{
				Usage: Usage{Latency: latency, Attempts: 1},
				Err:   fmt.Errorf("gemini batch job %s returned no answer for user %q", job.Name, r.UserID),
			}
		}
	}
	return results, nil
}

// batchAnswer validates and caches one inlined answer.
func (c *Client) batchAnswer(r Request, ir *genai.InlinedResponse) BatchResult {
	res := BatchResult{Usage: Usage{Attempts: 1}}
	where := fmt.Sprintf("gemini batch answer for user %q", r.UserID)
	if ir.Error != nil {
		ae := &APIError{Message: c.rd.str(ir.Error.Message)}
		if ir.Error.Code != nil {
			ae.Code = int(*ir.Error.Code)
		}
		res.Err = fmt.Errorf("%s: %w", where, ae)
		return res
	}
	if ir.Response == nil {
		res.Err = fmt.Errorf("%s: %w", where, &ReplyError{Problems: []string{"answer has neither a response nor an error"}})
		return res
	}
	pt, ot := tokens(ir.Response)
	res.Usage.PromptTokens, res.Usage.OutputTokens = pt, ot
	rep, err := c.reportFrom(r, ir.Response)
	if err != nil {
		res.Err = c.rd.err(fmt.Errorf("%s: %w", where, err))
		return res
	}
	c.cachePut(r, PromptHash(r, c.model), rep, pt, ot)
	res.Report = rep
	return res
}

// createBatch creates the job. Only 429 is retried: after any other failure the job may
// exist, and a second one would be paid twice.
func (c *Client) createBatch(ctx context.Context, pending []Request) (*genai.BatchJob, error) {
	inlined := make([]*genai.InlinedRequest, len(pending))
	ids := sha256.New()
	for i, r := range pending {
		inlined[i] = &genai.InlinedRequest{
			Contents: contents(r),
			Config:   generateConfig(r),
			Metadata: map[string]string{batchKey: r.UserID},
		}
		ids.Write([]byte(r.UserID))
		ids.Write([]byte{0})
	}
	name := fmt.Sprintf("skillx-recommend-%d-%s", len(pending), hex.EncodeToString(ids.Sum(nil))[:12])
	src := &genai.BatchJobSource{InlinedRequests: inlined}
	cfg := &genai.CreateBatchJobConfig{DisplayName: name}
	for a := 1; ; a++ {
		rec := &attemptRecord{}
		actx, cancel := context.WithTimeout(context.WithValue(ctx, attemptKey{}, rec), c.timeout)
		job, err := c.gc.Batches.Create(actx, c.model, src, cfg)
		err = c.callError(ctx, actx, err)
		cancel()
		if err == nil {
			return job, nil
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("create gemini batch job: %w", context.Cause(ctx))
		}
		var ae *APIError
		if !errors.As(err, &ae) || ae.Code != 429 || a > c.maxRetries {
			return nil, fmt.Errorf("create gemini batch job (%d requests, attempt %d): %w", len(pending), a, err)
		}
		_, hint := classify(err, rec)
		if err := c.sleep(ctx, c.backoff(a, hint)); err != nil {
			return nil, fmt.Errorf("create gemini batch job: %w", err)
		}
	}
}

// terminal reports whether a job in state s will not change any more.
func terminal(s genai.JobState) bool {
	switch s {
	case genai.JobStateSucceeded, genai.JobStatePartiallySucceeded, genai.JobStateFailed,
		genai.JobStateCancelled, genai.JobStateExpired:
		return true
	}
	return false
}

// pollBatch gets the job every poll until it ends. Transient poll failures are tolerated up
// to MaxRetries in a row. If ctx ends, the job is cancelled (best effort).
func (c *Client) pollBatch(ctx context.Context, job *genai.BatchJob, poll time.Duration) (*genai.BatchJob, error) {
	name := job.Name
	failures := 0
	for !terminal(job.State) {
		if err := c.sleep(ctx, poll); err != nil {
			c.cancelBatch(ctx, name)
			return nil, fmt.Errorf("gemini batch job %s: %w (the job was asked to cancel)", name, err)
		}
		rec := &attemptRecord{}
		actx, cancel := context.WithTimeout(context.WithValue(ctx, attemptKey{}, rec), c.timeout)
		got, err := c.gc.Batches.Get(actx, name, nil)
		err = c.callError(ctx, actx, err)
		cancel()
		if ctx.Err() != nil {
			c.cancelBatch(ctx, name)
			return nil, fmt.Errorf("gemini batch job %s: %w (the job was asked to cancel)", name, context.Cause(ctx))
		}
		if err != nil {
			retry, _ := classify(err, rec)
			failures++
			if !retry || failures > c.maxRetries {
				return nil, fmt.Errorf("poll gemini batch job %s (%d failures in a row): %w", name, failures, err)
			}
			c.log.Debug("gemini batch poll failed; polling on", "job", name, "error", err)
			continue
		}
		failures = 0
		job = got
		c.log.Debug("gemini batch job", "job", name, "state", job.State)
	}
	return job, nil
}

// cancelBatch asks the API to cancel the job, ignoring failures.
func (c *Client) cancelBatch(ctx context.Context, name string) {
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), min(c.timeout, 30*time.Second))
	defer cancel()
	if err := c.gc.Batches.Cancel(cctx, name, nil); err != nil {
		c.log.Warn("gemini batch job not cancelled; cancel it by hand", "job", name, "error", c.rd.err(err))
	}
}
