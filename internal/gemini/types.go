package gemini

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
)

// NumRoles is the number of predicted roles a Request carries and of final roles a Report has.
const NumRoles = 5

// Request is what one person needs judged.
type Request struct {
	// UserID identifies the person; it keys batch results and error messages but is not sent
	// to Gemini and is not part of PromptHash.
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
}

// Report is the validated answer for one person: the same JSON the offline analyst writes.
type Report struct {
	// Roles are exactly NumRoles final roles, distinct, none of them the current role.
	Roles []RoleReport `json:"roles"`
}

// RoleReport is Gemini's analysis of one final role.
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
	// ParseAnalystReport accepts it: it is not part of the response schema sent to Gemini,
	// and ParseReport rejects it in Gemini's replies.
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

// SkillMatch is the judgement of one user skill against one role.
type SkillMatch struct {
	// Skill is the user's skill, spelled as in the request.
	Skill string `json:"skill"`
	// Match is Weak, Medium or Strong.
	Match MatchLevel `json:"match"`
	// Justification says why, in about one sentence.
	Justification string `json:"justification"`
}

// Usage describes what one Recommend call cost.
type Usage struct {
	// PromptTokens is the number of input tokens billed, summed over all attempts that got a
	// reply (invalid replies are billed too).
	PromptTokens int `json:"prompt_tokens"`
	// OutputTokens is the number of output tokens billed (candidates plus thinking), summed
	// like PromptTokens.
	OutputTokens int `json:"output_tokens"`
	// Latency is the wall time of the call, including rate-limit waits and backoff.
	Latency time.Duration `json:"latency_ns"`
	// Attempts is the number of HTTP requests made (0 for a cached report).
	Attempts int `json:"attempts"`
	// Cached reports that the report came from the cache and cost nothing (in a batch, also
	// the answer of a person whose prompt another person of the same job had).
	Cached bool `json:"cached"`
}

// mapTexts replaces every text of the report (role names, provenance, descriptions, skill
// matches, recommendations) by f of it, and reports whether any changed.
func (rep *Report) mapTexts(f func(string) string) bool {
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

// ErrNoKey is returned by New when no API key is configured.
var ErrNoKey = errors.New("no gemini api key: set GEMINI_API_KEY (or GOOGLE_API_KEY) or pass Config.APIKey")

// ErrInvalidRequest is wrapped by the error for a Request that cannot be sent (missing role,
// no skills, a wrong number of candidates, ...). Such a request is never sent.
var ErrInvalidRequest = errors.New("invalid request")

// ErrTimeout is wrapped by the error for an attempt that took longer than Config.Timeout.
var ErrTimeout = errors.New("gemini request timed out")

// ErrUnreachable is wrapped by the error for an attempt that could not connect to the API at
// all (no network, a name that does not resolve, a refused connection): the caller may
// suggest working offline.
var ErrUnreachable = errors.New("gemini cannot be reached")

// APIError is an HTTP error answer from the Gemini API (or a per-request error in a batch).
type APIError struct {
	// Code is the HTTP status code (or the batch response's error code).
	Code int
	// Status is the API's status name, such as "RESOURCE_EXHAUSTED", when given.
	Status string
	// Message is the API's message, with the API key removed.
	Message string

	retryDelay time.Duration // the server's google.rpc.RetryInfo delay, if any
}

// Error describes the API error and, for authentication errors, what to do.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "gemini api error %d", e.Code)
	if e.Status != "" {
		fmt.Fprintf(&b, " %s", e.Status)
	}
	if e.Message != "" {
		fmt.Fprintf(&b, ": %s", e.Message)
	}
	if e.Code == 401 || e.Code == 403 || strings.Contains(e.Message, "API key") {
		b.WriteString(" (check the api key in GEMINI_API_KEY or GOOGLE_API_KEY)")
	}
	return b.String()
}

// Retryable reports whether a later identical request may succeed (408, 429 and 5xx).
func (e *APIError) Retryable() bool {
	return e.Code == 408 || e.Code == 429 || e.Code >= 500
}

// ReplyError is a reply from Gemini that is not a valid Report: malformed JSON, a schema
// violation or an inconsistent answer. Recommend returns it (wrapped) once its retries are
// spent; RecommendBatch returns it per person.
type ReplyError struct {
	// Problems lists everything that was wrong, one finding per entry.
	Problems []string
	// Reply is the raw reply text (truncated, with the API key removed), for failure logs.
	Reply string
}

// maxProblemsShown bounds the problems listed in ReplyError.Error.
const maxProblemsShown = 8

// Error lists the problems of the reply.
func (e *ReplyError) Error() string {
	shown := e.Problems
	more := 0
	if len(shown) > maxProblemsShown {
		more = len(shown) - maxProblemsShown
		shown = shown[:maxProblemsShown]
	}
	msg := "invalid gemini reply: " + strings.Join(shown, "; ")
	if more > 0 {
		msg += fmt.Sprintf("; and %d more problems", more)
	}
	return msg
}

// validate checks that r can be sent: every field present, NumRoles distinct candidates with
// probabilities in [0, 1], distinct skills.
func (r Request) validate() error {
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
		k := norm(s)
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
		k := norm(c.Role)
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

// norm is the form in which role and skill names are compared: lower case, inner white space
// collapsed.
func norm(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}
