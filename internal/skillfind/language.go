package skillfind

import (
	"unicode"
)

// languageCounter guesses the script and language of a text from its letters and its
// commonest function words.
type languageCounter struct {
	latin, other int
	scripts      map[string]int
	stop         map[string]int // language -> function words seen
}

// scriptTables are the scripts a résumé may be written in, by name.
var scriptTables = []struct {
	name  string
	table *unicode.RangeTable
}{
	{"Cyrillic", unicode.Cyrillic}, {"Greek", unicode.Greek}, {"Arabic", unicode.Arabic},
	{"Hebrew", unicode.Hebrew}, {"Chinese", unicode.Han}, {"Japanese", unicode.Hiragana},
	{"Japanese", unicode.Katakana}, {"Korean", unicode.Hangul}, {"Devanagari", unicode.Devanagari},
	{"Thai", unicode.Thai}, {"Bengali", unicode.Bengali}, {"Tamil", unicode.Tamil},
}

// functionWords are common words of a few languages (accents stripped, as the matcher's keys).
var functionWords = map[string][]string{
	"English":    {"the", "and", "of", "to", "in", "for", "with", "on", "my", "as", "at", "by", "from", "was", "an", "i"},
	"Spanish":    {"de", "la", "el", "y", "los", "las", "del", "con", "para", "por", "una", "un", "que", "se", "al", "en"},
	"French":     {"de", "la", "le", "les", "et", "des", "du", "pour", "avec", "une", "un", "dans", "sur", "au", "aux", "en"},
	"German":     {"und", "der", "die", "das", "mit", "fur", "von", "im", "den", "zu", "ein", "eine", "bei", "auf"},
	"Portuguese": {"de", "da", "do", "e", "em", "com", "para", "o", "um", "uma", "no", "na", "dos", "das"},
	"Italian":    {"di", "e", "il", "la", "per", "con", "del", "della", "un", "una", "nel", "le", "dei", "gli"},
}

var functionWordLangs = func() map[string][]string {
	m := map[string][]string{}
	for lang, ws := range functionWords {
		for _, w := range ws {
			m[w] = append(m[w], lang)
		}
	}
	return m
}()

// letters counts the letters of s by script.
func (c *languageCounter) letters(s string) {
	for _, r := range s {
		if r < 0x80 {
			if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
				c.latin++
			}
			continue
		}
		if !unicode.IsLetter(r) {
			continue
		}
		if unicode.Is(unicode.Latin, r) {
			c.latin++
			continue
		}
		c.other++
		for _, t := range scriptTables {
			if unicode.Is(t.table, r) {
				if c.scripts == nil {
					c.scripts = map[string]int{}
				}
				c.scripts[t.name]++
				break
			}
		}
	}
}

// word counts one word key of the text.
func (c *languageCounter) word(key []byte) {
	if len(key) > 4 {
		return // function words are short
	}
	langs, ok := functionWordLangs[string(key)]
	if !ok {
		return
	}
	if c.stop == nil {
		c.stop = map[string]int{}
	}
	for _, l := range langs {
		c.stop[l]++
	}
}

// script returns the script most of the letters are in other than Latin ("" when most are
// Latin).
func (c *languageCounter) script() string {
	if c.other <= c.latin {
		return ""
	}
	best, n := "another script", 0
	for name, k := range c.scripts {
		if k > n || k == n && name < best {
			best, n = name, k
		}
	}
	return best
}

// language returns the language whose function words the text uses most, when that is not
// English and it uses at least 5 of them and half as many again as English's; "" otherwise.
func (c *languageCounter) language() string {
	en := c.stop["English"]
	best, n := "", 0
	for lang, k := range c.stop {
		if lang != "English" && (k > n || k == n && lang < best) {
			best, n = lang, k
		}
	}
	if n >= 5 && float64(n) > 1.5*float64(en) {
		return best
	}
	return ""
}
