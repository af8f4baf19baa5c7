package recommend

import (
	"container/list"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/skillx/skillx/internal/report"
)

// maxKnownInputs is the number of distinct inputs (current role and skills) whose predictions
// and offline analysis a run keeps, the most recently used: people who share their inputs
// with someone met not long before are ranked and analysed once. An offline analysis holds
// about 10 KB of text.
const maxKnownInputs = 2048

// analysis is what the inputs of a person (current role and skills) give, whoever the person
// is: the classifier's candidates and further roles, and the offline analyst's report.
type analysis struct {
	key         string
	cands, alts []report.Candidate
	once        sync.Once
	rep         *report.Report
	done        atomic.Bool
}

// report returns the offline analysis, made by analyse the first time it is asked for.
func (a *analysis) report(analyse func() *report.Report) *report.Report {
	a.once.Do(func() {
		a.rep = analyse()
		a.done.Store(true)
	})
	return a.rep
}

// analysed reports whether the offline analysis is made.
func (a *analysis) analysed() bool { return a.done.Load() }

// inputKey returns the key of u's inputs: the current role and the skills. That is all the
// analysis depends on: the job level comes from the current role, and skills found in a
// résumé or a history are u.Skills. The résumé's text is in no key (it is dropped when the
// person is parsed), nor is what was found in it, which only the report lists (see foundKey):
// two people with the same role and top skills share an analysis whatever their résumés.
func inputKey(u User) string {
	return u.CurrentRole + "\x00" + strings.Join(u.Skills, "\x00")
}

// analyses is a least-recently-used set of analyses, safe for concurrent use.
type analyses struct {
	mu    sync.Mutex
	max   int
	items map[string]*list.Element
	order *list.List // of *analysis, most recently used first
}

// newAnalyses returns an empty set that keeps at most max analyses.
func newAnalyses(max int) *analyses {
	return &analyses{max: max, items: map[string]*list.Element{}, order: list.New()}
}

// get returns the analysis of key, or nil.
func (x *analyses) get(key string) *analysis {
	x.mu.Lock()
	defer x.mu.Unlock()
	e, ok := x.items[key]
	if !ok {
		return nil
	}
	x.order.MoveToFront(e)
	return e.Value.(*analysis)
}

// put adds the predictions of key and returns its analysis, evicting the least recently used
// one beyond the limit.
func (x *analyses) put(key string, cands, alts []report.Candidate) *analysis {
	x.mu.Lock()
	defer x.mu.Unlock()
	if e, ok := x.items[key]; ok {
		x.order.MoveToFront(e)
		return e.Value.(*analysis)
	}
	a := &analysis{key: key, cands: cands, alts: alts}
	x.items[key] = x.order.PushFront(a)
	for x.order.Len() > x.max {
		last := x.order.Back()
		x.order.Remove(last)
		delete(x.items, last.Value.(*analysis).key)
	}
	return a
}
