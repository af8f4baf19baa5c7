package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"github.com/skillx/skillx/internal/textsafe"
)

// InvalidError is a report that fails the schema's rules: malformed JSON, a schema violation
// or an inconsistent answer.
type InvalidError struct {
	// Problems lists everything that was wrong, one finding per entry.
	Problems []string
}

// maxProblemsShown bounds the problems listed in InvalidError.Error.
const maxProblemsShown = 8

// Error lists the problems of the report.
func (e *InvalidError) Error() string { return "invalid report: " + ProblemList(e.Problems) }

// ProblemList joins problems with "; ", listing at most 8 and counting the others.
func ProblemList(problems []string) string {
	shown := problems
	more := 0
	if len(shown) > maxProblemsShown {
		more = len(shown) - maxProblemsShown
		shown = shown[:maxProblemsShown]
	}
	msg := strings.Join(shown, "; ")
	if more > 0 {
		msg += fmt.Sprintf("; and %d more problems", more)
	}
	return msg
}

// Parse parses a report written for r and checks it with the rules every report must pass:
// exactly NumRoles distinct roles, none of them the current role; a "model" role is one of the
// candidates, a replacement (source replacer: SourceGemini for Gemini, SourceAnalyst for the
// offline analyst) replaces a candidate that is not kept, with a reason, and each candidate is
// replaced at most once; every skill of r judged exactly once as Weak, Medium or Strong with a
// justification; no empty texts. Any other source is a problem. A request that fails
// Request.Validate is an error wrapping ErrInvalidRequest; a failed check returns an
// *InvalidError naming every problem.
//
// The returned report is normalised: names of kept roles, replaced roles and skills are
// spelled as in r, skill matches follow r's skill order, a kept role carries its candidate's
// probability (a Gemini replacement none; an analyst's replacement keeps its own, which must
// be in [0, 1]), match levels are capitalised and texts trimmed; control characters (other
// than line feeds and tabs) are removed from every text before it is checked.
func Parse(r Request, data []byte, replacer Source) (*Report, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	var rep Report
	dec := json.NewDecoder(bytes.NewReader(StripFence(data)))
	if err := dec.Decode(&rep); err != nil {
		return nil, &InvalidError{Problems: []string{"reply is not valid JSON: " + err.Error()}}
	}
	if dec.More() {
		return nil, &InvalidError{Problems: []string{"reply has data after the JSON object"}}
	}
	rep.MapTexts(textsafe.Strip) // the model's text never carries terminal escapes into reports
	if problems := Check(r, &rep, replacer); len(problems) > 0 {
		return nil, &InvalidError{Problems: problems}
	}
	return &rep, nil
}

// ParseAnalyst is Parse for a report of the offline analyst (replacements SourceAnalyst).
func ParseAnalyst(r Request, data []byte) (*Report, error) { return Parse(r, data, SourceAnalyst) }

// StripFence removes a Markdown code fence around JSON, which models sometimes add.
func StripFence(data []byte) []byte {
	t := bytes.TrimSpace(data)
	if !bytes.HasPrefix(t, []byte("```")) {
		return t
	}
	t = t[3:]
	if nl := bytes.IndexByte(t, '\n'); nl >= 0 {
		t = t[nl+1:]
	}
	t = bytes.TrimSpace(t)
	return bytes.TrimSpace(bytes.TrimSuffix(t, []byte("```")))
}

// Check validates the report rep of an analyst against r, normalising rep in place, and
// returns the problems found (none for a valid report). Replacements must have the source
// replacer: SourceGemini in Gemini's replies, SourceAnalyst in the offline analyst's reports.
// See Parse for the rules.
func Check(r Request, rep *Report, replacer Source) []string {
	var problems []string
	add := func(format string, a ...any) { problems = append(problems, fmt.Sprintf(format, a...)) }

	if len(rep.Roles) != NumRoles {
		add("got %d roles, want %d", len(rep.Roles), NumRoles)
	}
	cands := make(map[string]int, len(r.Candidates))
	for i, c := range r.Candidates {
		cands[Norm(c.Role)] = i
	}
	skills := make(map[string]int, len(r.Skills))
	for i, s := range r.Skills {
		skills[Norm(s)] = i
	}
	current := Norm(r.CurrentRole)
	seenRole := map[string]int{}
	kept := map[int]bool{}       // candidate index -> kept as a "model" role
	replacedBy := map[int]int{}  // candidate index -> role index replacing it
	replacement := map[int]int{} // role index -> candidate index it replaces

	for i := range rep.Roles {
		rr := &rep.Roles[i]
		rr.Role = strings.TrimSpace(rr.Role)
		label := fmt.Sprintf("role %d %q", i+1, rr.Role)
		k := Norm(rr.Role)
		if k == "" {
			add("role %d has an empty name", i+1)
		} else {
			if k == current {
				add("%s is the person's current role", label)
			}
			if j, dup := seenRole[k]; dup {
				add("%s duplicates role %d", label, j+1)
			} else {
				seenRole[k] = i
			}
		}

		ci, isCand := cands[k]
		p := &rr.Provenance
		p.Reason = strings.TrimSpace(p.Reason)
		switch src := Source(strings.ToLower(strings.TrimSpace(string(p.Source)))); src {
		case SourceModel:
			p.Source = src
			p.Replaces = ""
			if !isCand {
				add("%s has source \"model\" but is not one of the predicted roles", label)
				break
			}
			rr.Role = r.Candidates[ci].Role
			p.Probability = r.Candidates[ci].Probability
			kept[ci] = true
		case replacer:
			p.Source = src
			if src == SourceGemini {
				p.Probability = 0
			} else if math.IsNaN(p.Probability) || p.Probability < 0 || p.Probability > 1 {
				add("%s has probability %v, want a value in [0, 1]", label, p.Probability)
			}
			if isCand {
				add("%s has source %q but is one of the predicted roles", label, src)
			}
			ri, ok := cands[Norm(p.Replaces)]
			switch {
			case !ok:
				add("%s replaces %q, which is not one of the predicted roles", label, p.Replaces)
			default:
				p.Replaces = r.Candidates[ri].Role
				if j, dup := replacedBy[ri]; dup {
					add("%s and role %d both replace %q", label, j+1, p.Replaces)
				} else {
					replacedBy[ri] = i
				}
				replacement[i] = ri
			}
			if p.Reason == "" {
				add("%s is a replacement without a reason", label)
			}
		default:
			add("%s has source %q, want \"model\" or %q", label, p.Source, replacer)
		}

		for _, f := range []struct {
			name string
			text *string
		}{
			{"job_description", &rr.JobDescription},
			{"match_summary", &rr.MatchSummary},
			{"skill_application", &rr.SkillApplication},
		} {
			*f.text = strings.TrimSpace(*f.text)
			if *f.text == "" {
				add("%s has an empty %s", label, f.name)
			}
		}
		if len(rr.Development) == 0 {
			add("%s has no development recommendations", label)
		}
		for j := range rr.Development {
			rr.Development[j] = strings.TrimSpace(rr.Development[j])
			if rr.Development[j] == "" {
				add("%s has an empty development recommendation %d", label, j+1)
			}
		}

		judged := make([]*SkillMatch, len(r.Skills))
		roleOK := true
		for _, m := range rr.SkillMatches {
			si, ok := skills[Norm(m.Skill)]
			if !ok {
				add("%s judges %q, which is not one of the person's skills", label, m.Skill)
				roleOK = false
				continue
			}
			if judged[si] != nil {
				add("%s judges skill %q twice", label, r.Skills[si])
				roleOK = false
				continue
			}
			level, ok := parseLevel(string(m.Match))
			if !ok {
				add("%s rates skill %q as %q, want Weak, Medium or Strong", label, r.Skills[si], m.Match)
				roleOK = false
			}
			just := strings.TrimSpace(m.Justification)
			if just == "" {
				add("%s has no justification for skill %q", label, r.Skills[si])
				roleOK = false
			}
			judged[si] = &SkillMatch{Skill: r.Skills[si], Match: level, Justification: just}
		}
		for si, m := range judged {
			if m == nil {
				add("%s does not judge skill %q", label, r.Skills[si])
				roleOK = false
			}
		}
		if roleOK {
			ordered := make([]SkillMatch, len(judged))
			for si, m := range judged {
				ordered[si] = *m
			}
			rr.SkillMatches = ordered
		}
	}
	for i := range rep.Roles {
		if ci, ok := replacement[i]; ok && kept[ci] {
			add("role %d %q replaces %q, which is also kept", i+1, rep.Roles[i].Role, r.Candidates[ci].Role)
		}
	}
	return problems
}

// parseLevel accepts a match level in any letter case.
func parseLevel(s string) (MatchLevel, bool) {
	for _, l := range matchLevels {
		if strings.EqualFold(strings.TrimSpace(s), l) {
			return MatchLevel(l), true
		}
	}
	return MatchLevel(s), false
}
