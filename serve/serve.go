package serve

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/skillx/skillx/internal/skillfind"
	"github.com/skillx/skillx/recommend"
)

// Engine writes one person's report: recommend.Engine, loaded once.
type Engine interface {
	// Recommend returns the checked report of u, or why there is none.
	Recommend(ctx context.Context, u recommend.User) (*recommend.UserReport, error)
	// Analyst names the analyst that answers.
	Analyst() recommend.AnalystInfo
	// Encoder is the id of the encoder that embeds the skills.
	Encoder() string
	// EncoderNote is the reports' line about a model-free encoder, or "".
	EncoderNote() string
	// Finder is the skill finder that reads a résumé or a work history (nil: the form's
	// résumé and history make the input fail with a clear reason).
	Finder() *skillfind.Finder
}

// Defaults of the Config fields left zero.
const (
	// DefaultAddr is where `skillx serve` listens: loopback only.
	DefaultAddr = "127.0.0.1:8080"
	// DefaultMaxInFlight is the number of reports written at once; one more gets the busy
	// page (429).
	DefaultMaxInFlight = 32
	// DefaultMaxAnswers is the number of answers kept in memory for the history lists.
	DefaultMaxAnswers = 1000
	// DefaultMaxHistory is the number of answers one browser's history lists.
	DefaultMaxHistory = 20
	// DefaultMaxBody bounds the size of a form post, in bytes: room for a résumé of the skill
	// finder's limit (64 KiB) sent form-encoded.
	DefaultMaxBody = 256 << 10
	// DefaultShutdownTimeout is how long Serve waits, once stopped, for the requests and
	// reports in progress before it cancels them.
	DefaultShutdownTimeout = 2 * time.Minute
)

// maxListLen bounds, in characters, the one-list skills field of the form (the browser's
// limit; the server's is the body size): five skills at most recommend.MaxTextLen
// characters each, with separators.
const maxListLen = recommend.MaxSkills*(recommend.MaxTextLen+2) + 100

// busyRetryAfter is the Retry-After of the busy page, in seconds.
const busyRetryAfter = 30

// Config configures a Server.
type Config struct {
	// Engine writes the reports.
	Engine Engine
	// MaxInFlight is the number of reports written at once (DefaultMaxInFlight when 0);
	// a person asking while all are busy gets the busy page (429) with the input kept.
	MaxInFlight int
	// MaxAnswers is the number of answers kept in memory (DefaultMaxAnswers when 0); the
	// oldest finished ones are dropped first. It must exceed MaxInFlight.
	MaxAnswers int
	// MaxHistory is the number of answers a browser's history lists (DefaultMaxHistory when 0).
	MaxHistory int
	// MaxBody bounds a form post in bytes (DefaultMaxBody when 0); a larger one gets 413.
	MaxBody int64
	// ShutdownTimeout bounds how long Serve waits for the work in progress once its context
	// ends (DefaultShutdownTimeout when 0).
	ShutdownTimeout time.Duration
	// AnyHost accepts requests whatever their Host header. Without it only loopback names
	// (localhost, 127.0.0.0/8, ::1) are answered, which keeps pages of other sites that
	// rebind their name to this machine from reading answers.
	AnyHost bool
	// Secrets are texts no response may hold (the Gemini API key): each is replaced in every
	// page and download before it is sent. Texts shorter than 8 bytes are ignored.
	Secrets []string
	// Version is the skillx version shown in the footer.
	Version string
	// Logger receives one line per report and the server's errors; slog.Default() when nil.
	// Logs never hold the person's role or skills.
	Logger *slog.Logger
}

// Server is the web page. Create it with New; Serve runs it on a listener, or use Handler
// with an http.Server of your own and Close when done.
type Server struct {
	cfg     Config
	log     *slog.Logger
	store   *store
	slots   chan struct{} // one token per report in progress
	secrets *strings.Replacer
	handler http.Handler

	work     sync.WaitGroup // reports in progress
	workCtx  context.Context
	stopWork context.CancelFunc
}

// New checks cfg and returns the Server.
func New(cfg Config) (*Server, error) {
	if cfg.Engine == nil {
		return nil, errors.New("serve: no engine")
	}
	def := func(p *int, d int) {
		if *p == 0 {
			*p = d
		}
	}
	def(&cfg.MaxInFlight, DefaultMaxInFlight)
	def(&cfg.MaxAnswers, DefaultMaxAnswers)
	def(&cfg.MaxHistory, DefaultMaxHistory)
	if cfg.MaxBody == 0 {
		cfg.MaxBody = DefaultMaxBody
	}
	if cfg.ShutdownTimeout == 0 {
		cfg.ShutdownTimeout = DefaultShutdownTimeout
	}
	var errs []error
	if cfg.MaxInFlight < 1 {
		errs = append(errs, fmt.Errorf("serve: %d reports at once; want 1 or more", cfg.MaxInFlight))
	}
	if cfg.MaxAnswers <= cfg.MaxInFlight {
		errs = append(errs, fmt.Errorf("serve: %d answers kept; want more than the %d reports at once", cfg.MaxAnswers, cfg.MaxInFlight))
	}
	if cfg.MaxHistory < 1 {
		errs = append(errs, fmt.Errorf("serve: a history of %d answers; want 1 or more", cfg.MaxHistory))
	}
	if cfg.MaxBody < 1024 {
		errs = append(errs, fmt.Errorf("serve: a body limit of %d bytes; want 1024 or more", cfg.MaxBody))
	}
	if cfg.ShutdownTimeout < 0 {
		errs = append(errs, fmt.Errorf("serve: shutdown timeout %s; want a positive duration", cfg.ShutdownTimeout))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, log: cfg.Logger, store: newStore(cfg.MaxAnswers), slots: make(chan struct{}, cfg.MaxInFlight)}
	if s.log == nil {
		s.log = slog.Default()
	}
	var pairs []string
	for _, sec := range cfg.Secrets {
		if len(sec) >= 8 {
			pairs = append(pairs, sec, "[redacted]")
		}
	}
	s.secrets = strings.NewReplacer(pairs...)
	s.workCtx, s.stopWork = context.WithCancel(context.Background())
	s.handler = s.routes()
	return s, nil
}

// Handler returns the server's handler: its pages with the security headers and checks.
func (s *Server) Handler() http.Handler { return s.handler }

// Close cancels the reports in progress and waits for them to end.
func (s *Server) Close() {
	s.stopWork()
	s.work.Wait()
}

// Serve answers on ln until ctx ends; then it stops taking connections, waits for the
// requests and the reports in progress (at most Config.ShutdownTimeout, after which the
// reports are cancelled) and returns nil. Other errors are the listener's.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       time.Minute,
		WriteTimeout:      time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    32 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	select {
	case err := <-served:
		s.Close()
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	s.log.Info("serve: stopping; finishing the requests and reports in progress", "reports", len(s.slots))
	sctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	err := hs.Shutdown(sctx) // no new connections; waits for the requests in progress
	done := make(chan struct{})
	go func() {
		s.work.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-sctx.Done():
		s.log.Warn("serve: reports still in progress after the shutdown timeout; cancelling them", "timeout", s.cfg.ShutdownTimeout)
		s.stopWork()
		<-done
	}
	s.stopWork()
	<-served // http.ErrServerClosed
	if err != nil {
		return fmt.Errorf("serve: shutdown: %w", err)
	}
	s.log.Info("serve: stopped")
	return nil
}

// IsLoopback reports whether addr (host:port) listens on loopback only: localhost, an
// address in 127.0.0.0/8 or ::1. An empty host (every interface) is not.
func IsLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	return loopbackHost(host)
}

// loopbackHost reports whether host names the loopback interface.
func loopbackHost(host string) bool {
	host = strings.TrimSuffix(strings.Trim(host, "[]"), ".")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
