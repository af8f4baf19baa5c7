package gemini

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/skillx/skillx/internal/report"
)

// Usage describes what one Recommend call cost.
type Usage struct {
	// PromptTokens is the number of input tokens billed, summed over all attempts that got a
	// reply (invalid replies are billed too).
	PromptTokens int `json:"prompt_tokens"`
	// OutputTokens is the number of output tokens billed (candidates plus thinking), summed
	// like PromptTokens.
	OutputTokens int `json:"output_tokens"`
	// Latency is the wall time of the call, including rate-limit waits and backoff.
	Latency time.Duration `json:"latency_ns"`
	// Attempts is the number of HTTP requests made (0 for a cached report).
	Attempts int `json:"attempts"`
	// Cached reports that the report came from the cache and cost nothing (in a batch, also
	// the answer of a person whose prompt another person of the same job had).
	Cached bool `json:"cached"`
}

// ErrNoKey is returned by New when no API key is configured.
var ErrNoKey = errors.New("no gemini api key: set GEMINI_API_KEY (or GOOGLE_API_KEY) or pass Config.APIKey")

// ErrInvalidRequest is wrapped by the error for a Request that cannot be sent (missing role,
// no skills, a wrong number of candidates, ...): it is report.ErrInvalidRequest. Such a
// request is never sent.
var ErrInvalidRequest = report.ErrInvalidRequest

// ErrTimeout is wrapped by the error for an attempt that took longer than Config.Timeout.
var ErrTimeout = errors.New("gemini request timed out")

// ErrUnreachable is wrapped by the error for an attempt that could not connect to the API at
// all (no network, a name that does not resolve, a refused connection): the caller may
// suggest working offline.
var ErrUnreachable = errors.New("gemini cannot be reached")

// APIError is an HTTP error answer from the Gemini API (or a per-request error in a batch).
type APIError struct {
	// Code is the HTTP status code (or the batch response's error code).
	Code int
	// Status is the API's status name, such as "RESOURCE_EXHAUSTED", when given.
	Status string
	// Message is the API's message, with the API key removed.
	Message string

	retryDelay time.Duration // the server's google.rpc.RetryInfo delay, if any
}

// Error describes the API error and, for authentication errors, what to do.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "gemini api error %d", e.Code)
	if e.Status != "" {
		fmt.Fprintf(&b, " %s", e.Status)
	}
	if e.Message != "" {
		fmt.Fprintf(&b, ": %s", e.Message)
	}
	if e.Code == 401 || e.Code == 403 || strings.Contains(e.Message, "API key") {
		b.WriteString(" (check the api key in GEMINI_API_KEY or GOOGLE_API_KEY)")
	}
	return b.String()
}

// Retryable reports whether a later identical request may succeed (408, 429 and 5xx).
func (e *APIError) Retryable() bool {
	return e.Code == 408 || e.Code == 429 || e.Code >= 500
}

// ReplyError is a reply from Gemini that is not a valid Report: malformed JSON, a schema
// violation or an inconsistent answer. Recommend returns it (wrapped) once its retries are
// spent; RecommendBatch returns it per person.
type ReplyError struct {
	// Problems lists everything that was wrong, one finding per entry.
	Problems []string
	// Reply is the raw reply text (truncated, with the API key removed), for failure logs.
	Reply string
}

// maxProblemsShown bounds the problems listed in ReplyError.Error.
const maxProblemsShown = 8

// Error lists the problems of the reply.
func (e *ReplyError) Error() string {
	shown := e.Problems
	more := 0
	if len(shown) > maxProblemsShown {
		more = len(shown) - maxProblemsShown
		shown = shown[:maxProblemsShown]
	}
	msg := "invalid gemini reply: " + strings.Join(shown, "; ")
	if more > 0 {
		msg += fmt.Sprintf("; and %d more problems", more)
	}
	return msg
}
