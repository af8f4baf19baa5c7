package gemini

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"google.golang.org/genai"

	"github.com/skillx/skillx/internal/report"
)

// Defaults applied to zero Config fields.
const (
	DefaultTimeout     = 2 * time.Minute
	DefaultMaxRetries  = 4
	DefaultBackoffBase = 2 * time.Second
	DefaultBackoffMax  = time.Minute
)

// maxRetryAfter bounds how long a server's Retry-After (or RetryInfo) can make us wait.
const maxRetryAfter = 5 * time.Minute

// Config configures a Client. Zero fields take the defaults named on each field.
type Config struct {
	// APIKey is the Gemini API key; when empty, GOOGLE_API_KEY or else GEMINI_API_KEY is used
	// (genai's precedence). It is never printed: Config's String, GoString and LogValue hide it
	// and it is not marshalled to JSON.
	APIKey string `json:"-"`
	// Model is the Gemini model; DefaultModel when empty.
	Model string
	// BaseURL overrides the API endpoint (tests point it at a fake server); genai's default
	// (or GOOGLE_GEMINI_BASE_URL) when empty.
	BaseURL string
	// Timeout bounds each HTTP request; DefaultTimeout when zero.
	Timeout time.Duration
	// MaxRetries is the number of retries after the first attempt; DefaultMaxRetries when
	// zero, none when negative.
	MaxRetries int
	// BackoffBase is the first retry's backoff ceiling, doubled on every retry up to
	// BackoffMax; the actual wait is uniform in [0, ceiling] (full jitter), and at least the
	// server's Retry-After. DefaultBackoffBase and DefaultBackoffMax when zero.
	BackoffBase, BackoffMax time.Duration
	// RPM is the global limit of generateContent requests per minute, shared by every
	// goroutine using the Client (retries included); 0 means no limit.
	RPM int
	// CacheDir holds validated reports, one file per PromptHash; "" disables the cache.
	CacheDir string
	// Logger receives retry (debug) and cache (warn) messages; slog.Default() when nil.
	Logger *slog.Logger `json:"-"`
}

// String describes cfg with the API key hidden.
func (cfg Config) String() string {
	type plain Config
	p := plain(cfg)
	if p.APIKey != "" {
		p.APIKey = redactedText
	}
	p.Logger = nil
	return fmt.Sprintf("%+v", p)
}

// GoString describes cfg with the API key hidden.
func (cfg Config) GoString() string { return "gemini.Config" + cfg.String() }

// LogValue logs cfg with the API key hidden.
func (cfg Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.Bool("api_key_set", cfg.APIKey != ""),
		slog.String("model", cfg.Model),
		slog.String("base_url", cfg.BaseURL),
		slog.Duration("timeout", cfg.Timeout),
		slog.Int("max_retries", cfg.MaxRetries),
		slog.Duration("backoff_base", cfg.BackoffBase),
		slog.Duration("backoff_max", cfg.BackoffMax),
		slog.Int("rpm", cfg.RPM),
		slog.String("cache_dir", cfg.CacheDir),
	)
}

// Client asks Gemini for reports. It is safe for concurrent use by many goroutines.
type Client struct {
	gc          *genai.Client
	model       string
	timeout     time.Duration
	maxRetries  int
	backoffBase time.Duration
	backoffMax  time.Duration
	limiter     *limiter
	cacheDir    string
	log         *slog.Logger
	rd          redactor

	// Seams for tests.
	sleep  func(context.Context, time.Duration) error
	jitter func(ceiling time.Duration) time.Duration
}

// New checks cfg, applies its defaults and returns a Client. A missing API key is ErrNoKey.
// No request is sent.
func New(ctx context.Context, cfg Config) (*Client, error) {
	key := strings.TrimSpace(cfg.APIKey)
	if key == "" {
		key = strings.TrimSpace(os.Getenv("GOOGLE_API_KEY"))
	}
	if key == "" {
		key = strings.TrimSpace(os.Getenv("GEMINI_API_KEY"))
	}
	if key == "" {
		return nil, ErrNoKey
	}
	c := &Client{
		model:       strings.TrimSpace(cfg.Model),
		timeout:     cfg.Timeout,
		maxRetries:  cfg.MaxRetries,
		backoffBase: cfg.BackoffBase,
		backoffMax:  cfg.BackoffMax,
		limiter:     newLimiter(cfg.RPM),
		cacheDir:    cfg.CacheDir,
		log:         cfg.Logger,
		rd:          redactor{key: key},
		sleep:       sleepCtx,
		jitter:      fullJitter,
	}
	var errs []string
	fail := func(format string, a ...any) { errs = append(errs, fmt.Sprintf(format, a...)) }
	if c.model == "" {
		c.model = DefaultModel
	}
	if c.timeout < 0 {
		fail("timeout %s is negative", c.timeout)
	} else if c.timeout == 0 {
		c.timeout = DefaultTimeout
	}
	if c.maxRetries == 0 {
		c.maxRetries = DefaultMaxRetries
	} else if c.maxRetries < 0 {
		c.maxRetries = 0
	}
	if c.backoffBase < 0 || c.backoffMax < 0 {
		fail("backoff base %s and max %s must not be negative", c.backoffBase, c.backoffMax)
	}
	if c.backoffBase == 0 {
		c.backoffBase = DefaultBackoffBase
	}
	if c.backoffMax == 0 {
		c.backoffMax = max(DefaultBackoffMax, c.backoffBase)
	}
	if c.backoffMax < c.backoffBase {
		fail("backoff max %s is below backoff base %s", c.backoffMax, c.backoffBase)
	}
	if cfg.RPM < 0 {
		fail("rpm %d is negative; use 0 for no limit", cfg.RPM)
	}
	if c.log == nil {
		c.log = slog.Default()
	}
	if c.cacheDir != "" {
		if err := os.MkdirAll(c.cacheDir, 0o755); err != nil {
			fail("cannot create the cache folder: %v", err)
		}
	}
	if len(errs) > 0 {
		return nil, c.rd.err(fmt.Errorf("gemini config: %s", strings.Join(errs, "; ")))
	}

	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	gc, err := genai.NewClient(ctx, &genai.ClientConfig{
		APIKey:      key,
		Backend:     genai.BackendGeminiAPI,
		HTTPClient:  &http.Client{Transport: &recordingTransport{base: tr}},
		HTTPOptions: genai.HTTPOptions{BaseURL: cfg.BaseURL},
	})
	if err != nil {
		return nil, c.rd.err(fmt.Errorf("create gemini client: %w", err))
	}
	c.gc = gc
	return c, nil
}

// Model returns the model the client asks.
func (c *Client) Model() string { return c.model }

// Recommend returns the validated report for r, from the cache when present, otherwise from
// Gemini, retrying as Config says. The error wraps ErrInvalidRequest (r cannot be sent),
// *APIError (an HTTP error answer: 400/401/403/404 at once, 429/5xx once retries are spent),
// ErrTimeout, ErrUnreachable (no connection could be made), *ReplyError (no valid reply
// within the retries), or the context's error. The Usage counts every reply billed, also
// when the call fails (invalid replies are billed too).
func (c *Client) Recommend(ctx context.Context, r report.Request) (*report.Report, Usage, error) {
	start := time.Now()
	var u Usage
	finish := func(rep *report.Report, err error) (*report.Report, Usage, error) {
		u.Latency = time.Since(start)
		return rep, u, c.rd.err(err)
	}
	if err := r.Validate(); err != nil {
		return finish(nil, err)
	}
	hash := PromptHash(r, c.model)
	if rep, ok := c.cacheGet(r, hash); ok {
		u.Cached = true
		return finish(rep, nil)
	}
	where := fmt.Sprintf("ask %s about user %q", c.model, r.UserID)
	cont, gcfg := contents(r), generateConfig(r)
	attempts := c.maxRetries + 1
	var lastErr error
	var hint time.Duration
	for a := 1; a <= attempts; a++ {
		if a > 1 {
			d := c.backoff(a-1, hint)
			c.log.Debug("gemini retry", "user", r.UserID, "attempt", a, "delay", d, "error", c.rd.err(lastErr))
			if err := c.sleep(ctx, d); err != nil {
				return finish(nil, fmt.Errorf("%s: %w (after %d attempts, last: %v)", where, err, a-1, lastErr))
			}
		}
		if err := c.limiter.wait(ctx); err != nil {
			return finish(nil, fmt.Errorf("%s: waiting for the rate limiter: %w", where, err))
		}
		u.Attempts++
		resp, rec, err := c.generate(ctx, cont, gcfg)
		if ctx.Err() != nil {
			return finish(nil, fmt.Errorf("%s: %w", where, context.Cause(ctx)))
		}
		if err != nil {
			lastErr = err
			var retry bool
			retry, hint = classify(err, rec)
			if !retry {
				return finish(nil, fmt.Errorf("%s: %w", where, err))
			}
			continue
		}
		pt, ot := tokens(resp)
		u.PromptTokens += pt
		u.OutputTokens += ot
		rep, err := c.reportFrom(r, resp)
		if err != nil {
			lastErr, hint = err, 0
			continue
		}
		c.cachePut(r, hash, rep, pt, ot)
		return finish(rep, nil)
	}
	return finish(nil, fmt.Errorf("%s: gave up after %d attempts: %w", where, attempts, lastErr))
}

// generate sends one generateContent request with the per-request timeout.
func (c *Client) generate(ctx context.Context, cont []*genai.Content, cfg *genai.GenerateContentConfig) (*genai.GenerateContentResponse, *attemptRecord, error) {
	rec := &attemptRecord{}
	actx, cancel := context.WithTimeout(context.WithValue(ctx, attemptKey{}, rec), c.timeout)
	defer cancel()
	resp, err := c.gc.Models.GenerateContent(actx, c.model, cont, cfg)
	return resp, rec, c.callError(ctx, actx, err)
}

// callError turns an error of one genai call into this package's errors: ErrTimeout when
// the per-request timeout (not the caller's context) ended it, *APIError for an HTTP error
// answer, ErrUnreachable when no connection could be made, and otherwise the error with the
// key removed.
func (c *Client) callError(ctx, actx context.Context, err error) error {
	if err == nil {
		return nil
	}
	if ctx.Err() == nil && errors.Is(actx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("%w after %s", ErrTimeout, c.timeout)
	}
	var ge genai.APIError
	if errors.As(err, &ge) {
		return c.rd.apiError(ge)
	}
	var gp *genai.APIError
	if errors.As(err, &gp) && gp != nil {
		return c.rd.apiError(*gp)
	}
	if ctx.Err() == nil && unreachable(err) {
		return &unreachableError{err: tidy(c.rd.err(err))}
	}
	return tidy(c.rd.err(err))
}

// unreachable reports whether err says that no connection to the server could be made: a
// name that does not resolve, a refused or unroutable connection, a proxy that cannot connect.
func unreachable(err error) bool {
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return true
	}
	var op *net.OpError
	return errors.As(err, &op) && (op.Op == "dial" || op.Op == "proxyconnect")
}

// unreachableError is a request that could not reach the server; it matches ErrUnreachable.
type unreachableError struct{ err error }

func (e *unreachableError) Error() string   { return ErrUnreachable.Error() + " (" + e.err.Error() + ")" }
func (e *unreachableError) Unwrap() []error { return []error{ErrUnreachable, e.err} }

// maxErrorText bounds the text of errors that carry a response body (an HTML error page, a
// garbled answer).
const maxErrorText = 400

// tidy shortens err's message to one line of at most maxErrorText bytes, keeping its chain.
func tidy(err error) error {
	msg := err.Error()
	short := clip(msg)
	if short == msg {
		return err
	}
	return &tidyError{msg: short, err: err}
}

// clip puts s on one line and cuts it to maxErrorText bytes.
func clip(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > maxErrorText {
		s = strings.ToValidUTF8(s[:maxErrorText], "") + "..."
	}
	return s
}

// tidyError is an error with a shortened message.
type tidyError struct {
	msg string
	err error
}

func (e *tidyError) Error() string { return e.msg }
func (e *tidyError) Unwrap() error { return e.err }

// classify says whether an attempt's error is worth a fresh request, and the least wait the
// server asked for.
func classify(err error, rec *attemptRecord) (retry bool, hint time.Duration) {
	var ae *APIError
	switch {
	case errors.As(err, &ae):
		return ae.Retryable(), max(ae.retryDelay, rec.retryAfterHint())
	case errors.Is(err, ErrTimeout):
		return true, 0
	case errors.Is(err, io.ErrUnexpectedEOF), rec.reachedNetwork():
		// Connection refused or reset, a body cut short, a garbled answer: try again.
		return true, rec.retryAfterHint()
	default:
		// The request never left (genai rejected it): repeating cannot help.
		return false, 0
	}
}

// backoff returns the wait before retry number retry (1-based): full jitter over an
// exponentially growing ceiling, but at least the server's hint.
func (c *Client) backoff(retry int, hint time.Duration) time.Duration {
	ceiling := c.backoffMax
	if retry-1 < 32 {
		if d := c.backoffBase << (retry - 1); d > 0 && d < ceiling {
			ceiling = d
		}
	}
	return max(c.jitter(ceiling), min(hint, maxRetryAfter))
}

// fullJitter returns a uniform duration in [0, ceiling].
func fullJitter(ceiling time.Duration) time.Duration {
	if ceiling <= 0 {
		return 0
	}
	return rand.N(ceiling + 1)
}

// tokens returns the billed input and output (candidates plus thinking) tokens of resp.
func tokens(resp *genai.GenerateContentResponse) (prompt, output int) {
	if resp == nil || resp.UsageMetadata == nil {
		return 0, 0
	}
	m := resp.UsageMetadata
	return int(m.PromptTokenCount), int(m.CandidatesTokenCount) + int(m.ThoughtsTokenCount)
}

// reportFrom extracts and validates the report in resp; the error is a *ReplyError. The
// model's text is untrusted: control characters are removed (ParseReport) and the API key,
// should the reply echo it, is redacted from every text of the report before it is checked
// again and returned, so that it can reach no report, summary, cache or log.
func (c *Client) reportFrom(r report.Request, resp *genai.GenerateContentResponse) (*report.Report, error) {
	text, notes := replyText(resp)
	rep, err := ParseReport(r, []byte(text))
	if err == nil {
		if !rep.MapTexts(c.rd.str) {
			return rep, nil
		}
		if problems := check(r, rep); len(problems) > 0 {
			return nil, &ReplyError{Problems: problems, Reply: c.rd.str(truncate([]byte(text)))}
		}
		return rep, nil
	}
	var re *ReplyError
	if errors.As(err, &re) {
		re.Problems = append(re.Problems, notes...)
		for i, p := range re.Problems {
			re.Problems[i] = c.rd.str(p)
		}
		re.Reply = c.rd.str(re.Reply)
	}
	return nil, err
}

// replyText returns the text of the first candidate (thoughts skipped) and notes about why a
// reply may be unusable (blocked prompt, unusual finish reason).
func replyText(resp *genai.GenerateContentResponse) (string, []string) {
	var notes []string
	if resp == nil || len(resp.Candidates) == 0 {
		notes = append(notes, "reply has no candidates")
		if resp != nil && resp.PromptFeedback != nil && resp.PromptFeedback.BlockReason != "" {
			notes = append(notes, fmt.Sprintf("prompt blocked: %s", resp.PromptFeedback.BlockReason))
		}
		return "", notes
	}
	cand := resp.Candidates[0]
	var b strings.Builder
	if cand.Content != nil {
		for _, p := range cand.Content.Parts {
			if p != nil && !p.Thought {
				b.WriteString(p.Text)
			}
		}
	}
	if fr := cand.FinishReason; fr != "" && fr != genai.FinishReasonStop {
		notes = append(notes, fmt.Sprintf("finish reason %s", fr))
	}
	return b.String(), notes
}
