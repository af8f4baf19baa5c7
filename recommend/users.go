package recommend

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/skillx/skillx/internal/report"
	"github.com/skillx/skillx/internal/skillfind"
	"github.com/skillx/skillx/internal/tabular"
	"github.com/skillx/skillx/internal/textnorm"
	"github.com/skillx/skillx/internal/textsafe"
)

// MaxSkills is the number of skills a person's report is about; further skills are ignored
// and the report says so.
const MaxSkills = report.NumRoles

// MaxTextLen bounds, in characters, a user id, a current role and one skill. A longer value
// is a failure of that person: it is not a role or a skill, and it would bloat the prompt.
const MaxTextLen = 200

// User is one person to write a report for.
type User struct {
	// Row is the 1-based data record of the users file (0 for a person given on the command
	// line); Line is the line where it starts (0 where lines do not apply).
	Row, Line int64
	// ID identifies the person; a missing id is made from the row number ("row-12").
	ID string
	// CurrentRole is the person's current role, as typed (spaces collapsed, Unicode NFC).
	CurrentRole string
	// Skills are the skills the report is about: at most MaxSkills, distinct, in input order.
	Skills []string
	// Notes say how the input was changed: ignored skills beyond MaxSkills, dropped duplicates,
	// a generated id, a current role taken from the history. Reports show them.
	Notes []string
	// Found is what the skill finder found in the person's résumé and work history (nil when
	// the person gave neither). The texts themselves are not kept.
	Found *Found
}

// Failure is a person for whom no report was written, with where and why.
type Failure struct {
	// UserID is the person's id (generated from the row when the input has none); an id
	// that cannot be processed is shown with its control characters escaped and cut after
	// MaxTextLen characters.
	UserID string `json:"user_id"`
	// File is the users file of a failure of stage input ("" otherwise).
	File string `json:"file,omitempty"`
	// Row is the 1-based data record of the users file (0 for a person given on the command line).
	Row int64 `json:"row"`
	// Line is the line where the record starts (0 where lines do not apply).
	Line int64 `json:"line,omitempty"`
	// Stage is where it failed: input, classify, gemini, offline, write or cancelled.
	Stage string `json:"stage"`
	// Reason says what went wrong.
	Reason string `json:"reason"`
}

// Failure stages.
const (
	StageInput     = "input"
	StageClassify  = "classify"
	StageGemini    = "gemini"
	StageOffline   = "offline"
	StageWrite     = "write"
	StageCancelled = "cancelled"
)

// Person is one person given directly (skillx recommend --role ... --skills ...).
type Person struct {
	// ID is the person's id; "" makes one from the role and skills ("cli-<hash>").
	ID string
	// CurrentRole is the person's current role.
	CurrentRole string
	// Skills is the skills text, separated by ';' or '|' (or ',' when neither appears).
	Skills string
	// Resume is the text of a résumé (at most skillfind.DefaultMaxBytes); with no Skills, the
	// skills are found in it.
	Resume string
	// History is a work history ("Data Analyst 2019-2022; Junior Analyst 2017-2019"): its
	// current position is the current role when CurrentRole is empty.
	History string
}

// idColumns, roleColumns and skillsColumns are the accepted names of the users file's
// columns (compared after lower-casing and turning spaces and hyphens into underscores).
var (
	idColumns      = []string{"user_id", "userid", "id", "user"}
	roleColumns    = []string{"current_role", "currentrole", "role"}
	skillsColumns  = []string{"skills", "top_skills"}
	resumeColumns  = []string{"resume", "résumé", "cv", "resume_text"}
	historyColumns = []string{"history", "work_history", "job_history"}
	skillNColumn   = regexp.MustCompile(`^skill_?([0-9]+)$`)
)

// rawUser is a record of the users file before checks.
type rawUser struct {
	row, line int64
	id        string
	role      string
	skills    []string
	text      rawText // the résumé and the history
	err       error   // the record could not be read
}

// ReadUsers reads a users file: CSV (or TSV) with columns user_id, current_role and skills
// (separated by ';' or '|') or skill_1..skill_N, or JSON Lines with keys user_id,
// current_role and skills (a list, or a string split like the CSV column); gzip is allowed.
// The optional columns (keys) resume and history are read by the skill finder (see Run);
// ReadUsers has none, so a person who gives one of them is a failure here. It
// returns the people to process, in input order, and the people that cannot be processed. A
// missing id is made from the row number; a missing role, no skills, a value longer than
// MaxTextLen, a record that cannot be read and an id already used by an earlier row are
// failures, and so is a control character (NUL, ESC, BEL, DEL, C1; tabs and line breaks are
// white space) in an id, a role or a skill, whatever the format. More than MaxSkills skills:
// the first MaxSkills are used and a note says so. The error is for the file as a whole
// (missing, unreadable, not a text table, no role or skills column, no record).
func ReadUsers(path string) ([]User, []Failure, error) {
	f, err := scanUsers(path, Shard{})
	if err != nil {
		return nil, nil, err
	}
	ps, err := f.people()
	if err != nil {
		return nil, nil, err
	}
	defer ps.Close()
	var users []User
	var failures []Failure
	for {
		p, err := ps.next()
		switch {
		case errors.Is(err, io.EOF):
			return users, failures, nil
		case err != nil:
			return nil, nil, err
		case p.fail != nil:
			failures = append(failures, *p.fail)
		default:
			users = append(users, p.user)
		}
	}
}

// rawReader returns the records of a users file one at a time, before checks.
type rawReader struct {
	r tabular.Reader
	// next returns the next record, or io.EOF after the last one.
	next func() (rawUser, error)
	// done runs, after io.EOF, the checks that need every record (JSON Lines keys).
	done func() error
}

// openRaw opens a users file for reading its records. The error is for the file as a whole
// (missing, unreadable, not a text table, no role or skills column).
func openRaw(path string) (*rawReader, error) {
	r, err := tabular.Open(path, tabular.Options{})
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("users file %s: %w", path, pe.Err)
		}
		return nil, fmt.Errorf("users file: %w", err)
	}
	rr := &rawReader{r: r, done: func() error { return nil }}
	switch r.Format() {
	case tabular.FormatJSONL:
		rr.next, rr.done = jsonRecords(path, r)
	default:
		if rr.next, err = columnRecords(path, r); err != nil {
			r.Close()
			return nil, err
		}
	}
	return rr, nil
}

// Close closes the file.
func (rr *rawReader) Close() error { return rr.r.Close() }

// notText reports whether a header looks like a binary file's first bytes rather than column
// names: control characters or bytes that are not UTF-8.
func notText(header []string) bool {
	for _, h := range header {
		if _, _, ok := textsafe.FirstControl(h); ok || !utf8.ValidString(h) {
			return true
		}
	}
	return false
}

// columnList returns a header as an error message shows it: each name escaped and clipped.
func columnList(header []string) string {
	names := make([]string, len(header))
	for i, h := range header {
		names[i] = textsafe.Display(h, 40)
	}
	return strings.Join(names, ", ")
}

// columnRecords checks the header of a CSV, TSV or Parquet users file and returns the reader
// of its records.
func columnRecords(path string, r tabular.Reader) (func() (rawUser, error), error) {
	header := r.Header()
	idCol, roleCol, skillsCol, resumeCol, historyCol := -1, -1, -1, -1, -1
	type numbered struct{ n, col int }
	var skillN []numbered
	for i, h := range header {
		name := columnName(h)
		switch {
		case idCol < 0 && slices.Contains(idColumns, name):
			idCol = i
		case roleCol < 0 && slices.Contains(roleColumns, name):
			roleCol = i
		case skillsCol < 0 && slices.Contains(skillsColumns, name):
			skillsCol = i
		case resumeCol < 0 && slices.Contains(resumeColumns, name):
			resumeCol = i
		case historyCol < 0 && slices.Contains(historyColumns, name):
			historyCol = i
		default:
			if m := skillNColumn.FindStringSubmatch(name); m != nil {
				n, _ := strconv.Atoi(m[1])
				skillN = append(skillN, numbered{n, i})
			}
		}
	}
	sort.Slice(skillN, func(i, j int) bool { return skillN[i].n < skillN[j].n })
	var missing []string
	if roleCol < 0 && historyCol < 0 {
		missing = append(missing, "a current_role column (or a history column)")
	}
	if skillsCol < 0 && len(skillN) == 0 && resumeCol < 0 && historyCol < 0 {
		missing = append(missing, "a skills column (skills separated by ; or |), skill_1..skill_5 columns, or a resume or history column")
	}
	if len(missing) > 0 {
		if notText(header) {
			return nil, fmt.Errorf("users file %s is not a text table: want CSV, TSV or JSON Lines with a header row", path)
		}
		return nil, fmt.Errorf("users file %s: want %s; columns are: %s", path, strings.Join(missing, " and "), columnList(header))
	}
	return func() (rawUser, error) {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			return rawUser{}, io.EOF
		}
		if err != nil {
			return rawUser{}, fmt.Errorf("users file: %w", err)
		}
		u := rawUser{row: rec.Row, line: rec.Line}
		if rec.Err != nil {
			u.err = rec.Err
			return u, nil
		}
		field := func(i int) string {
			if i < 0 || i >= len(rec.Fields) {
				return ""
			}
			return strings.Clone(rec.Fields[i])
		}
		u.id, u.role = field(idCol), field(roleCol)
		u.skills = SplitSkills(field(skillsCol))
		u.text = rawText{resume: field(resumeCol), history: field(historyCol)}
		for _, s := range skillN {
			if v := strings.TrimSpace(field(s.col)); v != "" {
				u.skills = append(u.skills, v)
			}
		}
		return u, nil
	}, nil
}

// jsonRecords returns the reader of the records of a JSON Lines users file, which reads each
// record from its raw text so that a list of skills keeps its items whatever characters they
// hold, and the check, once every record is read, that some record has the role and skills
// keys.
func jsonRecords(path string, r tabular.Reader) (next func() (rawUser, error), done func() error) {
	sawRole, sawSkills, records := false, false, 0
	next = func() (rawUser, error) {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			return rawUser{}, io.EOF
		}
		if err != nil {
			return rawUser{}, fmt.Errorf("users file: %w", err)
		}
		records++
		u := rawUser{row: rec.Row, line: rec.Line}
		if rec.Err != nil {
			u.err = rec.Err
			return u, nil
		}
		var role, skills bool
		u, role, skills = jsonRecord(rec)
		// A history can give the current role, and a résumé or a history the skills.
		role = role || u.text.history != ""
		skills = skills || !u.text.empty()
		sawRole, sawSkills = sawRole || role, sawSkills || skills
		return u, nil
	}
	done = func() error {
		if records == 0 || (sawRole && sawSkills) {
			return nil
		}
		var missing []string
		if !sawRole {
			missing = append(missing, `a "current_role" key`)
		}
		if !sawSkills {
			missing = append(missing, `a "skills" key (a list of strings)`)
		}
		return fmt.Errorf("users file %s: no record has %s; keys are: %s", path, strings.Join(missing, " or "), columnList(r.Header()))
	}
	return next, done
}

// jsonRecord reads one JSON Lines record, and says whether it has a role key and a skills key.
func jsonRecord(rec *tabular.Record) (u rawUser, sawRole, sawSkills bool) {
	u = rawUser{row: rec.Row, line: rec.Line}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(rec.Raw, &obj); err != nil {
		u.err = fmt.Errorf("line %d: not a JSON object: %w", rec.Line, err)
		return u, false, false
	}
	byName := make(map[string]json.RawMessage, len(obj))
	for k, v := range obj {
		byName[columnName(k)] = v
	}
	var problems []string
	pick := func(aliases []string) (string, json.RawMessage, bool) {
		for _, a := range aliases {
			if v, ok := byName[a]; ok {
				return a, v, true
			}
		}
		return "", nil, false
	}
	var err error
	if k, v, ok := pick(idColumns); ok {
		if u.id, err = scalarText(v); err != nil {
			problems = append(problems, fmt.Sprintf("key %q: %v", k, err))
		}
	}
	if k, v, ok := pick(roleColumns); ok {
		sawRole = true
		if u.role, err = scalarText(v); err != nil {
			problems = append(problems, fmt.Sprintf("key %q: %v", k, err))
		}
	}
	if k, v, ok := pick(skillsColumns); ok {
		sawSkills = true
		if u.skills, err = skillList(v); err != nil {
			problems = append(problems, fmt.Sprintf("key %q: %v", k, err))
		}
	}
	if k, v, ok := pick(resumeColumns); ok {
		if u.text.resume, err = scalarText(v); err != nil {
			problems = append(problems, fmt.Sprintf("key %q: %v", k, err))
		}
	}
	if k, v, ok := pick(historyColumns); ok {
		if u.text.history, err = historyText(v); err != nil {
			problems = append(problems, fmt.Sprintf("key %q: %v", k, err))
		}
	}
	type numbered struct {
		n    int
		name string
		v    json.RawMessage
	}
	var skillN []numbered
	for name, v := range byName {
		if m := skillNColumn.FindStringSubmatch(name); m != nil {
			sawSkills = true
			n, _ := strconv.Atoi(m[1])
			skillN = append(skillN, numbered{n, name, v})
		}
	}
	sort.Slice(skillN, func(i, j int) bool {
		if skillN[i].n != skillN[j].n {
			return skillN[i].n < skillN[j].n
		}
		return skillN[i].name < skillN[j].name
	})
	for _, s := range skillN {
		v, err := scalarText(s.v)
		if err != nil {
			problems = append(problems, fmt.Sprintf("key %q: %v", s.name, err))
		}
		if v = strings.TrimSpace(v); v != "" {
			u.skills = append(u.skills, v)
		}
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		u.err = fmt.Errorf("line %d: %s", rec.Line, strings.Join(problems, "; "))
	}
	return u, sawRole, sawSkills
}

// scalarText returns a JSON string, number or boolean as text ("" for null).
func scalarText(v json.RawMessage) (string, error) {
	var x any
	dec := json.NewDecoder(bytes.NewReader(v))
	dec.UseNumber()
	if err := dec.Decode(&x); err != nil {
		return "", err
	}
	switch t := x.(type) {
	case nil:
		return "", nil
	case string:
		return t, nil
	case json.Number:
		return t.String(), nil
	case bool:
		return strconv.FormatBool(t), nil
	}
	return "", errors.New("want a string")
}

// historyText reads a JSON work history: a string, or a list of positions joined with "; ".
func historyText(v json.RawMessage) (string, error) {
	t := bytes.TrimSpace(v)
	if len(t) == 0 || t[0] != '[' {
		return scalarText(v)
	}
	var items []string
	if err := json.Unmarshal(t, &items); err != nil {
		return "", errors.New("want a string or a list of strings")
	}
	return strings.Join(items, "; "), nil
}

// skillList reads a JSON list of skills, or a string of skills split by SplitSkills.
func skillList(v json.RawMessage) ([]string, error) {
	t := bytes.TrimSpace(v)
	if len(t) == 0 || t[0] != '[' {
		s, err := scalarText(v)
		if err != nil {
			return nil, errors.New("want a list of strings or a string")
		}
		return SplitSkills(s), nil
	}
	var items []json.RawMessage
	if err := json.Unmarshal(t, &items); err != nil {
		return nil, err
	}
	var out []string
	for i, it := range items {
		s, err := scalarText(it)
		if err != nil {
			return nil, fmt.Errorf("item %d: %w", i+1, err)
		}
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out, nil
}

// SplitSkills splits a skills text on ';' and '|'; a text with neither is split on ','. Items
// are trimmed and empty ones dropped.
func SplitSkills(s string) []string {
	sep := func(r rune) bool { return r == ';' || r == '|' }
	if !strings.ContainsAny(s, ";|") {
		sep = func(r rune) bool { return r == ',' }
	}
	var out []string
	for _, f := range strings.FieldsFunc(s, sep) {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// columnName is the form in which column names and JSON keys are compared.
func columnName(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	return strings.NewReplacer(" ", "_", "-", "_").Replace(s)
}

// checkPerson fills u.Skills from skills (normalised, duplicates dropped, at most MaxSkills)
// and returns why u cannot be processed, or "".
func checkPerson(u *User, skills []string) string {
	var problems []string
	controls := func(field, s string) bool {
		if p := textsafe.Problem(s); p != "" {
			problems = append(problems, field+" "+p+"; control characters are not allowed")
			return true
		}
		return false
	}
	if n := utf8.RuneCountInString(u.ID); n > MaxTextLen {
		problems = append(problems, fmt.Sprintf("user id is %d characters long; at most %d", n, MaxTextLen))
	}
	controls("user id", u.ID)
	switch n := utf8.RuneCountInString(u.CurrentRole); {
	case n == 0:
		problems = append(problems, "current role is empty")
	case n > MaxTextLen:
		problems = append(problems, fmt.Sprintf("current role is %d characters long; at most %d", n, MaxTextLen))
	default:
		controls("current role", u.CurrentRole)
	}
	seen := map[string]bool{}
	var kept, dups []string
	for i, s := range skills {
		s = textnorm.NormalizeText(s)
		if s == "" {
			continue
		}
		if n := utf8.RuneCountInString(s); n > MaxTextLen {
			problems = append(problems, fmt.Sprintf("skill %q... is %d characters long; at most %d", string([]rune(s)[:20]), n, MaxTextLen))
			continue
		}
		if controls(fmt.Sprintf("skill %d", i+1), s) {
			continue
		}
		k := strings.ToLower(s)
		if seen[k] {
			dups = append(dups, s)
			continue
		}
		seen[k] = true
		kept = append(kept, s)
	}
	if len(kept) == 0 && len(problems) == 0 {
		problems = append(problems, "no skills")
	}
	if len(problems) > 0 {
		return strings.Join(problems, "; ")
	}
	if len(dups) > 0 {
		u.Notes = append(u.Notes, fmt.Sprintf("skills given twice were counted once: %s", strings.Join(dups, ", ")))
	}
	if len(kept) > MaxSkills {
		u.Notes = append(u.Notes, fmt.Sprintf("%d skills were given; the report is about the first %d; ignored: %s",
			len(kept), MaxSkills, strings.Join(kept[MaxSkills:], ", ")))
		kept = kept[:MaxSkills]
	}
	u.Skills = kept
	return ""
}

// generatedID returns the id of a record without one: "row-<row>", with a suffix when the
// file gives that id to another record (given reports whether it does). Two generated ids are
// never equal: the row number is part of each.
func generatedID(row int64, given func(string) bool) string {
	id := fmt.Sprintf("row-%d", row)
	for n := 2; given(id); n++ {
		id = fmt.Sprintf("row-%d-%d", row, n)
	}
	return id
}

// PersonUser returns the User for a person given on the command line, or why it cannot be
// processed: the users file's checks (checkRecord), with the skill finder find for a résumé
// or a history (nil when the person gives neither).
func PersonUser(p Person, find *skillfind.Finder) (User, error) {
	u := User{ID: textnorm.NormalizeText(p.ID), CurrentRole: textnorm.NormalizeText(p.CurrentRole)}
	if u.ID == "" {
		key := u.CurrentRole + "\x00" + p.Skills
		if p.Resume != "" || p.History != "" {
			key += "\x00" + p.Resume + "\x00" + p.History
		}
		u.ID = "cli-" + shortHash(key)
	}
	if reason := checkRecord(&u, SplitSkills(p.Skills), rawText{resume: p.Resume, history: p.History}, find); reason != "" {
		return User{}, fmt.Errorf("person %q: %s", textsafe.Clip(u.ID, MaxTextLen), reason)
	}
	return u, nil
}

// checkRecord fills u from a record's skills, résumé and history and returns why u cannot be
// processed, or "": the history's current position is the current role when u has none, the
// finder's top MaxSkills skills are the skills when none are given (personFromText), and then
// checkPerson's checks. The résumé is not kept: only what the report shows (u.Found).
func checkRecord(u *User, skills []string, t rawText, find *skillfind.Finder) string {
	skills, reason := personFromText(u, skills, t, find)
	if reason != "" {
		return reason
	}
	return checkPerson(u, skills)
}

// displayID returns a user id as summary.csv, failures.jsonl and messages show it: control
// characters escaped (\x1b), and an id longer than MaxTextLen characters cut there with its
// length in bytes ("…(10240 bytes)"). A valid id is shown as it is.
func displayID(id string) string { return textsafe.Display(id, MaxTextLen) }
