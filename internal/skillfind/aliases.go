package skillfind

import "strings"

// Aliases: the common abbreviations and other spellings of tools and practices that résumés use
// and the catalog and O*NET do not ("JS" for JavaScript, "k8s" for Kubernetes, "Postgres" for
// PostgreSQL). Each set below lists names of one thing; the first name of a set that is a
// vocabulary form takes the others as its forms. A set none of whose names is in the
// vocabulary adds nothing: the table widens how a known skill may be written, never what the
// vocabulary knows. A name that is already a form of another skill keeps its skill.
//
// An alias is matched like any form (see caseRule): one in capitals ("JS", "TS") only in
// capitals, a capitalised one ("Node", "Postgres") only capitalised.
var aliasSets = [][]string{
	// Languages and runtimes.
	{"JavaScript", "JS", "ECMAScript"},
	{"TypeScript", "TS"},
	{"Go", "Golang"},
	{"C#", "CSharp", "C Sharp"},
	{"C++", "CPP"},
	{"Objective-C", "ObjC", "Obj-C"},
	// Web frameworks (X.js and X are also linked by rule: see jsForms).
	{"Ruby on Rails", "Rails", "RoR"},
	{"Tailwind CSS", "Tailwind"},
	{"Sass", "SCSS"},
	// Data stores.
	{"PostgreSQL", "Postgres", "Postgre"},
	{"MongoDB", "Mongo"},
	{"Microsoft SQL Server", "SQL Server", "MSSQL", "MS SQL Server", "MS SQL"},
	{"Elasticsearch", "Elastic Search"},
	// Cloud and operations.
	{"Kubernetes", "k8s", "K8s", "K8S"},
	{"Amazon Web Services", "AWS"},
	{"Google Cloud Platform", "GCP", "Google Cloud"},
	{"Microsoft Azure", "Azure"},
	{"Amazon Simple Storage Service S3", "S3", "Amazon S3", "AWS S3"},
	{"Amazon Elastic Compute Cloud EC2", "EC2", "Amazon EC2", "AWS EC2"},
	{"Continuous integration and delivery", "CI/CD", "CI-CD", "CICD", "Continuous integration",
		"Continuous delivery", "Continuous deployment"},
	{"GitHub Actions", "GH Actions"},
	// Data science.
	{"scikit-learn", "sklearn", "scikit learn", "SciKit"},
	{"Machine learning", "ML"},
	{"Natural language processing", "NLP"},
	{"Artificial intelligence", "AI"},
	{"Hugging Face", "HuggingFace"},
	{"Jupyter", "Jupyter Notebook", "Jupyter notebooks", "JupyterLab"},
	// Office and business software.
	{"Microsoft Office", "MS Office", "Office 365", "Microsoft 365", "M365", "O365", "MS Office Suite"},
	{"Google Workspace", "G Suite", "GSuite", "Google Apps"},
	{"Salesforce", "SFDC"},
	{"Customer relationship management", "CRM"},
	{"Enterprise resource planning", "ERP"},
	{"Search engine optimization", "SEO"},
	{"Electronic health records", "EHR", "EHRs", "Electronic medical records"},
	{"Individualized Educational Program", "IEP", "IEPs", "Individualized Education Program",
		"Individualised Education Plan"},
}

// addAliases adds the alias forms of aliasSets and the rule-made forms of jsForms and msForms
// to the builder.
func (b *builder) addAliases() {
	for _, f := range append([]*form(nil), b.order...) {
		b.jsForms(f)
		b.msForms(f)
	}
	for _, set := range aliasSets {
		var target *form
		for _, name := range set {
			if f := b.forms[joinKeys(words(name))]; f != nil {
				target = f
				break
			}
		}
		if target == nil {
			continue
		}
		for _, name := range set {
			b.variantAlias(target, name)
		}
	}
}

// jsForms links a JavaScript library's name with and without ".js": "Node.js" is also
// "Node" (and "NodeJS", see variants), and a one-word name such as "React" or "Vue" is also
// "React.js" and "ReactJS". The bare name of a ".js" form ("Node", "Express") is a common
// word, so it matches only capitalised (caseRule).
func (b *builder) jsForms(f *form) {
	if len(f.ws) != 1 {
		return
	}
	text := f.text[f.ws[0].start:f.ws[0].end]
	if stem, ok := strings.CutSuffix(strings.ToLower(text), ".js"); ok {
		if len(stem) >= 2 {
			b.variantAlias(f, text[:len(stem)])
		}
		return
	}
	if strings.Contains(text, ".") || len(text) < 3 || !b.isProper(f.ws[0], f.text) && !f.ws[0].capital {
		return
	}
	b.variantAlias(f, text+".js")
}

// msForms: "MS X" names "Microsoft X" for every Microsoft product, also those too common as
// words to stand alone ("MS Word", "MS Project"; see vendorRule).
func (b *builder) msForms(f *form) {
	if len(f.ws) < 2 || f.ws[0].key != "microsoft" {
		return
	}
	b.variantAlias(f, "MS "+f.text[f.ws[1].start:])
}
