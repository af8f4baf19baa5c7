package skillsplit

import (
	"encoding/csv"
	"errors"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/skillx/skillx/internal/testenv"
	"github.com/skillx/skillx/internal/textnorm"
)

func TestSplitSkills(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		// Kaggle run-on style (texts from the Kaggle job descriptions set).
		{
			"Social media platforms (e.g., Facebook, Twitter, Instagram) Content creation and scheduling Social media analytics and insights Community engagement Paid social advertising",
			[]string{"Social media platforms (e.g., Facebook, Twitter, Instagram)", "Content creation and scheduling", "Social media analytics and insights", "Community engagement", "Paid social advertising"},
		},
		{
			"HTML, CSS, JavaScript Frontend frameworks (e.g., React, Angular) User experience (UX)",
			[]string{"HTML", "CSS", "JavaScript", "Frontend frameworks (e.g., React, Angular)", "User experience (UX)"},
		},
		{
			"Front-end web development HTML, CSS, JavaScript Responsive design Web performance optimization Cross-browser compatibility",
			[]string{"Front-end web development", "HTML", "CSS", "JavaScript", "Responsive design", "Web performance optimization", "Cross-browser compatibility"},
		},
		{
			"Proficiency in HTML, CSS, and JavaScript Experience with frontend frameworks like React, Angular, or Vue.js Responsive web design Cross-browser compatibility Version control (e.g., Git) Frontend performance optimization",
			[]string{"Proficiency in HTML, CSS, and JavaScript", "Experience with frontend frameworks like React, Angular, or Vue.js", "Responsive web design", "Cross-browser compatibility", "Version control (e.g., Git)", "Frontend performance optimization"},
		},
		{
			// single-word phrases next to each other
			"Event planning and coordination Budget management Risk management Client communication Creativity Problem-solving Attention to detail",
			[]string{"Event planning and coordination", "Budget management", "Risk management", "Client communication", "Creativity", "Problem-solving", "Attention to detail"},
		},
		{
			"Project management Communication Time management Organization Problem-solving",
			[]string{"Project management", "Communication", "Time management", "Organization", "Problem-solving"},
		},
		{
			// brand names stay whole; a capital after an acronym starts a phrase
			"Marketing analytics Data analysis Data visualization Market research Google Analytics Marketing automation Reporting tools",
			[]string{"Marketing analytics", "Data analysis", "Data visualization", "Market research", "Google Analytics", "Marketing automation", "Reporting tools"},
		},
		{
			"Frontend web development HTML/CSS Responsive design User interface (UI) design Adobe Creative Suite Collaboration skills",
			[]string{"Frontend web development", "HTML/CSS", "Responsive design", "User interface (UI) design", "Adobe Creative Suite", "Collaboration skills"},
		},
		{
			"Search engine marketing (SEM) Google Ads Bing Ads Keyword analysis Ad performance analysis SEM strategy development Bid management",
			[]string{"Search engine marketing (SEM)", "Google Ads", "Bing Ads", "Keyword analysis", "Ad performance analysis", "SEM strategy development", "Bid management"},
		},
		{
			"Manufacturing processes knowledge CAD/CAM software proficiency Lean manufacturing principles Quality control and assurance Six Sigma certification",
			[]string{"Manufacturing processes knowledge", "CAD/CAM software proficiency", "Lean manufacturing principles", "Quality control and assurance", "Six Sigma certification"},
		},
		{
			"System administration Server maintenance Active Directory Backup and recovery Cloud computing (e.g., AWS, Azure) Troubleshooting IT security best practices",
			[]string{"System administration", "Server maintenance", "Active Directory", "Backup and recovery", "Cloud computing (e.g., AWS, Azure)", "Troubleshooting", "IT security best practices"},
		},
		{
			// "and"/"or"/"of" between capitalised words, adjectives before acronyms
			"Agile methodologies Scrum or Kanban Team collaboration Strategic HR planning Knowledge of HVAC systems Google Analytics and SEO Content management systems (CMS) proficiency",
			[]string{"Agile methodologies", "Scrum or Kanban", "Team collaboration", "Strategic HR planning", "Knowledge of HVAC systems", "Google Analytics and SEO", "Content management systems (CMS) proficiency"},
		},
		{
			"Content strategy Content creation Blog management Content promotion SEO Analytics and reporting",
			[]string{"Content strategy", "Content creation", "Blog management", "Content promotion", "SEO", "Analytics and reporting"},
		},
		{
			// lower-case names, numbers, a closing parenthesis
			"Instructional design eLearning tools Curriculum development Building codes 3D modeling (if applicable) Collaboration",
			[]string{"Instructional design", "eLearning tools", "Curriculum development", "Building codes", "3D modeling (if applicable)", "Collaboration"},
		},
		{
			"Mobile development iOS development Swift programming C++ programming Node.js development AWS services Microsoft Office Suite proficiency",
			[]string{"Mobile development", "iOS development", "Swift programming", "C++ programming", "Node.js development", "AWS services", "Microsoft Office Suite proficiency"},
		},
		{
			"Backend development RESTful APIs Database integration Java EE (Enterprise Edition) Performance optimization",
			[]string{"Backend development", "RESTful APIs", "Database integration", "Java EE (Enterprise Edition)", "Performance optimization"},
		},
		{
			"Automation and scripting (e.g., Python, Bash) Continuous Integration/Continuous Deployment (CI/CD) Containerization (e.g., Docker, Kubernetes) Infrastructure as Code (e.g., Terraform, Ansible) Cloud platforms (e.g., AWS, Azure, GCP) Monitoring and troubleshooting skills",
			[]string{"Automation and scripting (e.g., Python, Bash)", "Continuous Integration/Continuous Deployment (CI/CD)", "Containerization (e.g., Docker, Kubernetes)", "Infrastructure as Code (e.g., Terraform, Ansible)", "Cloud platforms (e.g., AWS, Azure, GCP)", "Monitoring and troubleshooting skills"},
		},
		{
			"Search engine algorithms and ranking factors On-page and off-page SEO optimization SEO tools (e.g., Google Analytics, SEMrush)",
			[]string{"Search engine algorithms and ranking factors", "On-page and off-page SEO optimization", "SEO tools (e.g., Google Analytics, SEMrush)"},
		},

		// Lists with separators split at the separators only.
		{
			"Building Custodial Services, Cleaning, Janitorial Services, Communication Skills, Attention to Detail, Experience in Housekeeping",
			[]string{"Building Custodial Services", "Cleaning", "Janitorial Services", "Communication Skills", "Attention to Detail", "Experience in Housekeeping"},
		},
		{"Clearances (Act 151 Act 34 FBI Use code: 1KG6XN)", []string{"Clearances (Act 151 Act 34 FBI Use code: 1KG6XN)"}},
		{"Building Custodial Services", []string{"Building Custodial Services"}},
		{"Fast Fourier transform FFT analysis software", []string{"Fast Fourier transform FFT analysis software"}},
		{"1 year Customer Service experience", []string{"1 year Customer Service experience"}},
		{"Python; SQL | Excel", []string{"Python", "SQL", "Excel"}},
		{"Python\nSQL\r\nExcel", []string{"Python", "SQL", "Excel"}},
		{"• Python • SQL ▪ Excel ‣ Word · Outlook", []string{"Python", "SQL", "Excel", "Word", "Outlook"}},
		{"- Python\n- SQL\n  * Excel", []string{"Python", "SQL", "Excel"}},
		{"Windows 10, Office 365", []string{"Windows 10", "Office 365"}},
		{
			"Database administration SQL Server Management Studio Data analysis SQL Data tools",
			[]string{"Database administration", "SQL Server Management Studio", "Data analysis", "SQL", "Data tools"},
		},
		{"Microsoft Office Suite (Word, Excel, PowerPoint), Adobe Creative Suite (Photoshop, Illustrator)", []string{"Microsoft Office Suite (Word, Excel, PowerPoint)", "Adobe Creative Suite (Photoshop, Illustrator)"}},

		// Clean-up: spaces, artefacts, duplicates.
		{"  Python ,, SQL ,  ", []string{"Python", "SQL"}},
		{"Python,\u00a0SQL\t\tServer", []string{"Python", "SQL Server"}},
		{"Python, Java, and C++.", []string{"Python", "Java", "C++"}},
		{"Python, Java, or Go", []string{"Python", "Java", "Go"}},
		{"Spark, Hadoop, etc.", []string{"Spark", "Hadoop", "etc."}},
		{"Ph.D., M.B.A.", []string{"Ph.D.", "M.B.A."}},
		{".NET, C#", []string{".NET", "C#"}},
		{"Python, python, PYTHON, SQL", []string{"Python", "SQL"}},
		{"&, -, ()", nil},
		{"", nil},
		{"   \n\t ", nil},
		{"Cafe\u0301 management", []string{"Café management"}},

		// Unbalanced parentheses lose no text.
		{"Social media platforms (e.g., Facebook, Twitter", []string{"Social media platforms (e.g.", "Facebook", "Twitter"}},
		{"Python), SQL", []string{"Python)", "SQL"}},
		{"(((", []string{}},
		{"Data (analysis, (cleaning), reporting", []string{"Data (analysis", "(cleaning)", "reporting"}},
	}
	for _, tt := range tests {
		got := Split(tt.in)
		if len(got) == 0 && len(tt.want) == 0 {
			continue
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("Split(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

// TestSplitSkillsItems checks texts with items of their own (line breaks,
// bullets, numbered items): they are split into those items, cut further
// only where an item is a short list, and never by the run-on rules.
func TestSplitSkillsItems(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{
			// Issue 10: the run-on splitter used to cut this after the lines were joined:
			// "BA/BS degree in Computer" | "Science or equivalent practical experience" | ...
			"BA/BS degree in Computer Science or equivalent practical experience.\nExperience with one or more general purpose programming languages including but not limited to: Java, C/C++, C#, Python, JavaScript, or Go.",
			[]string{"BA/BS degree in Computer Science or equivalent practical experience",
				"Experience with one or more general purpose programming languages including but not limited to: Java, C/C++, C#, Python, JavaScript, or Go"},
		},
		{
			"• Patient care\n• BLS certification\n• Strong communication skills, both written and verbal",
			[]string{"Patient care", "BLS certification", "Strong communication skills, both written and verbal"},
		},
		{
			"- Java, C++, or Go\n- 3+ years of experience in data analysis, reporting, or a related field",
			[]string{"Java", "C++", "Go", "3+ years of experience in data analysis, reporting, or a related field"},
		},
		{"1. Python\n2) SQL\n(3) Excel\n10. Word", []string{"Python", "SQL", "Excel", "Word"}},
		{"* Excel; Word | PowerPoint\n* Project management Communication skills", []string{"Excel", "Word", "PowerPoint", "Project management Communication skills"}},
		{"● Data analysis ◦ Reporting ■ SQL ► Excel", []string{"Data analysis", "Reporting", "SQL", "Excel"}},
		{"– Budgeting\n— Forecasting\n+ Audit", []string{"Budgeting", "Forecasting", "Audit"}},
		{"Python\r\n\r\n  SQL  \r\n", []string{"Python", "SQL"}},
		{"python, sql\nexcel", []string{"python", "sql", "excel"}},
		{"Spark, Hadoop, etc.\nSQL", []string{"Spark", "Hadoop", "etc.", "SQL"}},
		{"Experience with Python; familiarity with SQL\nGit", []string{"Experience with Python; familiarity with SQL", "Git"}},
		{"Microsoft Office Suite (Word, Excel, PowerPoint), Outlook\nTeamwork", []string{"Microsoft Office Suite (Word, Excel, PowerPoint)", "Outlook", "Teamwork"}},
		{"Python\npython\nPYTHON", []string{"Python"}},
		// One item: the rules for texts without items of their own.
		{"1. Python, SQL", []string{"Python", "SQL"}},
		{"Data cleaning Excel modeling Data visualization (e.g., Tableau, Power BI)\n", []string{"Data cleaning", "Excel modeling", "Data visualization (e.g., Tableau, Power BI)"}},
	}
	for _, tt := range tests {
		if got := Split(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("Split(%q) = %q; want %q", tt.in, got, tt.want)
		}
		if !keepsLetters(tt.in, splitSkills(tt.in, false)) {
			t.Errorf("Split(%q) loses or adds letters", tt.in)
		}
	}
}

func TestTrimBullet(t *testing.T) {
	tests := []struct{ in, want string }{
		{"- Python", "Python"},
		{"  * Python", "Python"},
		{"12) Python", "Python"},
		{"(3) Python", "Python"},
		{"1. Python", "Python"},
		{"1.5 years", "1.5 years"},
		{"3D modeling", "3D modeling"},
		{"(3. Python", "(3. Python"},
		{"1234. Python", "1234. Python"},
		{"-Python", "-Python"},
		{"1.", "1."},
	}
	for _, tt := range tests {
		if got := trimBullet(tt.in); got != tt.want {
			t.Errorf("trimBullet(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

// TestSplitSkillsUnbalancedKeepsText checks that odd parentheses and
// separators neither panic nor lose letters.
func TestSplitSkillsUnbalancedKeepsText(t *testing.T) {
	inputs := []string{
		"(", ")", "()", ")(", "((a)", "(a))", "a (b, c", "a) b, (c", "Data (e.g., SQL Python) (", ") Data Analysis (",
		"Skills (a, b) (c, d Management (e", "x,(,),;|•", "A(B)C(D", "\xff\xfe bad (utf8, here", "Tax (law) knowledge) Audit (",
	}
	for _, in := range inputs {
		got := splitSkills(in, false)
		if a, b := alnum(in), alnum(strings.Join(got, " ")); a != b {
			t.Errorf("Split(%q) = %q; letters %q, want %q", in, got, b, a)
		}
	}
}

func TestCleanPhrase(t *testing.T) {
	tests := []struct{ in, want string }{
		{" and Python ", "Python"},
		{"or Vue.js", "Vue.js"},
		{"and", "and"},
		{"Python.", "Python"},
		{"Java etc.", "Java etc."},
		{"U.S.", "U.S."},
		{": Python ;", "Python"},
		{"- Python", "Python"},
		{"-Python", "-Python"},
		{"...", ""},
		{"C++", "C++"},
	}
	for _, tt := range tests {
		if got := cleanPhrase(tt.in); got != tt.want {
			t.Errorf("cleanPhrase(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

// alnum returns the letters and digits of s, in order.
func alnum(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// numberMarker matches a numbered list marker ("1. ", "2) ", "(3) ") at
// the start of a line or after a bullet, keeping what comes before it.
var numberMarker = regexp.MustCompile(`((?:^|[\n\r•·▪‣●◦■►])[ \t]*)(?:\d{1,3}[.)]|\(\d{1,3}\))[ \t]`)

// keepsLetters reports whether the letters and digits of phrases, in
// order, are those of text, apart from whole words "and" and "or" that
// Split may drop at the start of a phrase and the numbers of
// numbered list items.
func keepsLetters(text string, phrases []string) bool {
	text = numberMarker.ReplaceAllString(text, "$1 ")
	var orig []rune
	var wordStart []bool
	prevAlnum := false
	for _, r := range text {
		isAlnum := unicode.IsLetter(r) || unicode.IsDigit(r)
		if isAlnum {
			orig = append(orig, r)
			wordStart = append(wordStart, !prevAlnum)
		}
		prevAlnum = isAlnum
	}
	got := []rune(alnum(strings.Join(phrases, " ")))
	// ok[i][j]: orig[i:] can become got[j:].
	ok := make([][]bool, len(orig)+1)
	for i := range ok {
		ok[i] = make([]bool, len(got)+1)
	}
	ok[len(orig)][len(got)] = true
	for i := len(orig); i >= 0; i-- {
		for j := len(got); j >= 0; j-- {
			if i == len(orig) {
				ok[i][j] = j == len(got)
				continue
			}
			v := j < len(got) && orig[i] == got[j] && ok[i+1][j+1]
			if !v && wordStart[i] {
				for _, w := range []string{"and", "or"} {
					n := len(w)
					if i+n <= len(orig) && string(orig[i:i+n]) == w && (i+n == len(orig) || wordStart[i+n]) && ok[i+n][j] {
						v = true
					}
				}
			}
			ok[i][j] = v
		}
	}
	return ok[0][0]
}

// TestSplitSkillsKaggle splits the 376 distinct Kaggle skills texts and
// checks invariants of the result.
func TestSplitSkillsKaggle(t *testing.T) {
	roles := readKaggleSkills(t)
	if len(roles) != 376 {
		t.Errorf("read %d distinct Kaggle roles; want 376", len(roles))
	}
	for _, rs := range roles {
		role, text := rs[0], rs[1]
		got := splitSkills(text, false)
		if len(got) < 2 {
			t.Errorf("role %q: Split(%q) = %q; want at least 2 phrases", role, text, got)
		}
		if !keepsLetters(text, got) {
			t.Errorf("role %q: Split(%q) = %q; lost or added letters", role, text, got)
		}
		for _, p := range got {
			if p == "" || p != textnorm.NormalizeText(p) {
				t.Errorf("role %q: Split(%q) has phrase %q, which is empty or not normalised", role, text, p)
			}
			if n := utf8.RuneCountInString(withoutGroups(p)); n > 80 {
				t.Errorf("role %q: Split(%q) has phrase %q, %d characters long outside parentheses; want <= 80", role, text, p, n)
			}
			if !startsLikePhrase(p) {
				t.Errorf("role %q: Split(%q) has phrase %q, which starts with neither a capital, a digit nor a lower-case name", role, text, p)
			}
		}
		dd := Split(text)
		for i, p := range dd {
			for _, q := range dd[:i] {
				if strings.EqualFold(p, q) {
					t.Errorf("role %q: Split(%q) = %q; duplicate %q", role, text, dd, p)
				}
			}
		}
	}
}

// withoutGroups returns p without its parenthesised groups.
func withoutGroups(p string) string {
	var b strings.Builder
	depth := 0
	for _, r := range p {
		switch {
		case r == '(':
			depth++
		case r == ')' && depth > 0:
			depth--
		case depth == 0:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// startsLikePhrase reports whether p starts with a capital letter, a
// digit, or a lower-case name with a capital inside ("eLearning", "iOS").
func startsLikePhrase(p string) bool {
	r, _ := utf8.DecodeRuneInString(p)
	if unicode.IsUpper(r) || unicode.IsDigit(r) {
		return true
	}
	first, _, _ := strings.Cut(p, " ")
	return strings.ContainsFunc(first, unicode.IsUpper)
}

// TestSplitSkillsLists checks that comma-separated lists from LinkedIn and
// O*NET are split at their separators only: the run-on rule may fire on
// at most a handful of texts.
func TestSplitSkillsLists(t *testing.T) {
	tests := []struct {
		name, file, column string
		comma              rune
		maxRunOn           int
	}{
		{"linkedin", "linkedin-2024-job-skills/job_skills_head.csv", "job_skills", ',', 3},
		{"onet", "onet-29.2/Technology Skills.txt", "Example", '\t', 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			texts := readColumn(t, tt.file, tt.column, tt.comma)
			if len(texts) < 1000 {
				t.Fatalf("read %d texts from %s; want at least 1000", len(texts), tt.file)
			}
			runOn := 0
			for _, text := range texts {
				got := Split(text)
				want := splitAtSeparators(text)
				if len(got) != len(want) {
					runOn++
					t.Logf("Split(%q) = %q; separators give %q", text, got, want)
				}
			}
			if runOn > tt.maxRunOn {
				t.Errorf("Split split %d of %d %s texts beyond their separators; want at most %d", runOn, len(texts), tt.name, tt.maxRunOn)
			}
		})
	}
}

// splitAtSeparators splits text at commas, semicolons, pipes and newlines
// outside parentheses, and drops blank and repeated items: what
// Split does to a text that is not in the run-on style.
func splitAtSeparators(text string) []string {
	var items []string
	depth, start := 0, 0
	add := func(s string) {
		s = cleanPhrase(s)
		if s == "" {
			return
		}
		for _, q := range items {
			if strings.EqualFold(q, s) {
				return
			}
		}
		items = append(items, s)
	}
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case '(':
			depth++
		case ')':
			if depth > 0 {
				depth--
			}
		case ',', ';', '|', '\n', '\r':
			if depth == 0 || text[i] == '\n' || text[i] == '\r' {
				add(text[start:i])
				start = i + 1
				if text[i] == '\n' || text[i] == '\r' {
					depth = 0
				}
			}
		}
	}
	add(text[start:])
	return items
}

// readColumn returns the distinct non-empty values of column in a CSV or
// TSV file under the shared datasets folder.
func readColumn(t testing.TB, rel, column string, comma rune) []string {
	t.Helper()
	f, err := os.Open(testenv.Shared(t, "datasets/"+rel))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma = comma
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	header, err := r.Read()
	if err != nil {
		t.Fatalf("read %s: %v", rel, err)
	}
	col := slices.Index(header, column)
	if col < 0 {
		t.Fatalf("column %q not found in %s; columns are %q", column, rel, header)
	}
	seen := map[string]bool{}
	var out []string
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("read %s: %v", rel, err)
		}
		if col < len(rec) && rec[col] != "" && !seen[rec[col]] {
			seen[rec[col]] = true
			out = append(out, rec[col])
		}
	}
	return out
}

// readKaggleSkills returns (Role, skills) for every distinct Role of the
// Kaggle sample, in file order, checking that each Role has one skills
// text.
func readKaggleSkills(t testing.TB) [][2]string {
	t.Helper()
	skills := map[string]string{}
	var out [][2]string
	for _, rec := range testenv.SharedCSV(t, "kaggle-job-descriptions/job_descriptions_sample.csv", "Role", "skills") {
		role, text := rec[0], rec[1]
		if prev, ok := skills[role]; ok {
			if prev != text {
				t.Errorf("role %q has two skills texts: %q and %q", role, prev, text)
			}
			continue
		}
		skills[role] = text
		out = append(out, [2]string{role, text})
	}
	return out
}

func BenchmarkSplitSkills(b *testing.B) {
	texts := []string{
		// 172 bytes, Kaggle run-on style
		"Social media platforms (e.g., Facebook, Twitter, Instagram) Content creation and scheduling Social media analytics and insights Community engagement Paid social advertising",
		// 182 bytes, LinkedIn comma list
		"Building Custodial Services, Cleaning, Janitorial Services, Materials Handling, Housekeeping, Sanitation, Waste Management, Floor Maintenance, Equipment Maintenance, Safety Protocols",
	}
	for _, text := range texts {
		name := "kaggle"
		if strings.Contains(text, ", Cleaning") {
			name = "list"
		}
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			b.ReportAllocs()
			for b.Loop() {
				Split(text)
			}
		})
	}
}

// FuzzSplitSkills checks that Split never panics, loses no letters
// or digits (apart from dropped "and"/"or"), and returns normalised,
// non-empty, distinct phrases.
func FuzzSplitSkills(f *testing.F) {
	for _, s := range []string{
		"Social media platforms (e.g., Facebook, Twitter, Instagram) Content creation and scheduling Social media analytics",
		"HTML, CSS, and JavaScript Frontend frameworks (e.g., React, Angular) User experience (UX)",
		"a (b, c", "x) y (z", "• a\n- b; c | d", "Python,\u00a0SQL", "and, or, ,",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		all := splitSkills(s, false)
		if !keepsLetters(s, all) {
			t.Errorf("Split(%q) = %q; lost or added letters", s, all)
		}
		got := Split(s)
		for i, p := range got {
			if p == "" || textnorm.NormalizeText(p) != p {
				t.Errorf("Split(%q) = %q; phrase %q is empty or not normalised", s, got, p)
			}
			for _, q := range got[:i] {
				if strings.EqualFold(p, q) {
					t.Errorf("Split(%q) = %q; duplicate %q", s, got, p)
				}
			}
		}
	})
}
