package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"time"

	"github.com/skillx/skillx/internal/encoder"
	"github.com/skillx/skillx/internal/gemini"
	"github.com/skillx/skillx/recommend"
	"github.com/skillx/skillx/serve"
)

// serveOptions are the flags of `skillx serve`.
type serveOptions struct {
	addr    string
	public  bool
	engine  recommend.Config
	server  serve.Config
	cache   string
	retries int
}

func (o *serveOptions) addFlags(fs *flag.FlagSet) {
	fs.StringVar(&o.addr, "addr", serve.DefaultAddr, "address to listen on (host:port); a non-loopback one needs --public")
	fs.BoolVar(&o.public, "public", false, "allow an --addr other than loopback: anyone who reaches it can use the page (no login, no TLS)")
	fs.StringVar(&o.engine.Model, "model", "", "ONNX classifier (default <workdir>/models/classifier.onnx)")
	fs.StringVar(&o.engine.Labels, "labels", "", "classifier.json (default <workdir>/models/classifier.json)")
	fs.StringVar(&o.engine.Encoder.Kind, "encoder", encoder.KindAuto, "encoder of the skills: auto (the model's), minilm, hashing; its id must be the model's")
	fs.StringVar(&o.engine.Encoder.ModelDir, "model-dir", "", "folder with the MiniLM onnx/model.onnx and tokenizer.json")
	fs.BoolVar(&o.engine.Offline, "offline", false, "use the offline analyst even when a Gemini API key is set")
	fs.StringVar(&o.engine.ONET, "onet", "", "an O*NET database folder: its Job Zones.txt decides step up / lateral / step down between two O*NET occupations of the role catalog (other roles: by title words)")
	fs.StringVar(&o.engine.Gemini.Model, "gemini-model", gemini.DefaultModel, "Gemini model")
	fs.IntVar(&o.engine.Gemini.RPM, "rpm", 60, "Gemini requests per minute for all visitors together, retries included (0: no limit)")
	fs.DurationVar(&o.engine.Gemini.Timeout, "timeout", gemini.DefaultTimeout, "time limit of one Gemini request")
	fs.IntVar(&o.retries, "retries", gemini.DefaultMaxRetries, "retries of a failed Gemini request (429, 5xx, timeouts, invalid replies)")
	fs.StringVar(&o.cache, "cache", "none", `Gemini response cache folder ("none": no cache; serve writes nothing under --workdir by default)`)
	fs.IntVar(&o.server.MaxInFlight, "max-inflight", serve.DefaultMaxInFlight, "reports written at once; one more visitor gets a 'busy' page (HTTP 429)")
	fs.IntVar(&o.server.MaxAnswers, "max-answers", serve.DefaultMaxAnswers, "answers kept in memory for the visitors' history lists")
	fs.DurationVar(&o.server.ShutdownTimeout, "shutdown-timeout", serve.DefaultShutdownTimeout, "on Ctrl-C or SIGTERM, how long to wait for the reports in progress before cancelling them")
}

// check validates the flag values before anything is loaded.
func (o *serveOptions) check() error {
	if _, _, err := net.SplitHostPort(o.addr); err != nil {
		return usagef("--addr %q: want host:port, such as %s", o.addr, serve.DefaultAddr)
	}
	if !o.public && !serve.IsLoopback(o.addr) {
		return usagef("--addr %s is not a loopback address: anyone who can reach it could use the page and your Gemini quota; pass --public to allow it", o.addr)
	}
	switch {
	case o.server.MaxInFlight < 1:
		return usagef("--max-inflight %d: want 1 or more", o.server.MaxInFlight)
	case o.server.MaxAnswers <= o.server.MaxInFlight:
		return usagef("--max-answers %d: want more than --max-inflight (%d)", o.server.MaxAnswers, o.server.MaxInFlight)
	case o.engine.Gemini.RPM < 0:
		return usagef("--rpm %d: want 0 (no limit) or more", o.engine.Gemini.RPM)
	case o.engine.Gemini.Timeout <= 0:
		return usagef("--timeout %s: want a positive duration", o.engine.Gemini.Timeout)
	case o.server.ShutdownTimeout <= 0:
		return usagef("--shutdown-timeout %s: want a positive duration", o.server.ShutdownTimeout)
	case o.retries < 0:
		return usagef("--retries %d: want 0 or more", o.retries)
	}
	if o.engine.ONET != "" { // before anything is loaded
		if err := recommend.CheckONET(o.engine.ONET); err != nil {
			return fmt.Errorf("serve: %w", err)
		}
	}
	return nil
}

// runServe loads the engine once, listens and serves until ctx ends.
func (o *serveOptions) run(ctx context.Context, g *globalOptions) error {
	cfg := o.engine
	cfg.Workdir, cfg.Version, cfg.Logger = g.workdir, version, g.log
	cfg.Gemini.Logger = g.log
	cfg.Gemini.MaxRetries = o.retries
	if o.retries == 0 {
		cfg.Gemini.MaxRetries = -1 // gemini.Config: negative means none
	}
	if o.cache != "none" {
		cfg.Gemini.CacheDir = o.cache
	}
	start := time.Now()
	g.log.Info("serve: loading the model, the encoder and the analyst", "workdir", g.workdir)
	eng, err := recommend.OpenEngine(ctx, cfg)
	if err != nil {
		return err
	}
	defer eng.Close()
	sc := o.server
	sc.Engine, sc.Version, sc.Logger, sc.AnyHost = eng, version, g.log, o.public
	// The key is only ever in the Gemini client; should any text carry it anyway, the server
	// removes it from every page and download.
	sc.Secrets = []string{os.Getenv("GEMINI_API_KEY"), os.Getenv("GOOGLE_API_KEY")}
	srv, err := serve.New(sc)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	if !serve.IsLoopback(ln.Addr().String()) {
		g.log.Warn("serve: listening on a non-loopback address (--public): anyone who can reach it can use this page, open answers by their links and spend the Gemini quota; there is no login and no TLS, so put a reverse proxy with both in front",
			"addr", ln.Addr().String())
	}
	a := eng.Analyst()
	fmt.Fprintf(g.stdout, "serve: http://%s/ (analyst %s, encoder %s; loaded in %.1fs); Ctrl-C stops\n",
		ln.Addr(), a.Label(), eng.Encoder(), time.Since(start).Seconds())
	return srv.Serve(ctx, ln)
}

// newServeCommand returns the skillx serve command.
func newServeCommand() *command {
	return &command{
		name:     "serve",
		summary:  "serve the one-person web page: a form in, the career-transition report out",
		readOnly: true,
		usage: `Serves the prototype's web page on the engine of 'skillx recommend': a form takes a current
role and top five skills (five fields or one list), checks them with the users file's rules,
shows a waiting page while the analyst works (it reloads itself; no script), then the report:
the five roles with where each came from, the job description, the per-skill Strong/Medium/Weak
table with reasons, how the skills apply and what to learn, with downloads as .txt, .md and
.json. The browser's earlier answers are listed (a cookie of opaque ids; the answers are kept in
memory). The model, encoder, role catalog and analyst are loaded once, at start.

Analyst: Gemini when GEMINI_API_KEY (or GOOGLE_API_KEY) is set, else (or with --offline) the
offline analyst. With Gemini, the current role and skills are sent to Google; nothing else
leaves the machine. With the offline analyst nothing does.

Safety:  listens on 127.0.0.1:8080 by default and answers loopback host names only; another
         address needs --public and prints a warning (no login, no TLS). Bodies over 32 KiB
         get 413; fields follow the users file's limits (200 characters); more than
         --max-inflight reports at once get a 'busy' page (429). Pages carry a
         Content-Security-Policy without script, nosniff, frame denial and no referrer.
         The API key never reaches a page, log or header. Ctrl-C or SIGTERM: stops taking
         requests, finishes those in progress, then exits.
Inputs:  <workdir>/models/classifier.onnx, classifier.json, roles.index; the TF-IDF model;
         <workdir>/data/clean/roles.parquet and data/features/embeddings.arrow (offline);
         --onet DIR: DIR/Job Zones.txt, for the job level moves between O*NET occupations.
Outputs: none (with --cache DIR, Gemini's answers are cached there).

Examples:
  skillx serve --workdir .
  skillx serve --workdir . --offline --addr 127.0.0.1:9000
  skillx serve --workdir . --addr 0.0.0.0:8080 --public`,
		flags: func(fs *flag.FlagSet, g *globalOptions) func(context.Context, []string) error {
			var o serveOptions
			o.addFlags(fs)
			g.check(o.check)
			return func(ctx context.Context, args []string) error {
				if len(args) > 0 {
					return usagef("unexpected arguments %q", args)
				}
				return o.run(ctx, g)
			}
		},
	}
}
