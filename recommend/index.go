package recommend

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/skillx/skillx/internal/atomicfile"
)

// IndexName is the file, in a reports folder, that lets a rerun pass over the people whose
// reports are up to date without ranking them or reading their reports: for each report of
// the last run, a hash of the person's id, a check, and the figures summary.csv shows. It is
// rewritten with summary.csv; without it (or with --force) a rerun checks each report the
// slow way, by its key.
const IndexName = ".skillx-recommend.index"

// indexMagic starts the index file; a change of layout changes it, and an index of another
// layout is ignored.
const indexMagic = "skillx-recommend-index-v1\n"

// maxIndexRecord bounds one line of the index (one report).
const maxIndexRecord = 1 << 20

// reportIndex is the index of a previous run, open for lookups. The index is a text file of
// one line per report, "<id> <check> <prompt tokens> <output tokens> <attempts> <latency ms>
// <cached> <roles>", the id and the check as 16 hexadecimal digits and the roles as a JSON
// list (so that no control character of a role name is written raw). Only the ids, checks and
// positions are in memory (24 bytes per report); a line is read again when its check matches.
type reportIndex struct {
	f       *os.File
	path    string
	entries []indexEntry // sorted by id
}

// indexEntry locates the line of one report: pos holds the line's offset (upper 40 bits) and
// length (lower 24 bits).
type indexEntry struct {
	id, check uint64
	pos       uint64
}

// indexRecord is what the index keeps of one report besides its check.
type indexRecord struct {
	usage UsageInfo
	roles []string
}

// openIndex reads the entries of the index at path; it returns nil without error when there
// is none.
func openIndex(path string) (*reportIndex, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	x := &reportIndex{f: f, path: path}
	if err := x.load(); err != nil {
		f.Close()
		return nil, fmt.Errorf("index %s: %w", path, err)
	}
	return x, nil
}

// load reads every entry.
func (x *reportIndex) load() error {
	r := bufio.NewReaderSize(x.f, maxIndexRecord+1)
	head := make([]byte, len(indexMagic))
	if _, err := io.ReadFull(r, head); err != nil || string(head) != indexMagic {
		return errors.New("not an index of this version")
	}
	off := int64(len(indexMagic))
	for {
		line, err := r.ReadSlice('\n')
		if errors.Is(err, io.EOF) && len(line) == 0 {
			break
		}
		if err != nil {
			return fmt.Errorf("line at byte %d: %w", off, err)
		}
		id, check, ok := indexKeys(line)
		if !ok {
			return fmt.Errorf("line at byte %d: not an index line", off)
		}
		x.entries = append(x.entries, indexEntry{id: id, check: check, pos: uint64(off)<<24 | uint64(len(line)-1)})
		off += int64(len(line))
	}
	slices.SortFunc(x.entries, func(a, b indexEntry) int { return cmpUint(a.id, b.id) })
	return nil
}

// indexKeys reads the id and the check at the start of an index line.
func indexKeys(line []byte) (id, check uint64, ok bool) {
	if len(line) < 34 || line[16] != ' ' || line[33] != ' ' {
		return 0, 0, false
	}
	id, err1 := strconv.ParseUint(string(line[:16]), 16, 64)
	check, err2 := strconv.ParseUint(string(line[17:33]), 16, 64)
	return id, check, err1 == nil && err2 == nil
}

// find returns the entry of the report of the person whose id hashes to id, when its check is
// check.
func (x *reportIndex) find(id, check uint64) (indexEntry, bool) {
	i, _ := slices.BinarySearchFunc(x.entries, id, func(e indexEntry, id uint64) int { return cmpUint(e.id, id) })
	for ; i < len(x.entries) && x.entries[i].id == id; i++ {
		if x.entries[i].check == check {
			return x.entries[i], true
		}
	}
	return indexEntry{}, false
}

// read returns the record of e.
func (x *reportIndex) read(e indexEntry) (indexRecord, error) {
	buf := make([]byte, e.pos&(1<<24-1))
	if _, err := x.f.ReadAt(buf, int64(e.pos>>24)); err != nil {
		return indexRecord{}, fmt.Errorf("index %s: %w", x.path, err)
	}
	rec, err := decodeIndexRecord(buf)
	if err != nil {
		return indexRecord{}, fmt.Errorf("index %s: %w", x.path, err)
	}
	return rec, nil
}

// Close closes the file.
func (x *reportIndex) Close() error { return x.f.Close() }

// indexWriter writes the index of a run, to be put in place with summary.csv.
type indexWriter struct {
	f *atomicfile.File
}

// newIndexWriter starts the index of the reports folder dir.
func newIndexWriter(dir string) (*indexWriter, error) {
	f, err := atomicfile.Create(filepath.Join(dir, IndexName))
	if err != nil {
		return nil, err
	}
	if _, err := f.WriteString(indexMagic); err != nil {
		f.Abort()
		return nil, err
	}
	return &indexWriter{f: f}, nil
}

// add records the report of the person whose id hashes to id.
func (w *indexWriter) add(id, check uint64, rec indexRecord) error {
	line, err := encodeIndexRecord(id, check, rec)
	if err != nil || len(line) > maxIndexRecord {
		return nil // not kept: the next run checks this report by its key
	}
	_, err = w.f.Write(line)
	return err
}

// encodeIndexRecord returns the index line of a report.
func encodeIndexRecord(id, check uint64, rec indexRecord) ([]byte, error) {
	roles, err := json.Marshal(rec.roles)
	if err != nil {
		return nil, err
	}
	cached := 0
	if rec.usage.Cached {
		cached = 1
	}
	u := rec.usage
	return fmt.Appendf(nil, "%016x %016x %d %d %d %s %d %s\n", id, check, u.PromptTokens, u.OutputTokens, u.Attempts,
		strconv.FormatFloat(u.LatencyMS, 'g', -1, 64), cached, roles), nil
}

// decodeIndexRecord reads an index line (without its line break).
func decodeIndexRecord(line []byte) (indexRecord, error) {
	var rec indexRecord
	bad := errors.New("bad index line")
	if len(line) < 34 {
		return rec, bad
	}
	f := strings.SplitN(string(line[34:]), " ", 6)
	if len(f) != 6 {
		return rec, bad
	}
	var errs [5]error
	rec.usage.PromptTokens, errs[0] = strconv.Atoi(f[0])
	rec.usage.OutputTokens, errs[1] = strconv.Atoi(f[1])
	rec.usage.Attempts, errs[2] = strconv.Atoi(f[2])
	rec.usage.LatencyMS, errs[3] = strconv.ParseFloat(f[3], 64)
	rec.usage.Cached = f[4] == "1"
	errs[4] = json.Unmarshal([]byte(f[5]), &rec.roles)
	if err := errors.Join(errs[:]...); err != nil {
		return rec, fmt.Errorf("%w: %v", bad, err)
	}
	return rec, nil
}
