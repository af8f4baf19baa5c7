package ingest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/skillx/skillx/internal/progress"
	"github.com/skillx/skillx/internal/records"
	"github.com/skillx/skillx/internal/tabular"
)

// linkedInSource joins LinkedIn's job_skills file (job_link, job_skills) with its job postings
// file (job_link, job_title, ...) by job_link. A posting with skills but no title row takes its
// title from the job_link URL slug; a title row with no skills row is rejected with that reason.
type linkedInSource struct {
	skills   string
	postings string // may be empty
	opts     tabular.Options
}

// linkedInTitle is what the postings file says about one job.
type linkedInTitle struct {
	title   string
	extras  []records.Extra
	row     int64
	line    int64
	raw     string
	matched bool
}

func newLinkedInSource(inputs []string, opts tabular.Options) (*linkedInSource, error) {
	paths := inputs
	if len(inputs) == 1 {
		if st, err := os.Stat(inputs[0]); err == nil && st.IsDir() {
			found, err := findLinkedInFiles(inputs[0])
			if err != nil {
				return nil, err
			}
			paths = found
		}
	}
	s := &linkedInSource{opts: opts}
	for _, p := range paths {
		r, err := tabular.Open(p, opts)
		if err != nil {
			return nil, err
		}
		h := r.Header()
		r.Close()
		switch {
		case tabular.FindColumn(h, "job_skills") >= 0:
			if s.skills != "" {
				return nil, fmt.Errorf("linkedin: two job_skills files (%s, %s); pass one", s.skills, p)
			}
			s.skills = p
		case tabular.FindColumn(h, "job_title") >= 0:
			if s.postings != "" {
				return nil, fmt.Errorf("linkedin: two job postings files (%s, %s); pass one", s.postings, p)
			}
			s.postings = p
		default:
			return nil, fmt.Errorf("linkedin: %s has neither a job_skills nor a job_title column; columns are: %s", p, quoteList(h))
		}
	}
	if s.skills == "" {
		return nil, errors.New("linkedin: no job_skills file (columns job_link,job_skills) among the inputs")
	}
	return s, nil
}

// findLinkedInFiles returns the CSV files of a folder that look like LinkedIn's.
func findLinkedInFiles(dir string) ([]string, error) {
	var out []string
	for _, pat := range []string{"*.csv", "*.csv.gz"} {
		m, _ := filepath.Glob(filepath.Join(dir, pat))
		for _, p := range m {
			r, err := tabular.Open(p, tabular.Options{})
			if err != nil {
				continue
			}
			h := r.Header()
			r.Close()
			if tabular.FindColumn(h, "job_link") >= 0 {
				out = append(out, p)
			}
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("linkedin: no CSV file with a job_link column in %s", dir)
	}
	return out, nil
}

func (s *linkedInSource) files() []string {
	if s.postings == "" {
		return []string{s.skills}
	}
	return []string{s.skills, s.postings}
}

// extraColumns are the postings file's columns kept beside the title, and where the title came
// from ("job_postings" or "job_link").
func (s *linkedInSource) extraColumns() ([]string, error) {
	return append(slices.Clone(linkedInTitleExtras), "title_from"), nil
}

func (s *linkedInSource) run(ctx context.Context, out *sink) error {
	titles := map[string]*linkedInTitle{}
	var order []*linkedInTitle
	var pst *FileStats
	if s.postings != "" {
		pst = out.stats(s.postings)
		if err := s.readTitles(ctx, out, pst, titles, &order); err != nil {
			return err
		}
	}
	if err := s.readSkills(ctx, out, titles); err != nil {
		return err
	}
	base := filepath.Base(s.postings)
	for _, t := range order {
		if t.matched {
			pst.Joined++
			continue
		}
		out.reject(pst, records.Reject{
			Stage: StageName, Source: "linkedin", SourceFile: base, SourceRow: t.row, SourceLine: t.line,
			Field: "job_link", Kind: "title without skills", Reason: "no job_skills row for this job_link: a title without skills", Role: t.title, Raw: t.raw,
		})
	}
	return nil
}

var linkedInTitleExtras = []string{"company", "job_location", "job_level", "job_type", "search_country"}

func (s *linkedInSource) readTitles(ctx context.Context, out *sink, st *FileStats, titles map[string]*linkedInTitle, order *[]*linkedInTitle) error {
	r, err := tabular.Open(s.postings, s.opts)
	if err != nil {
		return err
	}
	defer r.Close()
	h := r.Header()
	link, title := tabular.FindColumn(h, "job_link"), tabular.FindColumn(h, "job_title")
	if link < 0 {
		return fmt.Errorf("linkedin: %s: column \"job_link\" not found; columns are: %s", s.postings, quoteList(h))
	}
	extraIdx := make([]int, len(linkedInTitleExtras))
	for i, c := range linkedInTitleExtras {
		extraIdx[i] = tabular.FindColumn(h, c)
	}
	base := filepath.Base(s.postings)
	return eachRecord(ctx, r, s.postings, "linkedin", st, out, nil, func(rec *tabular.Record) error {
		key := strings.TrimSpace(rec.Fields[link])
		raw := strings.Clone(string(rec.Raw))
		if key == "" {
			out.reject(st, records.Reject{Stage: StageName, Source: "linkedin", SourceFile: base,
				SourceRow: rec.Row, SourceLine: rec.Line, Field: "job_link", Kind: "empty id", Reason: "empty job_link", Raw: raw})
			return nil
		}
		if _, dup := titles[key]; dup {
			out.reject(st, records.Reject{Stage: StageName, Source: "linkedin", SourceFile: base,
				SourceRow: rec.Row, SourceLine: rec.Line, Field: "job_link", Kind: "duplicate id", Reason: "duplicate job_link in the postings file", Raw: raw})
			return nil
		}
		t := &linkedInTitle{row: rec.Row, line: rec.Line, raw: raw}
		if title >= 0 {
			t.title = strings.Clone(rec.Fields[title])
		}
		for i, c := range linkedInTitleExtras {
			if j := extraIdx[i]; j >= 0 && rec.Fields[j] != "" {
				t.extras = append(t.extras, records.Extra{Key: c, Value: strings.Clone(rec.Fields[j])})
			}
		}
		titles[strings.Clone(key)] = t
		*order = append(*order, t)
		return nil
	})
}

func (s *linkedInSource) readSkills(ctx context.Context, out *sink, titles map[string]*linkedInTitle) error {
	r, err := tabular.Open(s.skills, s.opts)
	if err != nil {
		return err
	}
	defer r.Close()
	h := r.Header()
	link, skills := tabular.FindColumn(h, "job_link"), tabular.FindColumn(h, "job_skills")
	if link < 0 || skills < 0 {
		return fmt.Errorf("linkedin: %s: columns \"job_link\" and \"job_skills\" needed; columns are: %s", s.skills, quoteList(h))
	}
	st := out.stats(s.skills)
	base := filepath.Base(s.skills)
	bar := progress.Bytes(fileSize(s.skills), "ingest "+base)
	defer bar.Finish()
	return eachRecord(ctx, r, s.skills, "linkedin", st, out, bar, func(rec *tabular.Record) error {
		key := strings.TrimSpace(rec.Fields[link])
		p := records.RawPosting{Source: "linkedin", SourceFile: base, SourceRow: rec.Row, SourceLine: rec.Line,
			PostingID: key, Skills: rec.Fields[skills]}
		if t, ok := titles[key]; ok && !t.matched && t.title != "" {
			t.matched = true
			p.Role, p.Title = t.title, t.title
			p.Extras = append(t.extras[:len(t.extras):len(t.extras)], records.Extra{Key: "title_from", Value: "job_postings"})
		} else {
			p.Title = TitleFromJobLink(key)
			p.Role = p.Title
			if p.Title != "" {
				p.Extras = []records.Extra{{Key: "title_from", Value: "job_link"}}
			}
		}
		return out.posting(st, p)
	})
}

var trailingID = regexp.MustCompile(`-\d+$`)

// TitleFromJobLink reads a job title from a LinkedIn job URL's slug:
// ".../jobs/view/housekeeper-i-pt-at-jacksonville-state-university-3802280436" gives
// "housekeeper i pt". It returns "" when the link has no slug.
func TitleFromJobLink(link string) string {
	link = strings.TrimRight(strings.TrimSpace(link), "/")
	if i := strings.IndexAny(link, "?#"); i >= 0 {
		link = link[:i]
	}
	slug := link[strings.LastIndex(link, "/")+1:]
	slug = trailingID.ReplaceAllString(slug, "")
	if i := strings.Index(slug, "-at-"); i > 0 {
		slug = slug[:i]
	}
	return strings.TrimSpace(strings.Join(strings.FieldsFunc(slug, func(r rune) bool { return r == '-' || r == '_' }), " "))
}
