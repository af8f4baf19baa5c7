package ingest

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// DefaultMaxRejectShare is the share of rejected records above which a run fails when
// Config.MaxRejectShare is 0.
const DefaultMaxRejectShare = 0.5

// joinMissKinds are the reject kinds of records that were read correctly but had nothing to
// join with: a LinkedIn title without a skills row, a Technology Skills or Task Statements row
// of an occupation that Occupation Data does not list. They are rejected and counted like the
// others, but they do not count towards MaxRejectShare: a lookup file that covers more jobs
// than the main file (as the LinkedIn sample's two files do) is not a reading failure.
var joinMissKinds = map[string]bool{"title without skills": true, "unknown occupation": true}

// checkRejectShare returns an error when more than maxShare of the records were rejected
// (join misses aside), after putting the run's rejects in their own file; the error names
// the commonest reasons, with counts and the first instance, and that file.
func (s *sink) checkRejectShare(records int64, maxShare float64) error {
	var counted, misses int64
	for kind, n := range s.byKind {
		if joinMissKinds[kind] {
			misses += n
		} else {
			counted += n
		}
	}
	if records == 0 || float64(counted) <= maxShare*float64(records) {
		return nil
	}
	where := ""
	if err := s.publishFailed(); err != nil {
		where = fmt.Sprintf("; this run's rejects could not be kept either: %v", err)
	} else {
		where = "; this run's rejects are in " + s.failedPath
	}
	var notCounted string
	if misses > 0 {
		notCounted = fmt.Sprintf(" (not counting %d records with nothing to join)", misses)
	}
	return fmt.Errorf("%d of %d records (%.1f%%) were rejected%s, more than the largest share allowed (--max-reject-share %s); commonest reasons: %s; nothing was published, so the earlier outputs are unchanged%s; check the input's format and encoding (--format, --encoding), or pass --max-reject-share 1 to accept the run",
		counted, records, 100*float64(counted)/float64(records), notCounted, shareText(maxShare), commonestReasons(s.byKind, s.examples, 3), where)
}

// commonestReasons describes the n commonest reject kinds of byKind (join misses aside), with
// their counts and first reasons: `12490 "wrong number of fields" (first: jobs.tsv line 3:
// ...)`.
func commonestReasons(byKind map[string]int64, examples map[string]string, n int) string {
	kinds := make([]string, 0, len(byKind))
	for k := range byKind {
		if !joinMissKinds[k] {
			kinds = append(kinds, k)
		}
	}
	sort.Slice(kinds, func(i, j int) bool {
		if byKind[kinds[i]] != byKind[kinds[j]] {
			return byKind[kinds[i]] > byKind[kinds[j]]
		}
		return kinds[i] < kinds[j]
	})
	parts := make([]string, 0, n+1)
	for i, k := range kinds {
		if i == n {
			parts = append(parts, fmt.Sprintf("and %d other reasons", len(kinds)-n))
			break
		}
		parts = append(parts, fmt.Sprintf("%d %q (first: %s)", byKind[k], k, truncate(examples[k], 160)))
	}
	return strings.Join(parts, ", ")
}

// truncate shortens s to at most n bytes (at a rune boundary), marking the cut.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !isRuneStart(s[n]) {
		n--
	}
	return s[:n] + "..."
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

// shareText formats a share for messages: the tiny share that stands for --max-reject-share 0
// is shown as 0.
func shareText(share float64) string {
	if share < 1e-9 {
		return "0"
	}
	return strconv.FormatFloat(share, 'g', -1, 64)
}
