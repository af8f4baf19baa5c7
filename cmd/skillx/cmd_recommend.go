package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/skillx/skillx/features"
	"github.com/skillx/skillx/internal/gemini"
	"github.com/skillx/skillx/internal/textsafe"
	"github.com/skillx/skillx/recommend"
)

// recommendOptions are the flags of `skillx recommend`.
type recommendOptions struct {
	cfg     recommend.Config
	person  recommend.Person
	cache   string
	retries int
}

func (o *recommendOptions) addFlags(fs *flag.FlagSet) {
	fs.StringVar(&o.cfg.Users, "users", "", "users file: CSV (user_id,current_role,skills or skill_1..skill_5) or JSON Lines; gzip allowed")
	fs.StringVar(&o.person.CurrentRole, "role", "", "one person's current role (with --skills, instead of --users)")
	fs.StringVar(&o.person.Skills, "skills", "", `one person's skills, separated by ";" or "|"`)
	fs.StringVar(&o.person.ID, "user-id", "", "id of the person given by --role and --skills (default cli-<hash of role and skills>)")
	fs.StringVar(&o.cfg.OutDir, "out", "", "reports folder (default <workdir>/reports/users; for --role and --skills, <workdir>/reports/one)")
	fs.BoolVar(&o.cfg.AllowOutsideWorkdir, "allow-outside-workdir", false, "write reports where a symbolic link in the reports folder's path leads out of the workdir (the real folder is printed)")
	fs.StringVar(&o.cfg.Model, "model", "", "ONNX classifier (default <workdir>/models/classifier.onnx)")
	fs.StringVar(&o.cfg.Labels, "labels", "", "classifier.json or a JSON list of labels (default <workdir>/models/classifier.json)")
	fs.StringVar(&o.cfg.Encoder.Kind, "encoder", features.EncoderAuto, "encoder of the skills: auto (the model's), minilm, hashing; its id must be the model's")
	fs.StringVar(&o.cfg.Encoder.ModelDir, "model-dir", "", "folder with the MiniLM onnx/model.onnx and tokenizer.json")
	fs.BoolVar(&o.cfg.Offline, "offline", false, "use the offline analyst even when a Gemini API key is set")
	fs.StringVar(&o.cfg.Gemini.Model, "gemini-model", gemini.DefaultModel, "Gemini model")
	fs.IntVar(&o.cfg.Workers, "workers", recommend.DefaultWorkers, "people processed at once")
	fs.IntVar(&o.cfg.Gemini.RPM, "rpm", 60, "Gemini requests per minute, shared by all workers, retries included (0: no limit)")
	fs.DurationVar(&o.cfg.Gemini.Timeout, "timeout", gemini.DefaultTimeout, "time limit of one Gemini request")
	fs.IntVar(&o.retries, "retries", gemini.DefaultMaxRetries, "retries of a failed Gemini request (429, 5xx, timeouts, invalid replies), with exponential backoff")
	fs.BoolVar(&o.cfg.Batch, "batch", false, "send the people through the Gemini Batch API (cheaper, slower)")
	fs.DurationVar(&o.cfg.BatchPoll, "batch-poll", gemini.DefaultPoll, "polling interval of a batch job")
	fs.StringVar(&o.cache, "cache", "", `Gemini response cache folder (default <workdir>/.cache/gemini; "none" disables it)`)
}

func (o *recommendOptions) config(g *globalOptions) (recommend.Config, error) {
	cfg := o.cfg
	single := o.person.CurrentRole != "" || o.person.Skills != "" || o.person.ID != ""
	switch {
	case cfg.Users != "" && single:
		return cfg, usagef("give either --users or --role and --skills, not both")
	case cfg.Users == "" && !single:
		return cfg, usagef("no input: give --users FILE, or --role and --skills for one person")
	case single && (o.person.CurrentRole == "" || o.person.Skills == ""):
		return cfg, usagef("one person needs both --role and --skills")
	}
	if single {
		for _, f := range []struct{ flag, value string }{{"--role", o.person.CurrentRole}, {"--skills", o.person.Skills}, {"--user-id", o.person.ID}} {
			if p := textsafe.Problem(f.value); p != "" {
				return cfg, usagef("%s %s; control characters are not allowed", f.flag, p)
			}
		}
		p := o.person
		cfg.Person = &p
	}
	if cfg.Workers < 1 {
		return cfg, usagef("--workers %d: want 1 or more", cfg.Workers)
	}
	if cfg.Gemini.RPM < 0 {
		return cfg, usagef("--rpm %d: want 0 (no limit) or more", cfg.Gemini.RPM)
	}
	if cfg.Gemini.Timeout <= 0 {
		return cfg, usagef("--timeout %s: want a positive duration", cfg.Gemini.Timeout)
	}
	switch {
	case o.retries < 0:
		return cfg, usagef("--retries %d: want 0 or more", o.retries)
	case o.retries == 0:
		cfg.Gemini.MaxRetries = -1 // gemini.Config: negative means none
	default:
		cfg.Gemini.MaxRetries = o.retries
	}
	switch o.cache {
	case "":
		cfg.Gemini.CacheDir = filepath.Join(g.workdir, ".cache", "gemini")
	case "none":
		cfg.Gemini.CacheDir = ""
	default:
		cfg.Gemini.CacheDir = o.cache
	}
	cfg.Workdir, cfg.Force, cfg.Version, cfg.Logger = g.workdir, g.force, version, g.log
	cfg.Gemini.Logger = g.log
	return cfg, nil
}

// printRecommend prints what a run did: for one person, the report and its files (nothing
// when it failed: the error says why); for a users file, the counts and the output paths that
// were written.
func printRecommend(g *globalOptions, res *recommend.Result, single bool) {
	if single {
		if len(res.Outcomes) != 1 || res.Outcomes[0].Text == "" {
			return
		}
		o := res.Outcomes[0]
		if text, err := os.ReadFile(o.Text); err == nil {
			g.stdout.Write(text)
			fmt.Fprintln(g.stdout)
		}
		fmt.Fprintf(g.stdout, "recommend: %s report (%s) %s, %s, %s\n", o.Status, o.Analyst, o.Text, o.Markdown, o.JSON)
		return
	}
	fmt.Fprintf(g.stdout, "recommend: %d users: %d written, %d unchanged, %d failed; analyst %s; encoder %s; %d prompt + %d output tokens; %.1fs\n",
		len(res.Outcomes), res.Written, res.Unchanged, res.Failed, res.Analyst.Label(), res.Encoder,
		res.PromptTokens, res.OutputTokens, res.Wall.Seconds())
	fmt.Fprintf(g.stdout, "recommend: reports %s\n", res.Dir)
	if res.Summary != "" {
		fmt.Fprintf(g.stdout, "recommend: summary %s\nrecommend: failures %s\n", res.Summary, res.Failures)
	}
}

func init() {
	register(&command{
		name:    "recommend",
		summary: "write a career-transition report per person (Gemini, or the offline analyst)",
		usage: `For each person of a users file (current role and top 5 skills), embeds the skills with the
classifier's encoder, runs models/classifier.onnx and takes the 5 most probable roles other than
the current one; then Google Gemini judges them (replacing wrong ones, with the reason) and
explains each role: job description, per-skill Weak/Medium/Strong match, how the skills apply,
what to learn. Without GEMINI_API_KEY (or GOOGLE_API_KEY), or with --offline, the offline
analyst writes the same report from the role catalog and skill similarity. Each report names its
analyst; each role its provenance.

Inputs:  --users FILE: CSV with columns user_id, current_role, skills (separated by ; or |) or
         skill_1..skill_5, or JSON Lines {"user_id", "current_role", "skills": [...]};
         or one person: --role and --skills (its report is also printed). Control
         characters (ESC, NUL, BEL, ...) in ids, roles and skills are refused.
         <workdir>/models/classifier.onnx, classifier.json; <workdir>/data/clean/roles.parquet
         and data/features/embeddings.arrow (offline analyst).
Outputs: <workdir>/reports/users/<user>.txt, <user>.md, <user>.json (file names are the ids made
         safe), summary.csv (one row per person; a cell starting with = + - @ gets a leading
         ') and failures.jsonl (user, row, stage, reason). One person's report goes to
         <workdir>/reports/one/ instead. A person that cannot be processed never stops the
         others. A rerun skips people whose report is up to date (--force rewrites them);
         Gemini answers are cached; a --batch job killed while polling is resumed.
Exit:    0 every report written or up to date; 3 finished, but some people failed (see
         failures.jsonl); 1 every person failed, or an error; 2 usage; 130 interrupted.

Examples:
  skillx recommend --users data/sample/users.csv --workdir .
  skillx recommend --users people.jsonl --workers 16 --rpm 600 --workdir /data/kaggle
  skillx recommend --role "Data Analyst" --skills "SQL;Excel;Tableau;Python;Statistics" --offline`,
		flags: func(fs *flag.FlagSet, g *globalOptions) func(context.Context, []string) error {
			var o recommendOptions
			o.addFlags(fs)
			return func(ctx context.Context, args []string) error {
				if len(args) > 0 {
					return usagef("unexpected arguments %q", args)
				}
				cfg, err := o.config(g)
				if err != nil {
					return err
				}
				res, err := recommend.Run(ctx, cfg)
				if res != nil {
					printRecommend(g, res, cfg.Person != nil)
				}
				return err
			}
		},
	})
}
