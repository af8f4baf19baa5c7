package skillfind

import "testing"

func TestHeading(t *testing.T) {
	tests := []struct {
		line string
		sec  Section
		rest string
		ok   bool
	}{
		{"SKILLS", SectionSkills, "", true},
		{"Skill Details ", SectionSkills, "", true},
		{"SKILLS & TOOLS", SectionSkills, "", true},
		{"Core Competencies:", SectionSkills, "", true},
		{"Technical Skills: QuickBooks, NetSuite", SectionSkills, "QuickBooks, NetSuite", true},
		{"Relevant Skills", SectionSkills, "", true},
		{"PROFESSIONAL EXPERIENCE", SectionExperience, "", true},
		{"Teaching Experience", SectionExperience, "", true},
		{"Employment History", SectionExperience, "", true},
		{"Company Details ", SectionExperience, "", true},
		{"Education and training", SectionEducation, "", true},
		{"CERTIFICATIONS", SectionEducation, "", true},
		{"Training & Certifications", SectionEducation, "", true},
		{"Summary: Social media manager with 6+ years", SectionSummary, "Social media manager with 6+ years", true},
		{"ABOUT ME", SectionSummary, "", true},
		{"Languages", SectionOther, "", true},
		{"Languages: English, French", SectionOther, "English, French", true},
		{"HABILIDADES", SectionSkills, "", true},
		{"Опыт работы", SectionExperience, "", true},
		// Not headings.
		{"* Languages: JavaScript (ES6+), TypeScript", "", "", false},
		{"- Experience with Kubernetes", "", "", false},
		{"Programming Languages: Python, Java", "", "", false},
		{"Patient education", "", "", false},
		{"Compliance training", "", "", false},
		{"5 years experience", "", "", false},
		{"Customer service experience", "", "", false},
		{"Data Analyst", "", "", false},
		{"Lead a team of four building the customer quote journey in React", "", "", false},
	}
	for _, tt := range tests {
		sec, rest, ok := heading(tt.line)
		if sec != tt.sec || rest != tt.rest || ok != tt.ok {
			t.Errorf("heading(%q) = %q, %q, %v; want %q, %q, %v", tt.line, sec, rest, ok, tt.sec, tt.rest, tt.ok)
		}
	}
}

func TestStatedYears(t *testing.T) {
	tests := []struct {
		line string
		want float64
	}{
		{"Python- Exprience - 24 months", 2},
		{"SQL- Exprience - Less than 1 year months", 0.5},
		{"Docker- Exprience - 18 months", 1.5},
		{"5+ years of Java", 5},
		{"3-5 years of SQL", 3},
		{"six years of nursing", 6},
		{"Compassionate nurse with 6 years’ experience", 6},
		{"Kubernetes (2 yrs), Go (4 yrs)", 4},
		{"Data Analyst, 2019 - 2022", 0},
		{"Ran the 2023 audit in 600 days", 0},
		{"120 years of history", 0},
		{"", 0},
	}
	for _, tt := range tests {
		if got := statedYears(tt.line); got != tt.want {
			t.Errorf("statedYears(%q) = %v; want %v", tt.line, got, tt.want)
		}
	}
}
