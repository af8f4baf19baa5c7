package recommend

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/skillx/skillx/internal/classifier"
	"github.com/skillx/skillx/internal/encoder"
	"github.com/skillx/skillx/internal/gemini"
	ranking "github.com/skillx/skillx/internal/rank"
	"github.com/skillx/skillx/internal/report"
)

// ChunkSize is the number of people a run takes at a time: their vectors, predictions and
// reports are made together, and their outcomes written, before the next ones are read. With
// the users file read as a stream, it bounds the memory of a run whatever its number of
// people.
const ChunkSize = 4096

// chunkSize is ChunkSize; tests make it small.
var chunkSize = ChunkSize

// KeepOutcomes is the number of people up to which Result.Outcomes lists the outcome of each;
// the outcomes of a larger run are in summary.csv and failures.jsonl only.
const KeepOutcomes = 10000

// bulkRun is what a run keeps from one chunk of people to the next.
type bulkRun struct {
	s    *stage
	enc  encoder.Encoder
	set  *ranking.Set
	info *classifier.Info
	// base is the offline analyst with the catalog's vectors (nil with Gemini); each chunk
	// works with a copy that has the vectors of its people's skills.
	base *offlineAnalyst
	// index is the previous run's index of the reports folder (nil: none, or --force).
	index *reportIndex
	// key is the run's part of every index check: what every report depends on.
	key []byte
	// known holds the predictions and analyses of recent inputs.
	known *analyses
	// out writes summary.csv, failures.jsonl and the index (nil for one person).
	out *bulkOutputs
	res *Result
	// keep makes res.Outcomes list every outcome.
	keep bool
	// first is the first failure; cancelled counts the people the run did not finish.
	first     *Failure
	cancelled int
	// inputFailures counts the people of the users file that cannot be processed; firstInput
	// is the first of them.
	inputFailures int
	firstInput    *Failure
}

// pending is a chunk of people whose reports are being put in place (stagedFiles.commit, in
// the background while the next chunk is ranked and analysed).
type pending struct {
	people   []person
	outcomes []Outcome
	failed   chan map[string]error // commit's result
}

// runPeople processes the people of src a chunk at a time.
func (b *bulkRun) runPeople(ctx context.Context, src peopleSource) error {
	var prev *pending
	defer func() {
		if prev != nil {
			<-prev.failed // an error stopped the run: let the commit end, write nothing
		}
	}()
	settle := func() error {
		if prev == nil {
			return nil
		}
		p := prev
		prev = nil
		return b.settle(p)
	}
	chunk := make([]person, 0, chunkSize)
	for {
		p, err := src.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		chunk = append(chunk, p)
		if len(chunk) < chunkSize {
			continue
		}
		next, err := b.start(ctx, chunk)
		if err != nil {
			return err
		}
		if err := settle(); err != nil {
			return err
		}
		prev, chunk = next, make([]person, 0, chunkSize)
	}
	if len(chunk) > 0 {
		next, err := b.start(ctx, chunk)
		if err != nil {
			return err
		}
		if err := settle(); err != nil {
			return err
		}
		prev = next
	}
	return settle()
}

// start writes the reports of people to temporary files and starts putting them in place:
// failures of the input first, reports the index shows up to date, then the others, ranked
// and analysed.
func (b *bulkRun) start(ctx context.Context, people []person) (*pending, error) {
	s := b.s
	s.outcomes = make([]Outcome, len(people))
	var need []int // people to rank
	for i, p := range people {
		switch {
		case p.fail != nil:
			s.record(i, failedOutcome(*p.fail))
		case ctx.Err() != nil:
			s.cancelled(job{idx: i, user: p.user}, gemini.Usage{})
		default:
			if o, ok := b.fromIndex(p); ok {
				s.record(i, o)
				b.res.Indexed++
				continue
			}
			need = append(need, i)
		}
	}
	jobs, err := b.jobs(ctx, people, need)
	switch {
	case err != nil && ctx.Err() != nil: // cancelled while ranking: the people are not finished
		for _, i := range need {
			if s.outcomes[i].Status == "" {
				s.cancelled(job{idx: i, user: people[i].user}, gemini.Usage{})
			}
		}
		jobs = nil
	case err != nil:
		return nil, err
	}
	s.pub = newStagedFiles()
	switch {
	case s.gem != nil && s.cfg.Batch:
		s.runBatch(ctx, jobs)
	default:
		s.parallel(ctx, jobs, b.work)
	}
	p := &pending{people: people, outcomes: s.outcomes, failed: make(chan map[string]error, 1)}
	go func(pub *stagedFiles) { p.failed <- pub.commit() }(s.pub)
	s.pub = nil
	return p, nil
}

// settle waits until the reports of a chunk are in place, and writes its outcomes: a report
// that could not be put in place is a failure.
func (b *bulkRun) settle(p *pending) error {
	s := b.s
	failed := <-p.failed
	for i, o := range p.outcomes {
		if o.Status != StatusWritten {
			continue
		}
		if err := failed[strings.TrimSuffix(o.JSON, ".json")]; err != nil {
			f := Failure{UserID: o.UserID, Row: o.Row, Line: p.people[i].user.Line, Stage: StageWrite, Reason: err.Error()}
			s.log.Warn("recommend: no report", "user", f.UserID, "row", f.Row, "stage", f.Stage, "reason", f.Reason)
			p.outcomes[i] = failedOutcome(f)
			p.outcomes[i].Usage = o.Usage
			s.mu.Lock()
			s.failed++
			s.describe()
			s.mu.Unlock()
		}
	}
	return b.emit(p.people, p.outcomes)
}

// jobs ranks the people at need (indexes of people) and returns the jobs of those whose
// report is to be written; the others get their outcome (the classifier knows too few roles,
// or the report is up to date by its key). People who share their inputs with someone else
// of the chunk, or with someone met shortly before, are ranked once.
func (b *bulkRun) jobs(ctx context.Context, people []person, need []int) ([]job, error) {
	s := b.s
	if len(need) == 0 {
		return nil, nil
	}
	byKey := map[string]*analysis{}
	var fresh []User // one person per distinct input not known yet
	for _, i := range need {
		k := inputKey(people[i].user)
		if _, ok := byKey[k]; ok {
			continue
		}
		if a := b.known.get(k); a != nil {
			byKey[k] = a
			continue
		}
		byKey[k] = nil
		fresh = append(fresh, people[i].user)
	}
	// Vectors: the classifier's input text of each new input and, for the offline analyst,
	// every skill of a person whose analysis is not made yet.
	texts := make([]string, 0, len(fresh))
	for _, u := range fresh {
		texts = append(texts, strings.Join(u.Skills, ", "))
	}
	var skills []string
	if b.base != nil {
		seen := map[string]bool{}
		for _, i := range need {
			u := people[i].user
			if a := byKey[inputKey(u)]; a != nil && a.analysed() {
				continue
			}
			for _, sk := range u.Skills {
				if !seen[sk] {
					seen[sk] = true
					skills = append(skills, sk)
				}
			}
		}
		if encoder.KindOf(b.enc.ID()) != encoder.KindCorpus {
			texts = append(texts, skills...) // the analyst compares the model's vectors
		}
	}
	vecs, err := vectors(ctx, b.enc, "", texts, s.log)
	if err != nil {
		return nil, err
	}
	cands, alts, err := rankUsers(b.set, b.info, fresh, vecs, b.enc.Dim(), s.zones)
	if err != nil {
		return nil, err
	}
	for i, u := range fresh {
		byKey[inputKey(u)] = b.known.put(inputKey(u), cands[i], alts[i])
	}
	if b.base != nil {
		_, avecs, err := analystVectors(ctx, b.enc.ID(), skills, vecs)
		if err != nil {
			return nil, err
		}
		a := *b.base
		a.vecs = avecs
		s.off = &a
	}
	var jobs []job
	for _, i := range need {
		u := people[i].user
		a := byKey[inputKey(u)]
		if len(a.cands) < report.NumRoles {
			s.record(i, failedOutcome(Failure{UserID: u.ID, Row: u.Row, Line: u.Line, Stage: StageClassify,
				Reason: fmt.Sprintf("the classifier knows %d roles other than %q; %d are needed", len(a.cands), u.CurrentRole, report.NumRoles)}))
			continue
		}
		j := job{idx: i, user: u, base: filepath.Join(s.dir, people[i].name), an: a,
			req:          report.Request{UserID: u.ID, CurrentRole: u.CurrentRole, Skills: u.Skills, Candidates: a.cands},
			alternatives: a.alts}
		j.key = s.key(j)
		if !s.cfg.Force {
			if o, ok := s.upToDate(j); ok {
				s.record(i, o)
				continue
			}
		}
		jobs = append(jobs, j)
	}
	return jobs, nil
}

// work writes the report of one person: Gemini's answer (process), or the offline analysis
// of the person's inputs, made once for everyone who shares them.
func (b *bulkRun) work(ctx context.Context, j job) {
	s := b.s
	if s.gem != nil || j.an == nil {
		s.process(ctx, j)
		return
	}
	start := time.Now()
	rep := j.an.report(func() *report.Report { return s.off.analyse(j.req, j.alternatives) })
	s.finish(j, rep, gemini.Usage{Latency: time.Since(start)})
}

// emit counts the outcomes of a chunk of people and writes them to the outputs, in input
// order.
func (b *bulkRun) emit(people []person, outcomes []Outcome) error {
	res := b.res
	for i, o := range outcomes {
		var id, check uint64
		switch o.Status {
		case StatusWritten:
			res.Written++
			res.PromptTokens += o.Usage.PromptTokens
			res.OutputTokens += o.Usage.OutputTokens
		case StatusUnchanged:
			res.Unchanged++
		default:
			res.Failed++
			res.PromptTokens += o.Usage.PromptTokens // failed and invalid replies are billed too
			res.OutputTokens += o.Usage.OutputTokens
			if b.first == nil {
				b.first = o.Failure
			}
			switch o.Failure.Stage {
			case StageCancelled:
				b.cancelled++
			case StageInput:
				b.inputFailures++
				if b.firstInput == nil {
					b.firstInput = o.Failure
				}
			}
		}
		res.Users++
		if o.Status != StatusFailed && b.out != nil {
			id, check = hashID(o.UserID), o.check
			if check == 0 {
				if st, err := os.Stat(o.JSON); err == nil {
					check = b.check(people[i].user, st)
				}
			}
		}
		if b.out != nil {
			if err := b.out.add(o, id, check); err != nil {
				return err
			}
		}
		if b.keep {
			res.Outcomes = append(res.Outcomes, o)
		}
	}
	return nil
}

// fromIndex returns the outcome of p when the previous run's index has p's report with the
// check it would have now (same inputs, same model and analyst, the JSON file as that run left
// it) and the report's three files exist: p is then neither ranked nor read.
func (b *bulkRun) fromIndex(p person) (Outcome, bool) {
	if b.index == nil {
		return Outcome{}, false
	}
	base := filepath.Join(b.s.dir, p.name)
	st, err := os.Stat(base + ".json")
	if err != nil {
		return Outcome{}, false
	}
	check := b.check(p.user, st)
	e, ok := b.index.find(hashID(p.user.ID), check)
	if !ok {
		return Outcome{}, false
	}
	for _, ext := range []string{".md", ".txt"} {
		if _, err := os.Stat(base + ext); err != nil {
			return Outcome{}, false
		}
	}
	rec, err := b.index.read(e)
	if err != nil {
		b.s.log.Debug("recommend: cannot read the index; checking the report by its key", "error", err)
		return Outcome{}, false
	}
	return Outcome{UserID: p.user.ID, Row: p.user.Row, Status: StatusUnchanged, JSON: base + ".json", Markdown: base + ".md",
		Text: base + ".txt", Analyst: b.s.analyst.Label(), Roles: rec.roles, Usage: rec.usage, check: check}, true
}

// check returns the index check of u's report, whose JSON file is st: a hash of the run's key,
// u's inputs and the file's size and modification time (never 0).
func (b *bulkRun) check(u User, st os.FileInfo) uint64 {
	h := sha256.New()
	h.Write(b.key)
	for _, part := range []string{u.ID, u.CurrentRole, strings.Join(u.Skills, "\x00"), strings.Join(u.Notes, "\n"), foundKey(u.Found)} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	var n [16]byte
	binary.LittleEndian.PutUint64(n[:8], uint64(st.Size()))
	binary.LittleEndian.PutUint64(n[8:], uint64(st.ModTime().UnixNano()))
	h.Write(n[:])
	v := binary.LittleEndian.Uint64(h.Sum(nil))
	return max(v, 1)
}

// runKey returns what every report of the run depends on besides the person: the report
// format, the analyst, the Gemini prompt's version, the classifier and the other ranking
// files (by their sha256, from refs by path), the role catalog and the encoder.
func (b *bulkRun) runKey(sha map[string]string, files []string) []byte {
	s := b.s
	h := sha256.New()
	parts := []string{indexMagic, ReportFormat, s.aid, gemini.PromptVersion, strconv.Itoa(report.NumRoles),
		s.cls.SHA256, s.catalog, b.enc.ID(), s.zones.keyPart()}
	for _, f := range files {
		parts = append(parts, sha[f])
	}
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return h.Sum(nil)
}
