package skillfind

import "strings"

// Skills kept as written: an item of a Skills section that names nothing in the vocabulary and
// is worded like no vocabulary phrase ("Kafka", "Conduit bending", "Absence management") is
// still a skill the person lists, so it is kept under the name they gave it (Match "as
// written"; the classifier's encoder reads any text). Its score is AsWrittenWeight × Σ over
// sections of section weight × ln(1 + lines), plus 0.1 a year stated: AsWrittenWeight is
// below the least specificity (0.5), so with the same evidence it ranks below every skill of
// the vocabulary. Result.Top puts the vocabulary's skills first. An item is not kept when it
// has more than six words, starts or ends with a function word (a piece of a sentence), or
// has no letter but in words of dates, lengths of time or levels ("5 yrs", "Advanced").
const AsWrittenWeight = 0.45

// mentionsOfWritten adds to each skill kept as written the other lines that name it (as a
// run of whole words, ignoring case): "Kafka" listed in the Skills section and named in two
// lines of experience has the evidence of three lines, as a skill of the vocabulary would.
func (st *scanState) mentionsOfWritten() {
	if len(st.written) == 0 {
		return
	}
	lower := make([]string, len(st.secOf))
	for i := range st.written {
		w := &st.written[i]
		needle := strings.ToLower(w.name)
		for li, sec := range st.secOf {
			if sec == "" || st.lines[li].dup || st.lines[li].joined || hasLine(w.lines, li) {
				continue
			}
			if lower[li] == "" {
				lower[li] = strings.ToLower(st.lines[li].text)
			}
			at := wordIndex(lower[li], needle)
			if at < 0 {
				continue
			}
			w.lines = append(w.lines, lineHit{line: li, section: sec, matched: w.name, start: at, end: at + len(needle)})
			if _, ok := st.years[li]; !ok {
				st.years[li] = statedYears(st.lines[li].text)
			}
		}
	}
}

func hasLine(lines []lineHit, li int) bool {
	for _, lh := range lines {
		if lh.line == li {
			return true
		}
	}
	return false
}

// wordIndex returns the offset of needle in s where it starts and ends at word boundaries, or
// -1.
func wordIndex(s, needle string) int {
	for off := 0; ; {
		i := strings.Index(s[off:], needle)
		if i < 0 {
			return -1
		}
		i += off
		end := i + len(needle)
		if (i == 0 || !isWordByte(s[i-1])) && (end == len(s) || !isWordByte(s[end])) {
			return i
		}
		off = i + 1
	}
}

// keepWritten keeps the item (see keepItem for the items kept) as written, once however
// often it is listed.
func (st *scanState) keepWritten(it item) {
	ws := words(it.text)
	if len(ws) == 0 {
		return
	}
	name := strings.Trim(it.text, " -–—.,;:/&*+")
	if len([]rune(name)) < 2 {
		return
	}
	key := joinKeys(ws)
	lh := lineHit{line: it.line, section: it.section, matched: name, start: it.start, end: it.end}
	if st.years == nil {
		st.years = map[int]float64{}
	}
	if _, ok := st.years[it.line]; !ok {
		st.years[it.line] = statedYears(st.lines[it.line].text)
	}
	if i, ok := st.byText[key]; ok {
		w := &st.written[i]
		if w.lines[len(w.lines)-1].line != it.line {
			w.lines = append(w.lines, lh)
		}
		return
	}
	if st.byText == nil {
		st.byText = map[string]int{}
	}
	st.byText[key] = len(st.written)
	st.written = append(st.written, written{name: name, lines: []lineHit{lh}, order: len(st.written)})
}
