package joblevel

import (
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Level is a job level, ordered from Intern to Chief.
type Level int

// The levels, from the lowest. Principal (staff and principal individual contributors) and
// Manager share a rung: moving between them is lateral (see Rank).
const (
	// Intern: intern, trainee, apprentice, working student.
	Intern Level = iota
	// Junior: junior, entry-level, graduate, associate, level I.
	Junior
	// Mid: an individual contributor with no level word, or mid-level, intermediate, level II.
	Mid
	// Senior: senior, experienced, level III.
	Senior
	// Lead: lead, team lead, supervisor, foreman, assistant manager, level IV.
	Lead
	// Principal: principal, staff (engineering), distinguished, architect of a field.
	Principal
	// Manager: manager, head of a team, associate director.
	Manager
	// Director: director, head of a function, senior manager of managers.
	Director
	// VP: vice president, SVP, EVP, AVP.
	VP
	// Chief: chief, C-level (CEO, CTO, CFO, ...), president, founder, managing partner.
	Chief
)

var levelNames = [...]string{"Intern", "Junior", "Mid", "Senior", "Lead", "Principal", "Manager", "Director", "VP", "Chief"}

// String returns the level's name.
func (l Level) String() string {
	if l >= 0 && int(l) < len(levelNames) {
		return levelNames[l]
	}
	return "Level(" + strconv.Itoa(int(l)) + ")"
}

// Rank is the level's rung on one ladder for both tracks: Intern 0, Junior 1, Mid 2, Senior 3,
// Lead 4, Principal and Manager 5, Director 6, VP 7, Chief 8.
func (l Level) Rank() int {
	switch {
	case l <= Principal:
		return int(l)
	default:
		return int(l) - 1
	}
}

// Management reports whether the level manages people (Manager and above).
func (l Level) Management() bool { return l >= Manager }

// Move is the direction of a change of level.
type Move int

// The moves.
const (
	// StepDown: the new level ranks lower.
	StepDown Move = -1
	// Lateral: the same rank (Principal and Manager share one).
	Lateral Move = 0
	// StepUp: the new level ranks higher.
	StepUp Move = 1
)

// String returns "step up", "lateral move" or "step down".
func (m Move) String() string {
	switch {
	case m > 0:
		return "step up"
	case m < 0:
		return "step down"
	}
	return "lateral move"
}

// Compare says whether moving from one level to another is a step up, a lateral move or a
// step down, by Rank.
func Compare(from, to Level) Move {
	switch d := to.Rank() - from.Rank(); {
	case d > 0:
		return StepUp
	case d < 0:
		return StepDown
	}
	return Lateral
}

// Detection is a level read from a title, with the words that decided it.
type Detection struct {
	// Level is the level.
	Level Level
	// Words are the title words that decided it ("" when none did and the level is Mid by
	// default).
	Words string
	// Stated reports whether a title word stated the level (false: Mid by default).
	Stated bool
}

// FromTitle returns the level of a job title (Detect's Level).
func FromTitle(title string) Level { return Detect(title).Level }

// Detect reads the level of a job title from its words: the highest level any word or pair of
// words states, with these rules.
//
//   - Intern: intern, internship, trainee, apprentice, "working student", co-op.
//   - Junior: junior, jr, entry(-level), graduate, grad, associate (alone: "Associate Software
//     Engineer").
//   - Mid: mid(-level), intermediate; and any title without a level word.
//   - Senior: senior, sr, experienced.
//   - Lead: lead, team lead, supervisor, foreman, forewoman, "charge nurse"; "assistant
//     manager" and "deputy manager".
//   - Principal: principal (not last: "School Principal" is Director), distinguished, fellow,
//     and staff before an engineering word ("Staff Engineer"; "Staff Accountant" and "Staff
//     Nurse" are Mid).
//   - Manager: manager, mgr, "head of" a team; "associate director", "assistant director" and
//     "deputy director". A manager of a product, project, program, account, case, community,
//     brand, content, social media or customer success is an individual contributor
//     ("Product Manager", "Social Media Manager"): Mid, or the level its other words state.
//   - Director: director, head (of a function: "Head of Engineering"), "senior manager",
//     "general manager", principal as the last word (a school's head).
//   - VP: vice president, vp, svp, evp, avp.
//   - Chief: chief, CEO, CTO, CFO, COO, CIO, CMO, CISO, CDO, CPO, CHRO, president (not vice),
//     founder, co-founder, owner (not "Product Owner"), "managing partner", "managing
//     director".
//
// A final roman numeral or digit is a level too: I or 1 Junior, II or 2 Mid, III or 3 Senior,
// IV, V, 4 or 5 Lead.
func Detect(title string) Detection {
	ws := titleWords(title)
	best := Detection{Level: Mid}
	set := func(l Level, words string) {
		if !best.Stated || l > best.Level {
			best = Detection{Level: l, Words: words, Stated: true}
		}
	}
	for i, w := range ws {
		next, prev := "", ""
		if i+1 < len(ws) {
			next = ws[i+1]
		}
		if i > 0 {
			prev = ws[i-1]
		}
		pair := w + " " + next
		switch {
		case pairLevels[pair] != nil:
			set(*pairLevels[pair], pair)
		case w == "manager" || w == "mgr":
			if icManager(ws[:i]) {
				continue
			}
			switch prev {
			case "assistant", "deputy":
				set(Lead, prev+" "+w)
			case "senior", "general":
				set(Director, prev+" "+w)
			default:
				set(Manager, w)
			}
		case w == "director":
			switch prev {
			case "associate", "assistant", "deputy":
				set(Manager, prev+" "+w)
			case "managing":
				set(Chief, prev+" "+w)
			default:
				set(Director, w)
			}
		case w == "head":
			if next == "of" && i+2 < len(ws) && teamWords[ws[i+2]] {
				set(Manager, "head of "+ws[i+2])
			} else {
				set(Director, "head")
			}
		case w == "principal":
			if i == len(ws)-1 {
				set(Director, w)
			} else {
				set(Principal, w)
			}
		case w == "staff":
			if engineeringWords[next] {
				set(Principal, w)
			}
		case w == "associate":
			if next != "director" && next != "professor" && next != "partner" {
				set(Junior, w)
			}
		case w == "president":
			if prev != "vice" {
				set(Chief, w)
			}
		case w == "owner":
			if !ownedThings[prev] {
				set(Chief, w)
			}
		case romanLevels[w] != nil && i == len(ws)-1 && i > 0:
			set(*romanLevels[w], w)
		case wordLevels[w] != nil:
			set(*wordLevels[w], w)
		}
	}
	return best
}

func lv(l Level) *Level { return &l }

// wordLevels are the words that state a level alone.
var wordLevels = map[string]*Level{
	"intern": lv(Intern), "interns": lv(Intern), "internship": lv(Intern), "trainee": lv(Intern),
	"apprentice": lv(Intern), "co-op": lv(Intern), "coop": lv(Intern),
	"junior": lv(Junior), "jr": lv(Junior), "entry": lv(Junior), "entry-level": lv(Junior),
	"graduate": lv(Junior), "grad": lv(Junior),
	"mid": lv(Mid), "mid-level": lv(Mid), "intermediate": lv(Mid),
	"senior": lv(Senior), "sr": lv(Senior), "experienced": lv(Senior),
	"lead": lv(Lead), "supervisor": lv(Lead), "foreman": lv(Lead), "forewoman": lv(Lead),
	"distinguished": lv(Principal), "fellow": lv(Principal),
	"vp": lv(VP), "svp": lv(VP), "evp": lv(VP), "avp": lv(VP),
	"chief": lv(Chief), "ceo": lv(Chief), "cto": lv(Chief), "cfo": lv(Chief), "coo": lv(Chief),
	"cio": lv(Chief), "cmo": lv(Chief), "ciso": lv(Chief), "cdo": lv(Chief), "cpo": lv(Chief),
	"chro": lv(Chief), "founder": lv(Chief), "co-founder": lv(Chief), "cofounder": lv(Chief),
}

// ownedThings before "owner" make an individual contributor's title ("Product Owner").
var ownedThings = map[string]bool{"product": true, "process": true, "service": true, "data": true, "system": true, "account": true}

// pairLevels are two-word phrases that state a level.
var pairLevels = map[string]*Level{
	"working student": lv(Intern), "entry level": lv(Junior), "mid level": lv(Mid),
	"team lead": lv(Lead), "team leader": lv(Lead), "charge nurse": lv(Lead),
	"vice president": lv(VP), "managing partner": lv(Chief),
}

// romanLevels are the levels of a final roman numeral ("Analyst II").
var romanLevels = map[string]*Level{
	"i": lv(Junior), "ii": lv(Mid), "iii": lv(Senior), "iv": lv(Lead), "v": lv(Lead),
	"1": lv(Junior), "2": lv(Mid), "3": lv(Senior), "4": lv(Lead), "5": lv(Lead),
}

// icManager are the words before "manager" in individual contributors' titles.
var icManagerWords = map[string]bool{
	"product": true, "project": true, "program": true, "programme": true, "account": true,
	"case": true, "community": true, "brand": true, "content": true, "social": true,
	"media": true, "success": true, "relationship": true, "campaign": true, "category": true,
	"property": true, "portfolio": true, "release": true,
}

// icManager reports whether the words before "manager" make the title an individual
// contributor's ("Product Manager", "Social Media Manager", "Customer Success Manager").
func icManager(before []string) bool {
	return len(before) > 0 && icManagerWords[before[len(before)-1]]
}

// teamWords after "head of" name a team, not a function ("Head of Team" is a manager).
var teamWords = map[string]bool{"team": true, "section": true, "unit": true, "shift": true}

// engineeringWords after "staff" make it a level ("Staff Engineer", "Staff Data Scientist").
var engineeringWords = map[string]bool{
	"engineer": true, "software": true, "developer": true, "scientist": true, "data": true,
	"machine": true, "ml": true, "designer": true, "architect": true, "researcher": true,
	"product": true, "security": true, "site": true, "backend": true, "frontend": true,
	"full-stack": true, "platform": true, "infrastructure": true, "research": true,
}

// titleWords returns the lower-case words of a title, accents stripped; hyphenated words stay
// whole ("entry-level", "co-founder"), dots are dropped ("Sr." -> "sr").
func titleWords(title string) []string {
	t := norm.NFKD.String(title)
	var out []string
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			out = append(out, strings.Trim(b.String(), "-"))
			b.Reset()
		}
	}
	for _, r := range t {
		switch {
		case unicode.Is(unicode.Mn, r):
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-':
			b.WriteRune(unicode.ToLower(r))
		case r == '.' || r == '\'' || r == '’':
		default:
			flush()
		}
	}
	flush()
	return out
}
