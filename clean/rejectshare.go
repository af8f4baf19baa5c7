package clean

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/skillx/skillx/internal/parquetio"
	"github.com/skillx/skillx/internal/records"
)

// rejectTally counts clean's own rejects by kind and keeps the first of each kind.
type rejectTally struct {
	byKind   map[string]int64
	examples map[string]string
}

func (t rejectTally) add(kind, example string) {
	t.byKind[kind]++
	if _, ok := t.examples[kind]; !ok {
		t.examples[kind] = example
	}
}

// checkRejectShare returns an error when clean rejected more than maxShare of the raw
// postings, after publishing this run's rejects (written to failed as well) at failedPath; the
// error names the commonest reasons, with counts and the first instance, and that file.
func checkRejectShare(res *Result, maxShare float64, own rejectTally, failed *parquetio.Writer[records.Reject], failedPath string) error {
	if res.RawPostings == 0 || float64(res.Rejected) <= maxShare*float64(res.RawPostings) {
		return nil
	}
	where := "; this run's rejects are in " + failedPath
	if err := failed.Commit(); err != nil {
		where = fmt.Sprintf("; this run's rejects could not be kept either: %v", err)
	}
	return fmt.Errorf("%d of %d raw postings (%.1f%%) were rejected, more than the largest share allowed (--max-reject-share %s); commonest reasons: %s; nothing was published, so the earlier outputs are unchanged%s; fix the source or its column mapping, or pass --max-reject-share 1 to accept the run",
		res.Rejected, res.RawPostings, 100*float64(res.Rejected)/float64(res.RawPostings), shareText(maxShare), own.commonest(3), where)
}

// commonest describes the n commonest kinds, with their counts and first instances.
func (t rejectTally) commonest(n int) string {
	kinds := make([]string, 0, len(t.byKind))
	for k := range t.byKind {
		kinds = append(kinds, k)
	}
	sort.Slice(kinds, func(i, j int) bool {
		if t.byKind[kinds[i]] != t.byKind[kinds[j]] {
			return t.byKind[kinds[i]] > t.byKind[kinds[j]]
		}
		return kinds[i] < kinds[j]
	})
	parts := make([]string, 0, n+1)
	for i, k := range kinds {
		if i == n {
			parts = append(parts, fmt.Sprintf("and %d other reasons", len(kinds)-n))
			break
		}
		parts = append(parts, fmt.Sprintf("%d %q (first: %s)", t.byKind[k], k, t.examples[k]))
	}
	return strings.Join(parts, ", ")
}

// shareText formats a share for messages: the tiny share that stands for --max-reject-share 0
// is shown as 0.
func shareText(share float64) string {
	if share < 1e-9 {
		return "0"
	}
	return strconv.FormatFloat(share, 'g', -1, 64)
}
