package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/skillx/skillx/internal/peoplebench"
)

// newPeopleBenchCommand returns the skillx people-bench command.
func newPeopleBenchCommand() *command {
	return &command{
		name:     "people-bench",
		readOnly: true,
		summary:  "build a benchmark of 5-skill people from real LinkedIn postings",
		usage: `Builds a person-shaped benchmark: each "person" is 5 skills drawn from one real LinkedIn posting
whose job title (read from the posting's link) maps to a Kaggle role or an O*NET occupation, by
exact match of the normalised title, else by its longest leading run of at least two words
(trailing specialty or place words dropped; the method column says which). A title listed under
more than --max-ambiguity roles (or occupations) is too vague to test and loses them. At most
--per-target people per Kaggle role and per O*NET occupation; postings with fewer than 5 skills
are skipped. The same data and --seed give a byte-identical file. See
internal/peoplebench/README.md.

Inputs (under --datasets):
  linkedin-2024-job-skills/job_skills_head.csv       job_link, job_skills
  kaggle-job-descriptions/job_descriptions_sample.csv Role
  onet-29.2/Occupation Data.txt, Alternate Titles.txt, Sample of Reported Titles.txt
Outputs: --out CSV, written atomically, one row per person: user_id, current_role (empty),
  skills ("; "), title, kaggle_roles, onet_codes, onet_titles (" | "), ambiguous, method, job_link.
  The counts go to stdout.

Example:
  skillx people-bench --datasets ../shared/datasets --out data/bench/people.csv --seed 1`,
		flags: func(fs *flag.FlagSet, g *globalOptions) func(context.Context, []string) error {
			var (
				datasets, out string
				seed          int64
				perTarget     int
				maxAmbiguity  int
			)
			fs.StringVar(&datasets, "datasets", "../shared/datasets", "folder of the shared data sets")
			fs.StringVar(&out, "out", "", "benchmark CSV to write (required)")
			fs.Int64Var(&seed, "seed", 1, "seed of the choice of postings and skills")
			fs.IntVar(&perTarget, "per-target", peoplebench.DefaultPerTarget, "most people per Kaggle role and per O*NET occupation (negative: no cap)")
			fs.IntVar(&maxAmbiguity, "max-ambiguity", peoplebench.DefaultMaxAmbiguity, "most Kaggle roles, and most O*NET occupations, one title may map to; vaguer titles lose those targets (negative: no limit)")
			return func(ctx context.Context, args []string) error {
				if len(args) > 0 {
					return usagef("unexpected arguments %q", args)
				}
				if out == "" {
					return usagef("--out is required")
				}
				if perTarget == 0 || maxAmbiguity == 0 {
					return usagef("--per-target and --max-ambiguity must not be 0 (negative: no limit)")
				}
				if err := ctx.Err(); err != nil {
					return err
				}
				people, st, err := peoplebench.Build(datasets, peoplebench.Options{Seed: seed, PerTarget: perTarget, MaxAmbiguity: maxAmbiguity})
				if err != nil {
					return err
				}
				if err := ctx.Err(); err != nil {
					return err
				}
				if err := peoplebench.Write(out, people); err != nil {
					return err
				}
				printPeopleBenchStats(g, out, st)
				return nil
			}
		},
	}
}

// printPeopleBenchStats prints the counts of a people-bench build.
func printPeopleBenchStats(g *globalOptions, out string, st peoplebench.Stats) {
	methods := func(m map[string]int) string {
		var parts []string
		for _, k := range peoplebench.Methods {
			parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
		}
		return strings.Join(parts, ", ")
	}
	w := g.stdout
	fmt.Fprintf(w, "people-bench: wrote %s (%d people)\n", out, st.People)
	fmt.Fprintf(w, "  postings read:        %d (%d unreadable, %d duplicate links, %d links without a title)\n", st.Postings, st.Unreadable, st.Duplicates, st.NoTitle)
	fmt.Fprintf(w, "  with a mapped title:  %d (%s)\n", st.Mapped, methods(st.MappedByMethod))
	fmt.Fprintf(w, "  left out:             %d too vague (more targets than --max-ambiguity), %d with fewer than %d skills, %d over the per-target cap\n",
		st.TooVague, st.TooFewSkills, peoplebench.SkillsPerPerson, st.Capped)
	fmt.Fprintf(w, "  people:               %d (%s)\n", st.People, methods(st.ByMethod))
	fmt.Fprintf(w, "  with a Kaggle role:   %d (%d of %d roles)\n", st.WithKaggle, st.KaggleRoles, st.KaggleRolesKnown)
	fmt.Fprintf(w, "  with an O*NET code:   %d (%d of %d occupations)\n", st.WithONET, st.ONETOccupations, st.ONETOccupationsKnown)
	fmt.Fprintf(w, "  with both:            %d\n", st.WithBoth)
	fmt.Fprintf(w, "  ambiguous:            %d (several roles or occupations; any of them counts as right)\n", st.Ambiguous)
}
