package joblevel

import (
	"regexp"
	"strconv"
	"strings"
)

// Position is one role of a work history.
type Position struct {
	// Title is the job title as written.
	Title string
	// From and To are the years (0: not stated); Current reports "present", "now" or
	// "current" as the end.
	From, To int
	Current  bool
	// Level is the title's level.
	Level Detection
}

var (
	yearRange  = regexp.MustCompile(`(?i)\(?\s*((?:19|20)\d{2})\s*(?:-|–|—|to|until)\s*((?:19|20)\d{2}|present|now|current|today|date)\s*\)?`)
	yearSince  = regexp.MustCompile(`(?i)\(?\s*(?:since|from)\s+((?:19|20)\d{2})\s*\)?`)
	singleYear = regexp.MustCompile(`\(?\s*\b((?:19|20)\d{2})\b\s*\)?`)
)

// ParseHistory reads a work history written as positions separated by ';', '|' or new lines,
// each a title with its years: "Data Analyst 2019-2022; Junior Analyst 2017-2019", "Senior
// Nurse (2020 – present)", "Team Lead since 2021", "Analyst, Acme Ltd, 2016". A company after
// a comma or " at " is dropped from the title. Positions without a title are left out.
func ParseHistory(text string) []Position {
	var out []Position
	for _, part := range strings.FieldsFunc(text, func(r rune) bool { return r == ';' || r == '|' || r == '\n' }) {
		if p, ok := parsePosition(part); ok {
			out = append(out, p)
		}
	}
	return out
}

// parsePosition reads one position.
func parsePosition(s string) (Position, bool) {
	var p Position
	rest := s
	if m := yearRange.FindStringSubmatchIndex(rest); m != nil {
		p.From, _ = strconv.Atoi(rest[m[2]:m[3]])
		end := strings.ToLower(rest[m[4]:m[5]])
		if y, err := strconv.Atoi(end); err == nil {
			p.To = y
		} else {
			p.Current = true
		}
		rest = rest[:m[0]] + " " + rest[m[1]:]
	} else if m := yearSince.FindStringSubmatchIndex(rest); m != nil {
		p.From, _ = strconv.Atoi(rest[m[2]:m[3]])
		p.Current = true
		rest = rest[:m[0]] + " " + rest[m[1]:]
	} else if m := singleYear.FindStringSubmatchIndex(rest); m != nil {
		p.From, _ = strconv.Atoi(rest[m[2]:m[3]])
		p.To = p.From
		rest = rest[:m[0]] + " " + rest[m[1]:]
	}
	title := rest
	if i := strings.Index(title, ","); i >= 0 {
		title = title[:i]
	}
	if i := strings.Index(strings.ToLower(title), " at "); i >= 0 {
		title = title[:i]
	}
	title = strings.Trim(strings.Join(strings.Fields(title), " "), " -–—,:()")
	if title == "" {
		return Position{}, false
	}
	p.Title = title
	p.Level = Detect(title)
	return p, true
}

// Current returns the person's current position: the one that runs to the present, else the
// one that ended last (the later start breaking ties), else the first one listed (people list
// the latest first). ok is false for an empty history.
func Current(ps []Position) (Position, bool) {
	if len(ps) == 0 {
		return Position{}, false
	}
	best := 0
	for i := 1; i < len(ps); i++ {
		if later(ps[i], ps[best]) {
			best = i
		}
	}
	return ps[best], true
}

// later reports whether a ends after b (a current position ends after any other).
func later(a, b Position) bool {
	end := func(p Position) int {
		if p.Current {
			return 1 << 30
		}
		return max(p.To, p.From)
	}
	if end(a) != end(b) {
		return end(a) > end(b)
	}
	return a.From > b.From
}
