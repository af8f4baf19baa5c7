package clean

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/skillx/skillx/internal/manifest"
	"github.com/skillx/skillx/internal/parquetio"
	"github.com/skillx/skillx/internal/records"
	"github.com/skillx/skillx/internal/stage"
	"github.com/skillx/skillx/internal/textnorm"
)

// StageName names the stage in manifests and logs.
const StageName = "clean"

// Algorithm is the version of the clean stage's logic, part of its key: bump it when a change
// to this stage changes its outputs, so that outputs made by the old logic are made again.
const Algorithm = 1

// Config configures a clean run.
type Config struct {
	// Workdir holds data/, models/ and reports/.
	Workdir string
	// Force reruns the stage even when its inputs are unchanged.
	Force bool
	// Version is the skillx version recorded in manifests.
	Version string
	// MaxRejectShare is the largest share of the raw postings that clean may reject before the
	// run fails, publishing nothing; 0 means DefaultMaxRejectShare, and 1 never fails.
	// Ingest's rejects do not count: ingest has its own limit.
	MaxRejectShare float64
	// Logger receives progress logs; nil means slog.Default().
	Logger *slog.Logger
}

// DefaultMaxRejectShare is the share of rejected raw postings above which a run fails when
// Config.MaxRejectShare is 0.
const DefaultMaxRejectShare = 0.5

// Paths are the files the clean stage writes.
type Paths struct {
	Postings, Rejects, Roles, SummaryMD, SummaryJSON string
	// FailedRejects is where a run that fails for rejecting too many postings leaves the
	// postings it rejected, since it does not replace the outputs of an earlier run. A
	// successful run removes it.
	FailedRejects string
}

// OutputPaths returns the clean stage's output paths under workdir.
func OutputPaths(workdir string) Paths {
	d := filepath.Join(workdir, "data", "clean")
	r := filepath.Join(workdir, "reports", "clean")
	return Paths{
		Postings:      filepath.Join(d, "postings.parquet"),
		Rejects:       filepath.Join(d, "rejects.parquet"),
		Roles:         filepath.Join(d, "roles.parquet"),
		SummaryMD:     filepath.Join(r, "summary.md"),
		SummaryJSON:   filepath.Join(r, "summary.json"),
		FailedRejects: filepath.Join(d, "rejects.failed.parquet"),
	}
}

// Result is what a clean run did; it is also the content of summary.json.
type Result struct {
	// Paths are the outputs.
	Paths Paths `json:"-"`
	// Skipped is true when the outputs were up to date and nothing ran.
	Skipped bool `json:"-"`
	// SourceRecords is the number of records the ingest stage read from the sources.
	SourceRecords int64 `json:"source_records"`
	// IngestRejected is the number of records ingest could not read.
	IngestRejected int64 `json:"ingest_rejected"`
	// IngestJoined is the number of records ingest merged into postings of another file.
	IngestJoined int64 `json:"ingest_joined"`
	// RawPostings is the number of postings in data/raw.
	RawPostings int64 `json:"raw_postings"`
	// Rejected is the number of raw postings this stage rejected.
	Rejected int64 `json:"rejected"`
	// RejectedByKind counts all rejects (ingest's and clean's) by kind.
	RejectedByKind map[string]int64 `json:"rejected_by_kind"`
	// Duplicates is the number of raw postings merged into an earlier one with the same role
	// (compared by RoleKey, so ignoring case and spacing), and the same skills text and
	// description after trimming and collapsing white space (NormalizeText), whose skills text
	// also splits into the same phrases (it can differ only where the line breaks differ).
	Duplicates int64 `json:"duplicates"`
	// Postings is the number of distinct postings written.
	Postings int64 `json:"postings"`
	// Roles is the number of distinct roles.
	Roles int64 `json:"roles"`
	// SkillsTexts is the number of distinct skills texts.
	SkillsTexts int64 `json:"distinct_skills_texts"`
	// SkillPhrases is the number of distinct skill phrases.
	SkillPhrases int64 `json:"distinct_skill_phrases"`
	// SingleTextRoles is the number of roles with exactly one distinct skills text.
	SingleTextRoles int64 `json:"roles_with_one_skills_text"`
	// RowLevelSplitLeaks is true when most roles have one skills text, so that a row-level
	// train/test split puts the same text with the same label on both sides.
	RowLevelSplitLeaks bool `json:"row_level_split_leaks"`
	// Text says, for each source file whose text ingest decoded from an 8-bit encoding or in
	// which it replaced bytes with U+FFFD, what it did (from ingest's manifest).
	Text []SourceText `json:"source_text,omitempty"`
	// WallSeconds is how long the run took.
	WallSeconds float64 `json:"wall_seconds"`
}

// roleAgg accumulates what is known about one role.
type roleAgg struct {
	key          string
	displays     map[string]int64
	postings     int64
	distinct     int64
	texts        map[string]bool
	phrases      map[string]int64
	descriptions map[string]int64
	titles       map[string]int64
	ids          []string
	first        int
}

// Run cleans data/raw under cfg.Workdir into data/clean and reports/clean. The caller holds
// the workdir lock (see internal/stage).
func Run(ctx context.Context, cfg Config) (*Result, error) {
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	maxShare := cfg.MaxRejectShare
	if maxShare == 0 {
		maxShare = DefaultMaxRejectShare
	}
	if maxShare < 0 || maxShare > 1 {
		return nil, fmt.Errorf("clean: the largest share of rejected postings is %g; want a number from 0 to 1", cfg.MaxRejectShare)
	}
	rawDir := filepath.Join(cfg.Workdir, "data", "raw")
	rawPostings := filepath.Join(rawDir, "postings.parquet")
	rawRejects := filepath.Join(rawDir, "rejects.parquet")
	paths := OutputPaths(cfg.Workdir)
	r, err := stage.Begin(stage.Spec{
		Name: StageName, Workdir: cfg.Workdir, Algorithm: Algorithm, Version: cfg.Version, Force: cfg.Force, Log: log,
		Inputs:  []stage.Input{{Path: rawPostings, MadeBy: "ingest"}, {Path: rawRejects, MadeBy: "ingest"}},
		Params:  map[string]any{"splitter": SplitterVersion, "max_reject_share": maxShare},
		Outputs: []string{paths.Postings, paths.Rejects, paths.Roles, paths.SummaryJSON, paths.SummaryMD},
	})
	if err != nil {
		return nil, err
	}
	defer r.Abort()
	res := &Result{Paths: paths, RejectedByKind: map[string]int64{}}
	if r.UpToDate() {
		res.Skipped = true
		return res, nil
	}
	m, err := work(ctx, r, paths, rawPostings, rawRejects, maxShare, res, log)
	if err != nil {
		return nil, fmt.Errorf("clean: %w", err)
	}
	if err := r.Publish(m, nil); err != nil {
		return nil, err
	}
	if err := os.Remove(paths.FailedRejects); err != nil && !errors.Is(err, os.ErrNotExist) {
		log.Warn("clean: cannot remove the rejects of an earlier failed run", "path", paths.FailedRejects, "err", err)
	}
	log.Info("clean: done", "raw_postings", res.RawPostings, "postings", res.Postings, "duplicates", res.Duplicates,
		"rejected", res.Rejected, "roles", res.Roles, "seconds", fmt.Sprintf("%.1f", res.WallSeconds))
	return res, nil
}

// work cleans the raw postings into the outputs, which it registers with r (rejects, postings,
// roles, summaries), fills res and returns what the manifests add to the run's.
func work(ctx context.Context, r *stage.Runner, paths Paths, rawPostings, rawRejects string, maxShare float64, res *Result, log *slog.Logger) (manifest.Manifest, error) {
	start := time.Now()
	var none manifest.Manifest
	ingestRows := map[string]int64{}
	if m := r.InputManifest(rawPostings); m != nil {
		ingestRows = m.Rows
		res.Text = sourceText(m)
	}
	warnText(log, res.Text)

	rejects, err := parquetio.Create[records.Reject](paths.Rejects)
	if err != nil {
		return none, err
	}
	r.Add(paths.Rejects, rejects)
	// This run's own rejects also go here, to be kept if the run fails (see checkRejectShare).
	failed, err := parquetio.Create[records.Reject](paths.FailedRejects)
	if err != nil {
		return none, err
	}
	defer failed.Abort()
	// Carry ingest's rejects forward, so that data/clean accounts for every source record.
	err = parquetio.Scan(rawRejects, 1024, func(rows []records.Reject) error {
		for _, r := range rows {
			res.IngestRejected++
			res.RejectedByKind[r.Kind]++
		}
		return rejects.Write(rows...)
	})
	if err != nil {
		return none, err
	}

	d := newDeduper(res, func(rj records.Reject) error {
		if err := failed.Write(rj); err != nil {
			return err
		}
		return rejects.Write(rj)
	})
	total, _ := parquetio.NumRows(rawPostings)
	if err := d.scan(ctx, rawPostings, total); err != nil {
		return none, err
	}
	postings, roleOrder, own := d.postings, d.roleOrder, d.own

	// One display name per role: the most frequent normalised spelling (ties: first in order).
	displayOf := map[string]string{}
	for _, agg := range roleOrder {
		displayOf[agg.key] = mostFrequent(agg.displays)
	}
	roleRows := make([]records.Role, 0, len(roleOrder))
	for _, agg := range roleOrder {
		roleRows = append(roleRows, agg.row(displayOf[agg.key]))
		if len(agg.texts) == 1 {
			res.SingleTextRoles++
		}
	}
	sort.Slice(roleRows, func(i, j int) bool { return roleRows[i].RoleKey < roleRows[j].RoleKey })
	if err := writeRows(r, paths.Roles, roleRows, len(roleRows)); err != nil {
		return none, err
	}
	for i := range postings {
		postings[i].Role = displayOf[postings[i].RoleKey]
	}

	res.Postings = int64(len(postings))
	res.Roles = int64(len(roleRows))
	res.SkillsTexts = int64(len(d.allTexts))
	res.SkillPhrases = int64(len(d.allPhrases))
	res.SourceRecords = ingestRows["in"]
	res.IngestJoined = ingestRows["joined"]
	res.RowLevelSplitLeaks = res.Roles > 0 && res.SingleTextRoles*2 > res.Roles
	if res.RawPostings != res.Postings+res.Duplicates+res.Rejected {
		return none, fmt.Errorf("internal error: %d raw postings but %d postings + %d duplicates + %d rejected",
			res.RawPostings, res.Postings, res.Duplicates, res.Rejected)
	}
	if err := checkRejectShare(res, maxShare, own, failed, paths.FailedRejects); err != nil {
		return none, err
	}
	res.WallSeconds = time.Since(start).Seconds()
	summary, err := stageSummary(paths, res)
	if err != nil {
		return none, err
	}
	r.Add(paths.SummaryJSON, summary[0])
	r.Add(paths.SummaryMD, summary[1])
	// The postings go last: later stages read them first.
	if err := writeRows(r, paths.Postings, postings, 4096); err != nil {
		return none, err
	}
	return manifest.Manifest{
		Rows: map[string]int64{
			"raw_postings": res.RawPostings, "out": res.Postings, "duplicates": res.Duplicates,
			"rejected": res.Rejected, "ingest_rejected": res.IngestRejected, "source_records": res.SourceRecords,
			"ingest_joined": res.IngestJoined, "roles": res.Roles,
		},
		Notes: map[string]any{
			"rows_add_up":      "raw_postings = out + duplicates + rejected; source_records = sum(count) + ingest_joined + rejected + ingest_rejected",
			"rejected_by_kind": res.RejectedByKind,
		},
		Started: start.UTC(), WallSeconds: res.WallSeconds,
	}, nil
}

// writeRows writes rows, batch at a time, to a Parquet output at path registered with r.
func writeRows[T any](r *stage.Runner, path string, rows []T, batch int) error {
	w, err := parquetio.Create[T](path)
	if err != nil {
		return err
	}
	r.Add(path, w)
	for i := 0; i < len(rows); i += batch {
		if err := w.Write(rows[i:min(i+batch, len(rows))]...); err != nil {
			return err
		}
	}
	return nil
}

func (agg *roleAgg) row(display string) records.Role {
	r := records.Role{
		Role: display, RoleKey: agg.key, Postings: agg.postings, DistinctPostings: agg.distinct,
		DistinctSkillsTexts: int64(len(agg.texts)), Description: mostFrequent(agg.descriptions), PostingIDs: agg.ids,
	}
	for p, c := range agg.phrases {
		r.Skills = append(r.Skills, records.PhraseCount{Phrase: p, Count: c})
	}
	sort.Slice(r.Skills, func(i, j int) bool {
		if r.Skills[i].Count != r.Skills[j].Count {
			return r.Skills[i].Count > r.Skills[j].Count
		}
		return r.Skills[i].Phrase < r.Skills[j].Phrase
	})
	r.Titles = topKeys(agg.titles, 10)
	return r
}

// mostFrequent returns the key with the highest count; ties go to the smallest key, so the
// result does not depend on map order.
func mostFrequent(m map[string]int64) string {
	best, bestN := "", int64(-1)
	for k, n := range m {
		if n > bestN || (n == bestN && k < best) {
			best, bestN = k, n
		}
	}
	return best
}

func topKeys(m map[string]int64, k int) []string {
	keys := make([]string, 0, len(m))
	for key := range m {
		keys = append(keys, key)
	}
	sort.Slice(keys, func(i, j int) bool {
		if m[keys[i]] != m[keys[j]] {
			return m[keys[i]] > m[keys[j]]
		}
		return keys[i] < keys[j]
	})
	if len(keys) > k {
		keys = keys[:k]
	}
	return keys
}

func hash2(s1, s2 maphash.Seed, parts ...string) [2]uint64 {
	var h1, h2 maphash.Hash
	h1.SetSeed(s1)
	h2.SetSeed(s2)
	for _, s := range parts {
		h1.WriteString(s)
		h1.WriteByte(0)
		h2.WriteString(s)
		h2.WriteByte(0)
	}
	return [2]uint64{h1.Sum64(), h2.Sum64()}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// memo remembers the results of compute for recent keys: sources repeat the same role names
// and texts a lot. It forgets everything when it holds max entries, so memory stays bounded.
type memo[V any] struct {
	m       map[string]V
	max     int
	compute func(string) V
}

func newMemo[V any](max int, compute func(string) V) *memo[V] {
	return &memo[V]{m: map[string]V{}, max: max, compute: compute}
}

func (c *memo[V]) get(key string) V {
	if v, ok := c.m[key]; ok {
		return v
	}
	v := c.compute(key)
	if len(c.m) >= c.max {
		clear(c.m)
	}
	c.m[key] = v
	return v
}

// roleNames returns the display form and key of a role name.
func roleNames(role string) [2]string {
	display := textnorm.NormalizeRole(role)
	return [2]string{display, textnorm.RoleKey(display)}
}

// normalizeNonEmpty is NormalizeText, skipping the empty string.
func normalizeNonEmpty(s string) string {
	if s == "" {
		return ""
	}
	return textnorm.NormalizeText(s)
}
