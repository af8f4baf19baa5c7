package skillfind

import (
	"math"
	"regexp"
	"strconv"
	"strings"
)

// MaxYears bounds the years read from one line: a larger figure is not a length of experience.
const MaxYears = 45

var (
	lessThanYear = regexp.MustCompile(`less than (?:1|one|a) year`)
	yearsRe      = regexp.MustCompile(`(?:\b(\d{1,2})\s*(?:-|–|to)\s*)?\b(\d{1,2}(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty)\s*\+?\s*(?:years?|yrs?)\b`)
	monthsRe     = regexp.MustCompile(`\b(\d{1,3})\s*(?:months?|mos)\b`)
	numberWords  = map[string]float64{"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
		"eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20}
)

// statedYears returns the longest length of experience stated on a line, in years (0 when
// none is): "5+ years of Java" is 5, "3-5 years" 3, "Python- Exprience - 24 months" 2, "SQL-
// Exprience - Less than 1 year months" 0.5, "six years" 6. Dates ("2019 - 2022") are not
// read.
func statedYears(text string) float64 {
	if !containsFold(text, "year") && !containsFold(text, "yr") && !containsFold(text, "month") && !containsFold(text, "mos") {
		return 0
	}
	low := strings.ToLower(text)
	best := 0.0
	if lessThanYear.MatchString(low) {
		best = 0.5
		low = lessThanYear.ReplaceAllString(low, " ")
	}
	for _, m := range yearsRe.FindAllStringSubmatch(low, -1) {
		v := number(m[2])
		if m[1] != "" {
			v = math.Min(v, number(m[1]))
		}
		if v <= MaxYears {
			best = math.Max(best, v)
		}
	}
	for _, m := range monthsRe.FindAllStringSubmatch(low, -1) {
		if v := number(m[1]) / 12; v <= MaxYears {
			best = math.Max(best, math.Round(v*10)/10)
		}
	}
	return best
}

func number(s string) float64 {
	if v, ok := numberWords[s]; ok {
		return v
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0
	}
	return v
}

// containsFold reports whether s contains the lower-case ASCII word w in any case.
func containsFold(s, w string) bool {
	n := len(w)
	for i := 0; i+n <= len(s); i++ {
		j := 0
		for j < n && (s[i+j]|0x20) == w[j] {
			j++
		}
		if j == n {
			return true
		}
	}
	return false
}
