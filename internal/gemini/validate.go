package gemini

import (
	"errors"

	"github.com/skillx/skillx/internal/report"
)

// maxReplyKept bounds ReplyError.Reply.
const maxReplyKept = 8 << 10

// ParseReport parses a report Gemini wrote for r and checks it with the schema's rules
// (report.Parse with the replacer SourceGemini: exactly NumRoles distinct roles, none of them
// the current role, a "model" role one of the candidates, a "gemini" role replacing a candidate
// that is not kept, with a reason, every skill of r judged once, no empty texts; any other
// source, "analyst" included, is a problem). A failed check returns a *ReplyError naming every
// problem, with the raw reply.
//
// The returned report is normalised as report.Parse says: names spelled as in r, skill matches
// in r's order, a kept role carrying its candidate's probability, match levels capitalised,
// texts trimmed and control characters (other than line feeds and tabs) removed.
func ParseReport(r report.Request, data []byte) (*report.Report, error) {
	rep, err := report.Parse(r, data, report.SourceGemini)
	var ie *report.InvalidError
	if errors.As(err, &ie) {
		return nil, &ReplyError{Problems: ie.Problems, Reply: truncate(data)}
	}
	return rep, err
}

func truncate(data []byte) string {
	if len(data) > maxReplyKept {
		return string(data[:maxReplyKept]) + "...(truncated)"
	}
	return string(data)
}

// check validates Gemini's report rep against r, normalising rep in place, and returns the
// problems found.
func check(r report.Request, rep *report.Report) []string {
	return report.Check(r, rep, report.SourceGemini)
}
