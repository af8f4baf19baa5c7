package gemini

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/skillx/skillx/internal/atomicfile"
	"github.com/skillx/skillx/internal/report"
	"google.golang.org/genai"
)

// DefaultPoll is RecommendBatch's polling interval when BatchOptions.Poll <= 0.
const DefaultPoll = 30 * time.Second

// batchKey is the metadata key under which each inlined request carries its PromptHash.
const batchKey = "key"

// BatchOptions configures RecommendBatch.
type BatchOptions struct {
	// Poll is the polling interval of the job; DefaultPoll when <= 0.
	Poll time.Duration
	// StateFile, when set, holds the job's name (and what it was asked) from its creation
	// until its answers are cached, so that a run killed while polling is resumed by the next
	// call for the same prompts instead of paying for a second job; a call for other prompts
	// cancels that job first. "" keeps no state.
	StateFile string
}

// BatchResult is the outcome for one person of RecommendBatch.
type BatchResult struct {
	// Report is the validated report, nil when Err is set.
	Report *report.Report
	// Usage is what the answer cost: the tokens billed for it, invalid answers included
	// (Latency is the whole batch's). A cached report, and the answer of a person whose
	// prompt another person of the same job had (sent once), have Cached set and no tokens.
	Usage Usage
	// Err wraps ErrInvalidRequest, *APIError (the request failed inside the batch) or
	// *ReplyError (the answer was invalid; batches are not retried, so send these people
	// through Recommend).
	Err error
}

// batchState is the StateFile's content: the job a RecommendBatch call waits for.
type batchState struct {
	// Job is the job's name ("batches/..."); "" while the job is being created (the run may
	// have stopped between the creation and the saving of its name: the next call looks for
	// a job of DisplayName).
	Job string `json:"job"`
	// DisplayName is the job's display name, unique to the call that created it.
	DisplayName string `json:"display_name,omitempty"`
	// Model is the model the job runs.
	Model string `json:"model"`
	// Inputs is the sha256 over Prompts: a call resumes the job only for the same prompts.
	Inputs string `json:"inputs"`
	// Prompts are the PromptHash of each inlined request, in request order.
	Prompts []string `json:"prompts"`
	// Created is when the job was created (UTC).
	Created time.Time `json:"created"`
}

// RecommendBatch asks for the reports of many people through the Gemini Batch API: one job
// with one inlined request per distinct prompt (people whose PromptHash is equal share one
// request and its answer), keyed by the PromptHash and polled every opts.Poll until it ends.
// Invalid requests and cached reports are answered without being sent; every answer is
// validated like Recommend's and cached. With opts.StateFile, the job's name is saved before
// polling, and a later call for the same prompts resumes that job (see BatchOptions). The map
// has one entry per request, keyed by user id. The error is for the call as a whole
// (duplicate user ids, the job could not be created or polled, or it ended failed, cancelled
// or expired); if ctx ends while polling, the job is cancelled.
//
// The Batch API limits inlined requests to about 20 MB per job: send at most a few thousand
// distinct prompts per call.
func (c *Client) RecommendBatch(ctx context.Context, reqs []report.Request, opts BatchOptions) (map[string]BatchResult, error) {
	start := time.Now()
	poll := opts.Poll
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

	groups := map[string][]report.Request{} // people by PromptHash, in input order
	var order []string                      // distinct prompts, in order of first appearance
	for _, r := range reqs {
		if err := r.Validate(); err != nil {
			results[r.UserID] = BatchResult{Err: c.rd.err(err)}
			continue
		}
		h := PromptHash(r, c.model)
		if rep, ok := c.cacheGet(r, h); ok {
			results[r.UserID] = BatchResult{Report: rep, Usage: Usage{Cached: true}}
			continue
		}
		if _, ok := groups[h]; !ok {
			order = append(order, h)
		}
		groups[h] = append(groups[h], r)
	}

	job, err := c.startBatch(ctx, order, groups, opts.StateFile)
	if err != nil {
		return nil, c.rd.err(err)
	}
	if job == nil {
		return results, nil
	}
	job, err = c.pollBatch(ctx, job, poll)
	if err != nil {
		if ctx.Err() != nil {
			if c.cancelBatch(ctx, job.Name) {
				c.dropState(opts.StateFile)
			}
			return nil, c.rd.err(fmt.Errorf("gemini batch job %s: %w (the job was asked to cancel)", job.Name, context.Cause(ctx)))
		}
		if opts.StateFile != "" {
			err = fmt.Errorf("%w; the job runs on, and a rerun with the same people resumes it", err)
		}
		return nil, c.rd.err(err)
	}
	switch job.State {
	case genai.JobStateSucceeded, genai.JobStatePartiallySucceeded:
	default:
		c.dropState(opts.StateFile)
		return nil, fmt.Errorf("gemini batch job %s ended in state %s", job.Name, job.State)
	}
	if job.Dest == nil || len(job.Dest.InlinedResponses) == 0 {
		c.dropState(opts.StateFile)
		return nil, fmt.Errorf("gemini batch job %s succeeded without inlined responses", job.Name)
	}

	latency := time.Since(start)
	answered := make(map[string]bool, len(order))
	for i, ir := range job.Dest.InlinedResponses {
		if ir == nil {
			continue
		}
		// Answers carry the request's metadata when the API returns it; otherwise they come in
		// request order.
		h := ir.Metadata[batchKey]
		if h == "" && i < len(order) {
			h = order[i]
		}
		group, ok := groups[h]
		if !ok {
			c.log.Warn("gemini batch answer for an unknown prompt ignored", "job", job.Name, "index", i, "key", h)
			continue
		}
		if answered[h] {
			c.log.Warn("gemini batch answered a prompt twice; the first answer is kept", "job", job.Name, "user", group[0].UserID)
			continue
		}
		answered[h] = true
		for k, r := range group {
			res := c.batchAnswer(r, ir, k == 0)
			res.Usage.Latency = latency
			results[r.UserID] = res
		}
	}
	for _, h := range order {
		if answered[h] {
			continue
		}
		for k, r := range groups[h] {
			res := BatchResult{Usage: Usage{Latency: latency},
				Err: fmt.Errorf("gemini batch job %s returned no answer for user %q", job.Name, r.UserID)}
			if k == 0 {
				res.Usage.Attempts = 1
			}
			results[r.UserID] = res
		}
	}
	c.dropState(opts.StateFile) // every answer is cached: nothing to resume
	return results, nil
}

// batchAnswer validates and (for the first person of a prompt) caches one inlined answer.
// first is false for the other people who share the prompt: they get the same answer with
// no tokens, as from the cache.
func (c *Client) batchAnswer(r report.Request, ir *genai.InlinedResponse, first bool) BatchResult {
	res := BatchResult{}
	if first {
		res.Usage.Attempts = 1
	} else {
		res.Usage.Cached = true
	}
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
	if first {
		res.Usage.PromptTokens, res.Usage.OutputTokens = pt, ot
	}
	rep, err := c.reportFrom(r, ir.Response)
	if err != nil {
		res.Err = c.rd.err(fmt.Errorf("%s: %w", where, err))
		return res
	}
	if first {
		c.cachePut(r, PromptHash(r, c.model), rep, pt, ot)
	}
	res.Report = rep
	return res
}

// inputsHash returns the sha256 over a job's prompt hashes, in request order.
func inputsHash(order []string) string {
	h := sha256.New()
	for _, p := range order {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// startBatch returns the job that answers the prompts of order: the job saved in stateFile
// when it was asked exactly these prompts and can still answer, else a new job, whose name
// is saved in stateFile before it is returned. A saved job for other prompts is cancelled
// (unless it has ended) and forgotten. With no prompt to send, the job is nil.
func (c *Client) startBatch(ctx context.Context, order []string, groups map[string][]report.Request, stateFile string) (*genai.BatchJob, error) {
	inputs := inputsHash(order)
	if saved := c.loadState(stateFile); saved != nil {
		if saved.Job == "" {
			// An earlier run stopped while creating its job: the job may exist, unnamed here.
			name, err := c.findBatch(ctx, saved.DisplayName)
			if err != nil {
				return nil, fmt.Errorf("gemini batch: an earlier run stopped while creating the job %q and whether it exists cannot be checked (%w); run again, or remove %s to create a new job", saved.DisplayName, err, stateFile)
			}
			saved.Job = name
		}
		switch {
		case saved.Job == "":
			c.log.Info("gemini batch: the job an earlier run was creating does not exist; creating a new one", "display_name", saved.DisplayName)
		case saved.Model == c.model && saved.Inputs == inputs && len(order) > 0:
			job, err := c.getBatch(ctx, saved.Job)
			var ae *APIError
			switch {
			case err == nil && !endedBadly(job.State):
				c.log.Info("gemini batch: resuming the job of an earlier run", "job", saved.Job, "state", job.State, "requests", len(order))
				return job, nil
			case err == nil:
				c.log.Warn("gemini batch: the job of an earlier run ended without answers; creating a new one", "job", saved.Job, "state", job.State)
			case errors.As(err, &ae) && ae.Code == 404:
				c.log.Warn("gemini batch: the job of an earlier run no longer exists; creating a new one", "job", saved.Job)
			default:
				return nil, fmt.Errorf("gemini batch job %s of an earlier run (saved in %s): %w", saved.Job, stateFile, err)
			}
		default:
			c.dropJob(ctx, saved)
		}
		c.dropState(stateFile)
	}
	if len(order) == 0 {
		return nil, nil
	}
	// The state is saved before the job is created (with its display name, unique to this
	// call) and again with the job's name: a run killed in between leaves what the next call
	// needs to find the job instead of paying for a second one.
	token := make([]byte, 4)
	rand.Read(token)
	st := batchState{DisplayName: fmt.Sprintf("skillx-recommend-%d-%s-%s", len(order), inputs[:12], hex.EncodeToString(token)),
		Model: c.model, Inputs: inputs, Prompts: order, Created: time.Now().UTC()}
	c.saveState(stateFile, st)
	job, err := c.createBatch(ctx, order, groups, st.DisplayName)
	if err != nil {
		return nil, err // the state stays: the job may exist although the answer was lost
	}
	st.Job = job.Name
	c.saveState(stateFile, st)
	return job, nil
}

// saveState writes st to the state file ("" keeps no state); a failure is logged: the run
// goes on, but a rerun after a kill may pay for a second job.
func (c *Client) saveState(stateFile string, st batchState) {
	if stateFile == "" {
		return
	}
	data, err := json.MarshalIndent(st, "", "  ")
	if err == nil {
		err = atomicfile.WriteFile(stateFile, append(data, '\n'))
	}
	if err != nil {
		c.log.Warn("gemini batch: cannot save the job's state; if this run is killed, a rerun pays for a new job",
			"job", st.Job, "display_name", st.DisplayName, "path", stateFile, "error", c.rd.err(err))
	}
}

// maxListPages bounds findBatch's search (100 jobs a page).
const maxListPages = 50

// findBatch returns the name of the job whose display name is display ("" when there is
// none), listing the project's jobs.
func (c *Client) findBatch(ctx context.Context, display string) (string, error) {
	if display == "" {
		return "", nil
	}
	actx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	page, err := c.gc.Batches.List(actx, &genai.ListBatchJobsConfig{PageSize: 100})
	for n := 0; n < maxListPages; n++ {
		if errors.Is(err, genai.ErrPageDone) {
			return "", nil
		}
		if err != nil {
			return "", c.callError(ctx, actx, err)
		}
		for _, j := range page.Items {
			if j != nil && j.DisplayName == display {
				return j.Name, nil
			}
		}
		page, err = page.Next(actx)
	}
	return "", fmt.Errorf("no job named %q among the first %d pages of jobs", display, maxListPages)
}

// endedBadly reports whether a job in state s ended without answers.
func endedBadly(s genai.JobState) bool {
	switch s {
	case genai.JobStateFailed, genai.JobStateCancelled, genai.JobStateExpired:
		return true
	}
	return false
}

// dropJob cancels the saved job of an earlier call for other prompts, unless it has ended.
func (c *Client) dropJob(ctx context.Context, saved *batchState) {
	job, err := c.getBatch(ctx, saved.Job)
	if err == nil && terminal(job.State) {
		c.log.Info("gemini batch: the job of an earlier run has ended; forgetting it", "job", saved.Job, "state", job.State)
		return
	}
	if c.cancelBatch(ctx, saved.Job) {
		c.log.Warn("gemini batch: the job of an earlier run was for other people or other prompts; it was cancelled", "job", saved.Job)
	}
}

// loadState reads a StateFile; a missing, unreadable or damaged one is none (logged).
func (c *Client) loadState(path string) *batchState {
	if path == "" {
		return nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			c.log.Warn("gemini batch: cannot read the saved job; ignoring it", "path", path, "error", err)
		}
		return nil
	}
	var st batchState
	if err := json.Unmarshal(data, &st); err != nil || (st.Job == "" && st.DisplayName == "") {
		c.log.Warn("gemini batch: the saved job file is damaged; ignoring it", "path", path)
		return nil
	}
	return &st
}

// dropState removes a StateFile (failures are logged).
func (c *Client) dropState(path string) {
	if path == "" {
		return
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		c.log.Warn("gemini batch: cannot remove the saved job file", "path", path, "error", err)
	}
}

// createBatch creates the job named name: one inlined request per prompt of order (the first person of
// its group speaks for all). Only 429 is retried: after any other failure the job may exist,
// and a second one would be paid twice.
func (c *Client) createBatch(ctx context.Context, order []string, groups map[string][]report.Request, name string) (*genai.BatchJob, error) {
	inlined := make([]*genai.InlinedRequest, len(order))
	for i, h := range order {
		r := groups[h][0]
		inlined[i] = &genai.InlinedRequest{
			Contents: contents(r),
			Config:   generateConfig(r),
			Metadata: map[string]string{batchKey: h},
		}
	}
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
			return nil, fmt.Errorf("create gemini batch job (%d requests, attempt %d): %w", len(order), a, err)
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

// getBatch gets a job once, with the per-request timeout.
func (c *Client) getBatch(ctx context.Context, name string) (*genai.BatchJob, error) {
	job, _, err := c.getBatchRecorded(ctx, name)
	return job, err
}

func (c *Client) getBatchRecorded(ctx context.Context, name string) (*genai.BatchJob, *attemptRecord, error) {
	rec := &attemptRecord{}
	actx, cancel := context.WithTimeout(context.WithValue(ctx, attemptKey{}, rec), c.timeout)
	defer cancel()
	job, err := c.gc.Batches.Get(actx, name, nil)
	return job, rec, c.callError(ctx, actx, err)
}

// pollBatch gets the job every poll until it ends. Transient poll failures are tolerated up
// to MaxRetries in a row. If ctx ends, it returns the context's error (the caller cancels
// the job).
func (c *Client) pollBatch(ctx context.Context, job *genai.BatchJob, poll time.Duration) (*genai.BatchJob, error) {
	name := job.Name
	failures := 0
	for !terminal(job.State) {
		if err := c.sleep(ctx, poll); err != nil {
			return job, fmt.Errorf("gemini batch job %s: %w", name, err)
		}
		got, rec, err := c.getBatchRecorded(ctx, name)
		if ctx.Err() != nil {
			return job, fmt.Errorf("gemini batch job %s: %w", name, context.Cause(ctx))
		}
		if err != nil {
			retry, _ := classify(err, rec)
			failures++
			if !retry || failures > c.maxRetries {
				return job, fmt.Errorf("poll gemini batch job %s (%d failures in a row): %w", name, failures, err)
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

// cancelBatch asks the API to cancel the job and reports whether it accepted; a failure is
// logged.
func (c *Client) cancelBatch(ctx context.Context, name string) bool {
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), min(c.timeout, 30*time.Second))
	defer cancel()
	if err := c.gc.Batches.Cancel(cctx, name, nil); err != nil {
		c.log.Warn("gemini batch job not cancelled; cancel it by hand", "job", name, "error", c.rd.err(err))
		return false
	}
	return true
}
