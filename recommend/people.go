package recommend

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"

	"golang.org/x/text/cases"

	"github.com/skillx/skillx/internal/skillfind"
	"github.com/skillx/skillx/internal/textnorm"
	"github.com/skillx/skillx/internal/textsafe"
)

// person is one record of the input as a run takes it: a user to write a report for, with
// the base name of the report's files, or a failure.
type person struct {
	user User
	name string
	fail *Failure
}

// peopleSource returns the people of a run one at a time, in input order.
type peopleSource interface {
	// next returns the next person, or io.EOF after the last one.
	next() (person, error)
	// Close releases the input.
	Close() error
}

// usersFile is a users file that a run reads twice, so that it never holds all its people in
// memory: scanUsers, the first pass, learns what checking one person needs from the others
// (the ids the file gives, the ids it gives twice, the report names that two ids would share),
// and people, the second pass, returns the people one at a time in row order. The first pass
// keeps about 32 bytes per record until it ends, and 8 bytes per record after it (none when
// every record has an id).
type usersFile struct {
	path  string
	shard Shard
	// stat is the file as the first pass found it; the second pass checks that it is unchanged.
	stat os.FileInfo
	// records counts the data records of the file; owned those of the shard.
	records, owned int64
	// given holds the sorted hashes of the ids the file gives, when some record has no id
	// (generatedID needs them); nil otherwise.
	given []uint64
	// twice holds the hashes of the ids that two readable records give (a hash collision only
	// makes people check an id exactly).
	twice map[uint64]bool
	// clash holds the hashes of the case-folded report names that two ids share (fileNames).
	clash map[uint64]bool
	// texts reports whether some record gives a résumé or a work history: the second pass then
	// needs find.
	texts bool
	// find is the skill finder of the second pass (nil: a person who gives a résumé or a
	// history fails).
	find *skillfind.Finder
}

// namePair is the case-folded report name of an id (hashed) and the id (hashed).
type namePair struct{ fold, id uint64 }

// scanUsers reads the users file at path once and returns what reading its people needs. The
// error is for the file as a whole (see ReadUsers).
func scanUsers(path string, shard Shard) (*usersFile, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("users file %s: %w", path, errors.Unwrap(err))
	}
	rr, err := openRaw(path)
	if err != nil {
		return nil, err
	}
	defer rr.Close()
	f := &usersFile{path: path, shard: shard, stat: st}
	var readable []uint64 // ids of the records that could be read
	var names []namePair  // of the records that pass the checks of one person
	type idless struct {
		row   int64
		valid bool
	}
	var noID []idless
	fold := cases.Fold()
	for {
		raw, err := rr.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		f.records++
		f.texts = f.texts || !raw.text.empty()
		id := textnorm.NormalizeText(raw.id)
		if id == "" {
			noID = append(noID, idless{raw.row, raw.err == nil && validPerson("row", raw)})
			continue
		}
		h := hashID(id)
		f.given = append(f.given, h)
		if shard.owns(id) {
			f.owned++
		}
		if raw.err != nil {
			continue
		}
		readable = append(readable, h)
		if validPerson(id, raw) {
			names = append(names, namePair{hashID(foldedName(fold, id)), h})
		}
	}
	if err := rr.done(); err != nil {
		return nil, err
	}
	if f.records == 0 {
		return nil, fmt.Errorf("users file %s has no people: it holds a header and no record", path)
	}
	slices.Sort(f.given)
	f.twice = repeated(readable)
	for _, r := range noID {
		id := generatedID(r.row, f.isGiven)
		if shard.owns(id) {
			f.owned++
		}
		if r.valid {
			names = append(names, namePair{hashID(foldedName(fold, id)), hashID(id)})
		}
	}
	if len(noID) == 0 {
		f.given = nil
	}
	f.clash = clashes(names)
	return f, nil
}

// validPerson reports whether the record passes the checks of one person (checkRecord) with
// the given id. The first pass does not run the skill finder: a record with a résumé or a
// history counts as valid, so that its report name is kept apart from those of other ids
// (at worst a name takes a suffix it did not need).
func validPerson(id string, raw rawUser) bool {
	if !raw.text.empty() {
		return true
	}
	u := User{ID: id, CurrentRole: textnorm.NormalizeText(raw.role)}
	return checkPerson(&u, raw.skills) == ""
}

// repeated returns the values that occur more than once in hs (which it sorts).
func repeated(hs []uint64) map[uint64]bool {
	slices.Sort(hs)
	out := map[uint64]bool{}
	for i := 1; i < len(hs); i++ {
		if hs[i] == hs[i-1] {
			out[hs[i]] = true
		}
	}
	return out
}

// clashes returns the folded names that two different ids share (it sorts names).
func clashes(names []namePair) map[uint64]bool {
	slices.SortFunc(names, func(a, b namePair) int {
		if a.fold != b.fold {
			return cmpUint(a.fold, b.fold)
		}
		return cmpUint(a.id, b.id)
	})
	out := map[uint64]bool{}
	for i := 1; i < len(names); i++ {
		if names[i].fold == names[i-1].fold && names[i].id != names[i-1].id {
			out[names[i].fold] = true
		}
	}
	return out
}

func cmpUint(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// isGiven reports whether the file gives the id id to some record (a hash collision makes a
// generated id take a suffix it did not need, the same one in every run).
func (f *usersFile) isGiven(id string) bool {
	_, ok := slices.BinarySearch(f.given, hashID(id))
	return ok
}

// fileName returns the base name of id's report files: fileNames' answer for the ids of the
// whole file.
func (f *usersFile) fileName(fold cases.Caser, id string) string {
	name, exact := baseName(id)
	if exact && f.clash[hashID(fold.String(name))] {
		name += "-" + shortHash(id)
	}
	return name
}

// people opens the second pass over the file.
func (f *usersFile) people() (*peopleReader, error) {
	rr, err := openRaw(f.path)
	if err != nil {
		return nil, err
	}
	return &peopleReader{f: f, rr: rr, first: map[string]int64{}, fold: cases.Fold()}, nil
}

// peopleReader returns the people of a users file's shard one at a time, in row order: the
// users with their report names, and the records that cannot be processed as failures.
type peopleReader struct {
	f     *usersFile
	rr    *rawReader
	first map[string]int64 // the row of each id given twice, once its first record is read
	fold  cases.Caser
}

// next returns the next person of the shard, or io.EOF.
func (p *peopleReader) next() (person, error) {
	for {
		raw, err := p.rr.next()
		if errors.Is(err, io.EOF) {
			if st, serr := os.Stat(p.f.path); serr != nil || st.Size() != p.f.stat.Size() || !st.ModTime().Equal(p.f.stat.ModTime()) {
				return person{}, fmt.Errorf("users file %s changed while it was read; run again once it is complete", p.f.path)
			}
		}
		if err != nil {
			return person{}, err
		}
		u := User{Row: raw.row, Line: raw.line, ID: textnorm.NormalizeText(raw.id)}
		if u.ID == "" {
			u.ID = generatedID(raw.row, p.f.isGiven)
			u.Notes = append(u.Notes, fmt.Sprintf("the input gives no user id; %q is made from row %d", u.ID, raw.row))
		}
		if !p.f.shard.owns(u.ID) {
			continue
		}
		if reason := p.check(&u, raw); reason != "" {
			return person{fail: &Failure{UserID: displayID(u.ID), File: p.f.path, Row: raw.row, Line: raw.line,
				Stage: StageInput, Reason: reason}}, nil
		}
		return person{user: u, name: p.f.fileName(p.fold, u.ID)}, nil
	}
}

// check fills u from raw and returns why u cannot be processed, or "": the record cannot be
// read, its id is already used by an earlier row, or checkRecord's reasons.
func (p *peopleReader) check(u *User, raw rawUser) string {
	if raw.err != nil {
		return fmt.Sprintf("record cannot be read: %v", raw.err)
	}
	if p.f.twice[hashID(u.ID)] {
		if prev, dup := p.first[u.ID]; dup {
			return fmt.Sprintf("user id %q is already used by row %d; ids must be unique", textsafe.Clip(u.ID, MaxTextLen), prev)
		}
		p.first[u.ID] = raw.row
	}
	u.CurrentRole = textnorm.NormalizeText(raw.role)
	return checkRecord(u, raw.skills, raw.text, p.f.find)
}

// Close closes the file.
func (p *peopleReader) Close() error { return p.rr.Close() }

// onePerson is the source of a run for one person given directly.
type onePerson struct {
	u    User
	done bool
}

func (o *onePerson) next() (person, error) {
	if o.done {
		return person{}, io.EOF
	}
	o.done = true
	name, _ := baseName(o.u.ID)
	return person{user: o.u, name: name}, nil
}

func (o *onePerson) Close() error { return nil }

// hashID returns the 64-bit FNV-1a hash of s: the key of the sets of ids and names a run
// keeps instead of the strings.
func hashID(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}
