package gemini

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"google.golang.org/genai"
)

// attemptKey is the context key under which one attempt's record travels to the transport.
type attemptKey struct{}

// attemptRecord is what the transport saw during one attempt: whether the request reached
// the network at all, and the server's Retry-After.
type attemptRecord struct {
	mu         sync.Mutex
	reached    bool
	retryAfter time.Duration
}

func (a *attemptRecord) reachedNetwork() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.reached
}

func (a *attemptRecord) retryAfterHint() time.Duration {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.retryAfter
}

// recordingTransport notes, for the attempt in the request's context, that the request went
// out and what Retry-After the server sent. genai's errors do not carry response headers.
type recordingTransport struct {
	base http.RoundTripper
}

// RoundTrip sends req through the base transport and records the outcome.
func (t *recordingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	rec, _ := req.Context().Value(attemptKey{}).(*attemptRecord)
	resp, err := t.base.RoundTrip(req)
	if rec == nil {
		return resp, err
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	rec.reached = true
	if err == nil {
		if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			rec.retryAfter = d
		}
	}
	return resp, err
}

// parseRetryAfter reads a Retry-After value: delay seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil {
		if secs < 0 || secs > maxRetryAfter.Seconds() {
			secs = min(max(secs, 0), maxRetryAfter.Seconds())
		}
		return time.Duration(secs * float64(time.Second)), true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// retryInfoDelay reads the retryDelay of a google.rpc.RetryInfo detail, which Gemini sends
// with 429 answers.
func retryInfoDelay(details []map[string]any) time.Duration {
	for _, d := range details {
		typ, _ := d["@type"].(string)
		if !strings.HasSuffix(typ, "google.rpc.RetryInfo") {
			continue
		}
		s, _ := d["retryDelay"].(string)
		if dur, err := time.ParseDuration(s); err == nil && dur > 0 {
			return dur
		}
	}
	return 0
}

// redactor removes the API key from text.
type redactor struct {
	key string
}

// redactedText replaces the key in text.
const redactedText = "[redacted]"

func (rd redactor) str(s string) string {
	if rd.key == "" {
		return s
	}
	return strings.ReplaceAll(s, rd.key, redactedText)
}

// err returns err unchanged when its message does not contain the key, and otherwise an
// error with the key removed that still matches context.Canceled, context.DeadlineExceeded,
// ErrTimeout, ErrUnreachable and ErrInvalidRequest under errors.Is (the rest of its chain is dropped: it
// could print the key).
func (rd redactor) err(err error) error {
	if err == nil || rd.key == "" || !strings.Contains(err.Error(), rd.key) {
		return err
	}
	re := &redactedError{msg: rd.str(err.Error())}
	for _, s := range []error{context.Canceled, context.DeadlineExceeded, ErrTimeout, ErrUnreachable, ErrInvalidRequest} {
		if errors.Is(err, s) {
			re.cause = s
			break
		}
	}
	var ae *APIError
	if errors.As(err, &ae) {
		re.api = &APIError{Code: ae.Code, Status: rd.str(ae.Status), Message: rd.str(ae.Message), retryDelay: ae.retryDelay}
	}
	var pe *ReplyError
	if errors.As(err, &pe) {
		re.reply = &ReplyError{Problems: make([]string, len(pe.Problems)), Reply: rd.str(pe.Reply)}
		for i, p := range pe.Problems {
			re.reply.Problems[i] = rd.str(p)
		}
	}
	return re
}

// redactedError is an error whose message had the API key removed.
type redactedError struct {
	msg   string
	cause error
	api   *APIError
	reply *ReplyError
}

func (e *redactedError) Error() string { return e.msg }

func (e *redactedError) Unwrap() []error {
	var errs []error
	if e.cause != nil {
		errs = append(errs, e.cause)
	}
	if e.api != nil {
		errs = append(errs, e.api)
	}
	if e.reply != nil {
		errs = append(errs, e.reply)
	}
	return errs
}

// apiError converts genai's API error, removing the key from its texts.
// A plain-text answer has the HTTP status line ("503 Service Unavailable") as its status and
// its body as its message; both are shortened to one line.
func (rd redactor) apiError(ge genai.APIError) *APIError {
	status := strings.TrimSpace(strings.TrimPrefix(ge.Status, strconv.Itoa(ge.Code)))
	return &APIError{
		Code:       ge.Code,
		Status:     rd.str(status),
		Message:    clip(rd.str(ge.Message)),
		retryDelay: retryInfoDelay(ge.Details),
	}
}
