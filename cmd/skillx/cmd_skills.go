package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/skillx/skillx/internal/joblevel"
	"github.com/skillx/skillx/internal/skillfind"
)

// skillsFormat names the JSON output of `skillx skills`.
const skillsFormat = "skillx-skills-v1"

// skillsOptions are the flags of `skillx skills`.
type skillsOptions struct {
	resume   string
	top      int
	format   string
	onet     string
	title    string
	maxBytes int
}

func (o *skillsOptions) addFlags(fs *flag.FlagSet) {
	fs.StringVar(&o.resume, "resume", "", "the résumé or work history, a plain-text file ('-' reads stdin)")
	fs.IntVar(&o.top, "top", 10, "how many skills to print")
	fs.StringVar(&o.format, "format", "text", "output: text or json")
	fs.StringVar(&o.onet, "onet", "", "an O*NET database folder: adds its technology skills (and Hot Technology / In Demand flags) to the vocabulary")
	fs.StringVar(&o.title, "title", "", "the person's current job title: prints its job level")
	fs.IntVar(&o.maxBytes, "max-bytes", skillfind.DefaultMaxBytes, "the largest résumé accepted, in bytes")
}

// newSkillsCommand returns the skillx skills command.
func newSkillsCommand() *command {
	return &command{
		name:    "skills",
		summary: "find a person's skills in a résumé, ranked with their evidence",
		usage: `Finds the skills of the pipeline's vocabulary (the skill phrases of the role catalog, and
O*NET's technology skills with --onet) in a plain-text résumé or work history, and prints them
strongest first, each with its evidence: the lines it came from, how often, in which section
(skills, experience, summary, education, ...), and the years of experience stated. The text
is repaired first (mojibake such as â€¢, control characters, repeated lines counted once).
The top 5 are what recommend would take for the person. Nothing is sent anywhere.

Inputs:  <workdir>/data/clean/roles.parquet (from skillx clean), the résumé (--resume),
         optionally an O*NET folder (--onet)
Outputs: the ranked skills on stdout (text, or JSON with --format json)

Example:
  skillx skills --workdir . --resume data/sample/resumes/priya_data_analyst.txt --top 10
  skillx skills --workdir . --resume cv.txt --onet ../shared/datasets/onet-29.2 --format json`,
		flags: func(fs *flag.FlagSet, g *globalOptions) func(context.Context, []string) error {
			var o skillsOptions
			o.addFlags(fs)
			return func(ctx context.Context, args []string) error {
				if len(args) > 0 {
					return usagef("unexpected arguments %q", args)
				}
				return runSkills(ctx, g, o)
			}
		},
	}
}

// runSkills validates the options, builds the finder and prints the résumé's skills.
func runSkills(ctx context.Context, g *globalOptions, o skillsOptions) error {
	switch {
	case o.resume == "":
		return usagef("no résumé: pass --resume FILE (a plain-text file, or - for stdin)")
	case o.top < 1:
		return usagef("--top %d: want 1 or more", o.top)
	case o.format != "text" && o.format != "json":
		return usagef("--format %q: want text or json", o.format)
	case o.maxBytes < 1:
		return usagef("--max-bytes %d: want 1 or more", o.maxBytes)
	}
	roles, err := skillfind.ReadCatalog(g.workdir)
	if err != nil {
		return fmt.Errorf("skills: %w", err)
	}
	var onet *skillfind.ONET
	if o.onet != "" {
		if onet, err = skillfind.ReadONET(o.onet); err != nil {
			return fmt.Errorf("skills: --onet %s: %w", o.onet, err)
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	text, err := readResume(o.resume, o.maxBytes)
	if err != nil {
		return fmt.Errorf("skills: %w", err)
	}
	vocab := skillfind.NewVocabulary(roles, onet)
	f := skillfind.New(vocab, skillfind.Options{MaxBytes: o.maxBytes})
	res, err := f.FindBytes(text)
	if err != nil {
		return fmt.Errorf("skills: %s: %w", o.resume, err)
	}
	out := skillsOutput{Format: skillsFormat, Resume: o.resume, Top5: res.Top(5), Result: res,
		Vocabulary: vocabularyInfo{Catalog: skillfind.CatalogPath(g.workdir), Roles: len(roles), Skills: vocab.Groups(), ONET: o.onet}}
	if onet != nil {
		out.Vocabulary.ONETExamples = len(onet.Skills)
	}
	if o.title != "" {
		d := joblevel.Detect(o.title)
		out.Level = &levelInfo{Title: o.title, Level: d.Level.String(), Rank: d.Level.Rank(), Words: d.Words, Stated: d.Stated}
	}
	res.Skills = res.Skills[:min(o.top, len(res.Skills))]
	if o.format == "json" {
		enc := json.NewEncoder(g.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	printSkills(g.stdout, out)
	return nil
}

// readResume reads a résumé file (or stdin for "-"), refusing one over max bytes before
// reading it whole.
func readResume(path string, max int) ([]byte, error) {
	var r io.Reader
	if path == "-" {
		r = os.Stdin
	} else {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		if st, err := f.Stat(); err == nil && st.Size() > int64(max) {
			return nil, fmt.Errorf("%s: %w: %d bytes; the limit is %d bytes (--max-bytes)", path, skillfind.ErrTooLarge, st.Size(), max)
		}
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, int64(max)+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return b, nil
}

// skillsOutput is the JSON of `skillx skills`.
type skillsOutput struct {
	Format     string            `json:"format"`
	Resume     string            `json:"resume"`
	Vocabulary vocabularyInfo    `json:"vocabulary"`
	Level      *levelInfo        `json:"level,omitempty"`
	Top5       []string          `json:"top5"`
	Result     *skillfind.Result `json:"result"`
}

type vocabularyInfo struct {
	Catalog      string `json:"catalog"`
	Roles        int    `json:"roles"`
	Skills       int    `json:"skills"`
	ONET         string `json:"onet,omitempty"`
	ONETExamples int    `json:"onet_examples,omitempty"`
}

type levelInfo struct {
	Title  string `json:"title"`
	Level  string `json:"level"`
	Rank   int    `json:"rank"`
	Words  string `json:"words,omitempty"`
	Stated bool   `json:"stated"`
}

// printSkills writes the text report.
func printSkills(w io.Writer, out skillsOutput) {
	res := out.Result
	fmt.Fprintf(w, "Skills in %s (%d bytes, %d lines), strongest first:\n", out.Resume, res.Text.Bytes, res.Text.Lines)
	if len(res.Skills) == 0 {
		fmt.Fprintln(w, "  (none)")
	}
	for i, s := range res.Skills {
		fmt.Fprintf(w, "%2d. %s  (score %.2f: %s)\n", i+1, s.Name, s.Score, s.Why())
		for _, e := range s.Evidence {
			rep := ""
			switch {
			case e.Repeats == 1:
				rep = " (the line appears once more)"
			case e.Repeats > 1:
				rep = fmt.Sprintf(" (the line appears %d more times)", e.Repeats)
			}
			fmt.Fprintf(w, "      line %d, %s: %s%s\n", e.Line, e.Section, e.Text, rep)
		}
	}
	if len(out.Top5) > 0 {
		fmt.Fprintf(w, "Top 5 (what recommend takes; reorder them by giving skills directly): %s\n", strings.Join(out.Top5, "; "))
	}
	if out.Level != nil {
		how := fmt.Sprintf("from the word %q", out.Level.Words)
		if !out.Level.Stated {
			how = "no level word: an individual contributor"
		}
		fmt.Fprintf(w, "Job level of %q: %s (%s)\n", out.Level.Title, out.Level.Level, how)
	}
	for _, n := range res.Notes {
		fmt.Fprintf(w, "Note: %s\n", n)
	}
	v := out.Vocabulary
	fmt.Fprintf(w, "Vocabulary: %d skills from %s (%d roles)", v.Skills, v.Catalog, v.Roles)
	if v.ONET != "" {
		fmt.Fprintf(w, " and %d O*NET technology-skill rows (%s)", v.ONETExamples, v.ONET)
	}
	fmt.Fprintln(w, ". The résumé was read on this machine only; nothing was sent anywhere.")
}
