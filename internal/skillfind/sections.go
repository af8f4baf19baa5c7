package skillfind

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// listMarks start list items: a line that starts with one is never a heading.
const listMarks = bullets + "*-–—>+"

// Section is the part of a résumé a line is in.
type Section string

// The sections Find tells apart, from the headings of the text.
const (
	// SectionHeader is the first block of text before any heading (name, title, contact).
	SectionHeader Section = "header"
	// SectionBody is text under no heading after the first block (a résumé written as
	// paragraphs).
	SectionBody Section = "body"
	// SectionSummary is a summary, profile or objective.
	SectionSummary Section = "summary"
	// SectionSkills is a skills, competencies or tools section.
	SectionSkills Section = "skills"
	// SectionExperience is work experience, employment history or projects.
	SectionExperience Section = "experience"
	// SectionEducation is education, training and certifications.
	SectionEducation Section = "education"
	// SectionOther is any other section (languages, interests, references, awards).
	SectionOther Section = "other"
)

// SectionWeight is how much a mention in a section counts in the score: a skill a person lists
// as a skill (1.0) counts more than one in their work (0.7, and text under no heading), which
// counts more than one in a summary (0.5), the header (0.4), education (0.4) or interests and
// languages (0.3).
var SectionWeight = map[Section]float64{
	SectionSkills:     1.0,
	SectionExperience: 0.7,
	SectionBody:       0.7,
	SectionSummary:    0.5,
	SectionHeader:     0.4,
	SectionEducation:  0.4,
	SectionOther:      0.3,
}

// headings are the heading texts (lower-case, without decoration) Find recognises as they
// stand, in English and in a few other languages.
var headings = map[string]Section{
	"summary": SectionSummary, "professional summary": SectionSummary, "career summary": SectionSummary,
	"profile": SectionSummary, "professional profile": SectionSummary, "personal profile": SectionSummary,
	"objective": SectionSummary, "career objective": SectionSummary, "about": SectionSummary,
	"about me": SectionSummary, "overview": SectionSummary, "introduction": SectionSummary,
	"skills": SectionSkills, "skill": SectionSkills, "skill details": SectionSkills,
	"skill set": SectionSkills, "skillset": SectionSkills, "key skills": SectionSkills,
	"core skills": SectionSkills, "technical skills": SectionSkills, "it skills": SectionSkills,
	"skills & tools": SectionSkills, "skills and tools": SectionSkills, "tools": SectionSkills,
	"tools & technologies": SectionSkills, "tools and technologies": SectionSkills,
	"technologies": SectionSkills, "tech stack": SectionSkills, "technical proficiencies": SectionSkills,
	"core competencies": SectionSkills, "competencies": SectionSkills, "key competencies": SectionSkills,
	"areas of expertise": SectionSkills, "expertise": SectionSkills, "technical expertise": SectionSkills,
	"strengths": SectionSkills, "abilities": SectionSkills, "skills and abilities": SectionSkills,
	"experience": SectionExperience, "work experience": SectionExperience,
	"professional experience": SectionExperience, "relevant experience": SectionExperience,
	"employment": SectionExperience, "employment history": SectionExperience,
	"work history": SectionExperience, "career history": SectionExperience,
	"company details": SectionExperience, "projects": SectionExperience, "key projects": SectionExperience,
	"project experience": SectionExperience, "internships": SectionExperience,
	"education": SectionEducation, "education details": SectionEducation,
	"education and training": SectionEducation, "academic background": SectionEducation,
	"qualifications": SectionEducation, "certifications": SectionEducation,
	"certificates": SectionEducation, "licenses and certifications": SectionEducation,
	"licenses & certifications": SectionEducation, "training": SectionEducation,
	"courses": SectionEducation, "education & training": SectionEducation,
	"languages": SectionOther, "interests": SectionOther, "hobbies": SectionOther,
	"references": SectionOther, "awards": SectionOther, "achievements": SectionOther,
	"publications": SectionOther, "personal details": SectionOther, "contact": SectionOther,
	"additional information": SectionOther, "volunteering": SectionOther,
	// Spanish, French, German, Portuguese, Russian.
	"perfil": SectionSummary, "resumen": SectionSummary, "habilidades": SectionSkills,
	"competencias": SectionSkills, "conocimientos": SectionSkills, "experiencia": SectionExperience,
	"experiencia profesional": SectionExperience, "experiencia laboral": SectionExperience,
	"formación": SectionEducation, "formacion": SectionEducation, "educación": SectionEducation,
	"idiomas": SectionOther, "profil": SectionSummary, "compétences": SectionSkills,
	"expérience professionnelle": SectionExperience, "expérience": SectionExperience,
	"formation": SectionEducation, "langues": SectionOther, "kenntnisse": SectionSkills,
	"berufserfahrung": SectionExperience, "ausbildung": SectionEducation, "sprachen": SectionOther,
	"experiência": SectionExperience, "competências": SectionSkills, "formação": SectionEducation,
	"о себе": SectionSummary, "навыки": SectionSkills, "ключевые навыки": SectionSkills,
	"опыт работы": SectionExperience, "образование": SectionEducation, "языки": SectionOther,
}

// headingWords start or end a short heading ("Teaching Experience", "Relevant Skills",
// "Education and Training", "Skills & Tools").
var headingWords = map[string]Section{
	"skills": SectionSkills, "competencies": SectionSkills, "expertise": SectionSkills,
	"experience": SectionExperience, "history": SectionExperience, "projects": SectionExperience,
	"education": SectionEducation, "certifications": SectionEducation, "qualifications": SectionEducation,
	"summary": SectionSummary, "profile": SectionSummary, "objective": SectionSummary,
	"interests": SectionOther,
}

// firstHeadingWords only start a heading ("Training and Certifications"; "Compliance
// training" is a skill).
var firstHeadingWords = map[string]Section{
	"training": SectionEducation, "languages": SectionOther,
}

// heading returns the section that a line starts when it is a heading, and the text after the
// heading on the same line ("Technical Skills: QuickBooks, NetSuite" gives the skills section
// and "QuickBooks, NetSuite"). A list item (a line starting with a bullet, '*' or '-') is
// never a heading. A heading is a known heading text, or a line of at most four
// words, without digits, whose first or last word names a section and which is written as a
// heading (every word capitalised, all in capitals, or ending with a colon).
func heading(text string) (Section, string, bool) {
	if r, _ := utf8.DecodeRuneInString(text); strings.ContainsRune(listMarks, r) {
		return "", "", false // a list item is not a heading
	}
	head, rest, colon := strings.Cut(text, ":")
	if colon && strings.TrimSpace(rest) != "" {
		if sec, ok := headingText(head, true); ok {
			return sec, strings.TrimSpace(rest), true
		}
		return "", "", false
	}
	sec, ok := headingText(head, colon)
	return sec, "", ok
}

// headingText reports whether t (without a colon) is a heading; colon says one followed it.
func headingText(t string, colon bool) (Section, bool) {
	t = strings.TrimFunc(t, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if t == "" || len(t) > 48 {
		return "", false
	}
	low := strings.ToLower(strings.Join(strings.Fields(t), " "))
	if sec, ok := headings[low]; ok {
		return sec, true
	}
	fs := strings.Fields(low)
	if len(fs) > 4 || strings.ContainsAny(low, "0123456789") {
		return "", false
	}
	sec, ok := headingWords[fs[len(fs)-1]]
	if !ok {
		sec, ok = headingWords[fs[0]]
	}
	if !ok {
		sec, ok = firstHeadingWords[fs[0]]
	}
	if !ok || !(colon || isTitleCase(t) || strings.ToUpper(t) == t) {
		return "", false
	}
	return sec, true
}

// isTitleCase reports whether every word of t but the small ones starts with a capital.
func isTitleCase(t string) bool {
	for _, f := range strings.Fields(t) {
		switch strings.ToLower(f) {
		case "and", "of", "&", "the", "for", "in":
			continue
		}
		r := []rune(f)[0]
		if unicode.IsLetter(r) && !unicode.IsUpper(r) {
			return false
		}
	}
	return true
}

// categoryHeadings are the first words of a "Label: items" line that, under a Skills heading,
// is a category of the Skills section ("Languages: Python, SQL", "Certifications: CPR"), not
// the heading of a section of its own.
var categoryHeadings = map[string]bool{
	"languages": true, "language": true, "certifications": true, "certificates": true,
	"licenses": true, "licences": true,
}

// skillsCategory reports whether a "Label: items" line, read under a Skills heading, stays in
// the Skills section: its label is a heading of the Skills kind, or starts with a word of
// categoryHeadings.
func skillsCategory(text string) bool {
	head, _, _ := strings.Cut(text, ":")
	if sec, ok := headingText(head, true); ok && sec == SectionSkills {
		return true
	}
	fs := strings.Fields(strings.ToLower(head))
	return len(fs) > 0 && categoryHeadings[fs[0]]
}
