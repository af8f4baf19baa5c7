// Package report is the schema of a career-transition report: the Request an analyst judges
// (a person's current role, skills and the classifier's candidate roles) and the Report it
// answers (NumRoles final roles, each with its provenance and analysis), with the rules every
// report must pass (Parse, Check). The Gemini client (internal/gemini) and the offline analyst
// (package recommend) both write this schema, and recommend and serve read it.
package report
