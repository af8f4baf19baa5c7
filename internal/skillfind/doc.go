// Package skillfind finds a person's skills in a résumé or a work history: the phrases of the
// pipeline's skill vocabulary (the role catalog data/clean/roles.parquet and, when given,
// O*NET's technology skills with their Hot Technology and In Demand flags) found in the text
// through the normalisation clean uses, each with its evidence (the lines, how often, the
// section, years when stated), ranked strongest first.
//
// Build a Vocabulary once (NewVocabulary from ReadCatalog and ReadONET), a Finder over it
// (New), and call Find for each text:
//
//	roles, err := skillfind.ReadCatalog(workdir)
//	f := skillfind.New(skillfind.NewVocabulary(roles, nil), skillfind.Options{})
//	res, err := f.Find(resumeText)
//	top5 := res.Top(5)
//
// The text is cleaned first: bytes that are not UTF-8 are read as Windows-1252, mojibake is
// repaired ("â€¢" is "•"), control and invisible characters are removed, a line is cut at
// bullets in its middle, and a line repeating an earlier one is counted once (its repetitions
// are recorded). An empty text (ErrEmpty), one over the size limit (ErrTooLarge, 64 KiB by
// default) and one that is not text (ErrBinary: a PDF, a Word file) are errors of that text
// only; a text in another script or language, or without any known skill, gets a note.
//
// Sections come from headings (Skills, Experience, Education, Summary, others; see heading),
// and weigh a mention (SectionWeight). A skill's score is its specificity (rare words count
// more than "communication") × the sum over sections of the section weight × ln(1 + lines),
// plus 0.1 a year of stated experience (at most 10) and O*NET's flags (see Skill.Score).
//
// Nothing leaves the machine: the package reads local files and the text it is given.
package skillfind
