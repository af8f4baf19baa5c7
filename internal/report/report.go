package report

import (
	"errors"
	"fmt"
	"math"
	"strings"
)

// NumRoles is the number of predicted roles a Request carries and of final roles a Report has.
const NumRoles = 5

// Request is what one person needs judged.
type Request struct {
	// UserID identifies the person; it keys batch results and error messages but is not sent
	// to Gemini and is not part of the Gemini client's PromptHash.
	UserID string `json:"user_id"`
	// CurrentRole is the person's current job role.
	CurrentRole string `json:"current_role"`
	// Skills are the person's skills (the prototype asks for five); each is judged once.
	Skills []string `json:"skills"`
	// Candidates are the NumRoles roles the classifier predicted, most likely first.
	Candidates []Candidate `json:"candidates"`
}

// Candidate is one role the classifier predicted, with its probability.
type Candidate struct {
	// Role is the predicted role's name.
	Role string `json:"role"`
	// Probability is the classifier's probability for Role, in [0, 1].
	Probability float64 `json:"probability"`
	// Score is the fused match score that ranked Role (the classifier, retrieval and the
	// closeness to the current role combined; the best role of all scores at most 1); 0 when
	// not known. It is not sent to Gemini.
	Score float64 `json:"score,omitempty"`
}

// Report is the validated answer for one person: the same JSON the offline analyst writes.
type Report struct {
	// Roles are exactly NumRoles final roles, distinct, none of them the current role.
	Roles []RoleReport `json:"roles"`
}

// RoleReport is the analysis of one final role (by Gemini or the offline analyst).
type RoleReport struct {
	// Role is the final role's name; a kept prediction is spelled as the classifier spelled it.
	Role string `json:"role"`
	// Provenance says whether the role is a kept prediction or a replacement.
	Provenance Provenance `json:"provenance"`
	// JobDescription describes the role in 2-3 sentences.
	JobDescription string `json:"job_description"`
	// MatchSummary sums up how the whole skill set matches the role.
	MatchSummary string `json:"match_summary"`
	// SkillMatches has one entry per user skill, in the request's order.
	SkillMatches []SkillMatch `json:"skill_matches"`
	// SkillApplication says how the skills apply in the role (3-4 sentences).
	SkillApplication string `json:"skill_application"`
	// Development lists skill development recommendations.
	Development []string `json:"development"`
}

// Source says where a final role came from.
type Source string

const (
	// SourceModel marks a prediction of the classifier that Gemini kept.
	SourceModel Source = "model"
	// SourceGemini marks a role Gemini chose to replace a discarded prediction.
	SourceGemini Source = "gemini"
	// SourceAnalyst marks a role the offline analyst (package recommend) chose, among the
	// classifier's further ranked roles, to replace a discarded prediction. Only
	// ParseAnalyst (Parse with this replacer) accepts it: it is not part of the response
	// schema sent to Gemini, and Gemini's replies are rejected with it.
	SourceAnalyst Source = "analyst"
)

// Provenance records where a final role came from.
type Provenance struct {
	// Source is SourceModel or SourceGemini (SourceAnalyst in the offline analyst's reports).
	Source Source `json:"source"`
	// Probability is the classifier's probability of a SourceModel role (taken from the
	// request, never from Gemini); zero for a SourceGemini replacement; for a SourceAnalyst
	// replacement, the classifier's probability of the further ranked role it is.
	Probability float64 `json:"probability,omitempty"`
	// Replaces is the discarded prediction a SourceGemini or SourceAnalyst role replaces;
	// empty otherwise.
	Replaces string `json:"replaces,omitempty"`
	// Reason says why the prediction was discarded (required for a replacement); Gemini and
	// the offline analyst may also say why they kept a SourceModel role.
	Reason string `json:"reason,omitempty"`
}

// MatchLevel grades how well one skill matches a role.
type MatchLevel string

const (
	// Weak means the skill is of little use in the role.
	Weak MatchLevel = "Weak"
	// Medium means the skill helps in the role.
	Medium MatchLevel = "Medium"
	// Strong means the skill is central to the role.
	Strong MatchLevel = "Strong"
)

// matchLevels are the valid MatchLevel values, in the schema's order.
var matchLevels = []string{string(Weak), string(Medium), string(Strong)}

// MatchLevels returns the valid MatchLevel values, in the schema's order (Weak, Medium,
// Strong).
func MatchLevels() []string { return append([]string(nil), matchLevels...) }

// SkillMatch is the judgement of one user skill against one role.
type SkillMatch struct {
	// Skill is the user's skill, spelled as in the request.
	Skill string `json:"skill"`
	// Match is Weak, Medium or Strong.
	Match MatchLevel `json:"match"`
	// Justification says why, in about one sentence.
	Justification string `json:"justification"`
}

// Clone returns a deep copy of the report: Check and MapTexts on the copy leave rep alone
// (a report shared by several people is validated once per person, concurrently).
func (rep *Report) Clone() *Report {
	out := &Report{Roles: make([]RoleReport, len(rep.Roles))}
	for i, rr := range rep.Roles {
		rr.SkillMatches = append([]SkillMatch(nil), rr.SkillMatches...)
		rr.Development = append([]string(nil), rr.Development...)
		out.Roles[i] = rr
	}
	return out
}

// MapTexts replaces every text of the report (role names, provenance, descriptions, skill
// matches, recommendations) by f of it, and reports whether any changed.
func (rep *Report) MapTexts(f func(string) string) bool {
	changed := false
	set := func(p *string) {
		if v := f(*p); v != *p {
			*p, changed = v, true
		}
	}
	for i := range rep.Roles {
		rr := &rep.Roles[i]
		set(&rr.Role)
		set(&rr.Provenance.Replaces)
		set(&rr.Provenance.Reason)
		set(&rr.JobDescription)
		set(&rr.MatchSummary)
		set(&rr.SkillApplication)
		for j := range rr.SkillMatches {
			m := &rr.SkillMatches[j]
			set(&m.Skill)
			level := string(m.Match)
			set(&level)
			m.Match = MatchLevel(level)
			set(&m.Justification)
		}
		for j := range rr.Development {
			set(&rr.Development[j])
		}
	}
	return changed
}

// ErrInvalidRequest is wrapped by the error for a Request that cannot be judged (missing role,
// no skills, a wrong number of candidates, ...). Such a request is never sent to Gemini.
var ErrInvalidRequest = errors.New("invalid request")

// Validate checks that r can be sent: every field present, NumRoles distinct candidates with
// probabilities in [0, 1], distinct skills.
func (r Request) Validate() error {
	var errs []string
	add := func(format string, a ...any) { errs = append(errs, fmt.Sprintf(format, a...)) }
	if strings.TrimSpace(r.CurrentRole) == "" {
		add("current role is empty")
	}
	if len(r.Skills) == 0 {
		add("no skills")
	}
	seen := map[string]bool{}
	for i, s := range r.Skills {
		k := Norm(s)
		switch {
		case k == "":
			add("skill %d is empty", i+1)
		case seen[k]:
			add("skill %q is listed twice", s)
		}
		seen[k] = true
	}
	if len(r.Candidates) != NumRoles {
		add("got %d candidate roles, want %d", len(r.Candidates), NumRoles)
	}
	seen = map[string]bool{}
	for i, c := range r.Candidates {
		k := Norm(c.Role)
		switch {
		case k == "":
			add("candidate %d has an empty role", i+1)
		case seen[k]:
			add("candidate role %q is listed twice", c.Role)
		}
		seen[k] = true
		if math.IsNaN(c.Probability) || c.Probability < 0 || c.Probability > 1 {
			add("candidate %q has probability %v, want a value in [0, 1]", c.Role, c.Probability)
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("%w for user %q: %s", ErrInvalidRequest, r.UserID, strings.Join(errs, "; "))
}

// Norm is the form in which role and skill names are compared: lower case, inner white space
// collapsed.
func Norm(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}
