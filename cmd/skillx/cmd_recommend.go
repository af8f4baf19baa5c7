package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/skillx/skillx/internal/encoder"
	"github.com/skillx/skillx/internal/gemini"
	"github.com/skillx/skillx/internal/skillfind"
	"github.com/skillx/skillx/internal/textsafe"
	"github.com/skillx/skillx/recommend"
)

// recommendOptions are the flags of `skillx recommend`.
type recommendOptions struct {
	cfg     recommend.Config
	person  recommend.Person
	cache   string
	retries int
	shard   string
	// resume is the --resume file of one person ("-": stdin).
	resume string
	// getenv looks up environment variables (--shard auto/N); nil means os.Getenv.
	getenv func(string) string
}

func (o *recommendOptions) addFlags(fs *flag.FlagSet) {
	fs.StringVar(&o.cfg.Users, "users", "", "users file: CSV (user_id,current_role,skills or skill_1..skill_5; optional resume, history) or JSON Lines; gzip allowed")
	fs.StringVar(&o.person.CurrentRole, "role", "", "one person's current role (with --skills, instead of --users)")
	fs.StringVar(&o.person.Skills, "skills", "", `one person's skills, separated by ";" or "|"`)
	fs.StringVar(&o.resume, "resume", "", "one person's résumé, a plain-text file ('-' reads stdin; at most 64 KiB): without --skills, its five strongest skills are used")
	fs.StringVar(&o.person.History, "history", "", `one person's work history ("Data Analyst 2019-present; Junior Analyst 2017-2019"): without --role, its current position is the role`)
	fs.StringVar(&o.person.ID, "user-id", "", "id of the person given by --role and --skills (default cli-<hash of role and skills>)")
	fs.StringVar(&o.cfg.OutDir, "out", "", "reports folder (default <workdir>/reports/users; for --role and --skills, <workdir>/reports/one)")
	fs.BoolVar(&o.cfg.AllowOutsideWorkdir, "allow-outside-workdir", false, "write reports where a symbolic link in the reports folder's path leads out of the workdir (the real folder is printed)")
	fs.StringVar(&o.cfg.Model, "model", "", "ONNX classifier (default <workdir>/models/classifier.onnx)")
	fs.StringVar(&o.cfg.Labels, "labels", "", "classifier.json or a JSON list of labels (default <workdir>/models/classifier.json)")
	fs.StringVar(&o.cfg.Encoder.Kind, "encoder", encoder.KindAuto, "encoder of the skills: auto (the model's), minilm, hashing; its id must be the model's")
	fs.StringVar(&o.cfg.Encoder.ModelDir, "model-dir", "", "folder with the MiniLM onnx/model.onnx and tokenizer.json")
	fs.BoolVar(&o.cfg.Offline, "offline", false, "use the offline analyst even when a Gemini API key is set")
	fs.StringVar(&o.cfg.ONET, "onet", "", "an O*NET database folder: its Job Zones.txt decides step up / lateral / step down between two O*NET occupations of the role catalog (other roles: by title words)")
	fs.StringVar(&o.cfg.Gemini.Model, "gemini-model", gemini.DefaultModel, "Gemini model")
	fs.IntVar(&o.cfg.Workers, "workers", recommend.DefaultWorkers, "people processed at once")
	fs.IntVar(&o.cfg.Gemini.RPM, "rpm", 60, "Gemini requests per minute, shared by all workers, retries included (0: no limit)")
	fs.DurationVar(&o.cfg.Gemini.Timeout, "timeout", gemini.DefaultTimeout, "time limit of one Gemini request")
	fs.IntVar(&o.retries, "retries", gemini.DefaultMaxRetries, "retries of a failed Gemini request (429, 5xx, timeouts, invalid replies), with exponential backoff")
	fs.BoolVar(&o.cfg.Batch, "batch", false, "send the people through the Gemini Batch API (cheaper, slower)")
	fs.DurationVar(&o.cfg.BatchPoll, "batch-poll", gemini.DefaultPoll, "polling interval of a batch job")
	fs.StringVar(&o.cache, "cache", "", `Gemini response cache folder (default <workdir>/.cache/gemini; "none" disables it)`)
	fs.StringVar(&o.shard, "shard", "", "process only shard I of N of the users file (I/N, 0 <= I < N; auto/N takes I from $"+recommend.JobIndexEnv+
		", a Kubernetes Indexed Job's pod index), into <out>/shard-I-of-N; join the shards with --merge")
}

func (o *recommendOptions) config(g *globalOptions) (recommend.Config, error) {
	cfg := o.cfg
	single := o.person.CurrentRole != "" || o.person.Skills != "" || o.person.ID != "" || o.resume != "" || o.person.History != ""
	switch {
	case cfg.Users != "" && single:
		return cfg, usagef("give either --users or --role and --skills, not both")
	case cfg.Users == "" && !single:
		return cfg, usagef("no input: give --users FILE, or --role and --skills for one person")
	case single && o.person.CurrentRole == "" && o.person.History == "":
		return cfg, usagef("one person needs --role (or --history, whose current position is the role)")
	case single && o.person.Skills == "" && o.resume == "" && o.person.History == "":
		return cfg, usagef("one person needs --skills (or --resume or --history, in which the skills are found)")
	}
	if o.shard != "" {
		if single {
			return cfg, usagef("--shard splits a users file; it does not apply to --role and --skills")
		}
		getenv := o.getenv
		if getenv == nil {
			getenv = os.Getenv
		}
		sh, err := recommend.ParseShard(o.shard, getenv)
		if err != nil {
			return cfg, usagef("--%v", err)
		}
		cfg.Shard = sh
	}
	if single {
		for _, f := range []struct{ flag, value string }{{"--role", o.person.CurrentRole}, {"--skills", o.person.Skills}, {"--user-id", o.person.ID}, {"--history", o.person.History}} {
			if p := textsafe.Problem(f.value); p != "" {
				return cfg, usagef("%s %s; control characters are not allowed", f.flag, p)
			}
		}
		p := o.person
		if o.resume != "" { // read whole here; its size, encoding and content are the finder's checks
			text, err := readResume(o.resume, skillfind.DefaultMaxBytes)
			if err != nil {
				return cfg, fmt.Errorf("recommend: --resume %w", err)
			}
			if len(text) == 0 {
				return cfg, fmt.Errorf("recommend: --resume %s: %w", o.resume, skillfind.ErrEmpty)
			}
			p.Resume = string(text)
		}
		cfg.Person = &p
	}
	if cfg.Workers < 1 {
		return cfg, usagef("--workers %d: want 1 or more", cfg.Workers)
	}
	if err := checkONET(cfg.ONET); err != nil {
		return cfg, err
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

// checkONET checks recommend's --onet folder (if any) before anything is loaded.
func checkONET(dir string) error {
	if dir == "" {
		return nil
	}
	if err := recommend.CheckONET(dir); err != nil {
		return fmt.Errorf("recommend: %w", err)
	}
	return nil
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
	shard := ""
	if res.Shard.Count > 0 {
		shard = fmt.Sprintf(" (shard %s)", res.Shard)
	}
	fmt.Fprintf(g.stdout, "recommend: %d users%s: %d written, %d unchanged, %d failed; analyst %s; encoder %s; %d prompt + %d output tokens; %.1fs\n",
		res.Users, shard, res.Written, res.Unchanged, res.Failed, res.Analyst.Label(), res.Encoder,
		res.PromptTokens, res.OutputTokens, res.Wall.Seconds())
	fmt.Fprintf(g.stdout, "recommend: reports %s\n", res.Dir)
	if res.Summary != "" {
		fmt.Fprintf(g.stdout, "recommend: summary %s\nrecommend: failures %s\n", res.Summary, res.Failures)
	}
}

// mergeConfig returns the config of `skillx recommend --merge [SHARD_DIR...]`: --users (the
// file the shards read) and --out (where the joined files go, and where the shard folders are
// looked for when none is named) are the only other flags it takes.
func (o *recommendOptions) mergeConfig(g *globalOptions, fs *flag.FlagSet, dirs []string) (recommend.MergeConfig, error) {
	var others []string
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "merge", "users", "out", "workdir", "log-level", "wait", "force":
		default:
			others = append(others, "--"+f.Name)
		}
	})
	if len(others) > 0 {
		return recommend.MergeConfig{}, usagef("--merge joins the outputs of shards; it does not take %s", strings.Join(others, ", "))
	}
	if o.cfg.Users == "" {
		return recommend.MergeConfig{}, usagef("--merge needs --users: the users file the shards read, to check that each of its people is in exactly one shard")
	}
	out := o.cfg.OutDir
	if out == "" {
		out = recommend.DefaultOutDir(g.workdir)
	}
	return recommend.MergeConfig{Users: o.cfg.Users, Dir: out, Shards: dirs, Version: version, Logger: g.log}, nil
}

// printMerge prints what a merge did.
func printMerge(g *globalOptions, res *recommend.MergeResult) {
	fmt.Fprintf(g.stdout, "recommend: merged %d shards: %d users: %d written, %d unchanged, %d failed; %d prompt + %d output tokens; %.1fs\n",
		res.Count, res.Users, res.Written, res.Unchanged, res.Failed, res.PromptTokens, res.OutputTokens, res.Wall.Seconds())
	fmt.Fprintf(g.stdout, "recommend: summary %s\nrecommend: failures %s\n", res.Summary, res.Failures)
}

// newRecommendCommand returns the skillx recommend command.
func newRecommendCommand() *command {
	return &command{
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
         characters (ESC, NUL, BEL, ...) in ids, roles and skills are refused. Optional
         columns (keys) resume (plain text, at most 64 KiB) and history ("Data Analyst
         2019-present; Junior Analyst 2017-2019"), for one person --resume FILE|- and
         --history TEXT: without skills, the 5 strongest skills found in them are used; without
         a current role, the history's current position. The report lists the skills found and
         why; only the skill names and the role are sent to Gemini, never the résumé's text.
         <workdir>/models/classifier.onnx, classifier.json; <workdir>/data/clean/roles.parquet
         and data/features/embeddings.arrow (offline analyst). --onet DIR: DIR/Job Zones.txt
         (with roles.parquet, whose O*NET roles carry their O*NET-SOC codes): each role's step
         up / lateral move / step down compares O*NET Job Zones when both the current role and
         the role have one, title words otherwise; the report says which.
Outputs: <workdir>/reports/users/<user>.txt, <user>.md, <user>.json (file names are the ids made
         safe), summary.csv (one row per person; a cell starting with = + - @ gets a leading
         ') and failures.jsonl (user, row, stage, reason). One person's report goes to
         <workdir>/reports/one/ instead. A person that cannot be processed never stops the
         others. A rerun skips people whose report is up to date (--force rewrites them);
         Gemini answers are cached; a --batch job killed while polling is resumed.
Scale:   the users file is streamed: people are processed 4,096 at a time and summary.csv and
         failures.jsonl are written as they go (put in place at the end), so memory does not
         grow with the number of people. People with the same role and skills are ranked and
         analysed once. A hidden index in the reports folder (.skillx-recommend.index) lets a
         rerun pass over up-to-date reports without ranking the people again.
Shards:  --shard I/N processes only the people whose id falls in shard I of N (the first 8
         bytes of the id's SHA-256, modulo N: a person is in exactly one shard whatever N, and
         stays in it when rows are added), into <out>/shard-I-of-N. --shard auto/N takes I
         from $JOB_COMPLETION_INDEX (a Kubernetes Indexed Job). Each shard exits 0, 3 or 1 as
         above. Then --merge --users FILE [--out DIR] [SHARD_DIR...] joins the shards' summary.csv
         and failures.jsonl into DIR (default <workdir>/reports/users; the shard folders are
         looked for there when none is named), checking that every person of FILE is in
         exactly one shard (else exit 1, naming the missing and duplicated people); it exits
         3 when some people failed.
Exit:    0 every report written or up to date; 3 finished, but some people failed (see
         failures.jsonl); 1 every person failed, or an error; 2 usage; 130 interrupted.

Examples:
  skillx recommend --users data/sample/users.csv --workdir .
  skillx recommend --users people.jsonl --workers 16 --rpm 600 --workdir /data/kaggle
  skillx recommend --role "Data Analyst" --skills "SQL;Excel;Tableau;Python;Statistics" --offline
  skillx recommend --resume cv.txt --history "Data Analyst 2019-present; Junior Analyst 2017-2019" --offline
  skillx recommend --users people.csv --shard 2/8 --out /shared/out --workdir .   (one of 8 jobs)
  skillx recommend --merge --users people.csv --out /shared/out --workdir .`,
		flags: func(fs *flag.FlagSet, g *globalOptions) func(context.Context, []string) error {
			var o recommendOptions
			o.addFlags(fs)
			merge := fs.Bool("merge", false, "join the summary.csv and failures.jsonl of the shards (the folders given as arguments, or the shard-I-of-N folders of --out) into --out, checking them against --users")
			return func(ctx context.Context, args []string) error {
				if *merge {
					mcfg, err := o.mergeConfig(g, fs, args)
					if err != nil {
						return err
					}
					res, err := recommend.Merge(ctx, mcfg)
					if res != nil {
						printMerge(g, res)
					}
					return err
				}
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
	}
}
