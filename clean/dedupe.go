package clean

import (
	"context"
	"fmt"
	"hash/maphash"
	"strings"

	"github.com/skillx/skillx/internal/parquetio"
	"github.com/skillx/skillx/internal/progress"
	"github.com/skillx/skillx/internal/records"
	"github.com/skillx/skillx/internal/skillsplit"
	"github.com/skillx/skillx/internal/textnorm"
)

// rawColumns are the columns of data/raw/postings.parquet that clean reads, in the order of
// the col* constants. The text columns are read as dictionaries and indexes: their values
// repeat, and each distinct value of a row group is normalised and split once.
var rawColumns = []parquetio.ColumnSpec{
	{Name: records.RawSource, Kind: parquetio.Indexed},
	{Name: records.RawSourceFile, Kind: parquetio.Indexed},
	{Name: records.RawSourceRow, Kind: parquetio.Int64s},
	{Name: records.RawSourceLine, Kind: parquetio.Int64s},
	{Name: records.RawPostingID, Kind: parquetio.Strings},
	{Name: records.RawRole, Kind: parquetio.Indexed},
	{Name: records.RawTitle, Kind: parquetio.Indexed},
	{Name: records.RawSkills, Kind: parquetio.Indexed},
	{Name: records.RawDescription, Kind: parquetio.Indexed},
	{Name: records.RawResponsibilities, Kind: parquetio.Indexed},
}

const (
	colSource = iota
	colSourceFile
	colSourceRow
	colSourceLine
	colPostingID
	colRole
	colTitle
	colSkills
	colDescription
	colResponsibilities
)

// deduper merges raw postings into distinct postings and role aggregates, and rejects the
// postings without a role or a skill phrase.
type deduper struct {
	res        *Result
	seed       maphash.Seed
	seed2      maphash.Seed
	index      map[[2]uint64]int
	postings   []records.CleanPosting
	roles      map[string]*roleAgg
	roleOrder  []*roleAgg
	splits     *memo[[]string]
	texts      *memo[string]
	roleMemo   *memo[[2]string]
	allTexts   map[[2]uint64]bool
	allPhrases map[string]bool
	own        rejectTally
	reject     func(records.Reject) error
	// per row group, reused
	combos map[[4]int32]int
	list   []combo
}

// combo is a distinct (role, skills, description, title) of a row group: its rows are the
// same posting, up to the source's row numbers and ids.
type combo struct {
	key   [4]int32 // dictionary indexes: role, skills, description, title
	first int      // the first row with it
	n     int64    // its number of rows
	// kind, field and reason are set when its rows are rejected
	kind, field, reason string
}

func newDeduper(res *Result, reject func(records.Reject) error) *deduper {
	return &deduper{
		res: res, seed: maphash.MakeSeed(), seed2: maphash.MakeSeed(),
		index: map[[2]uint64]int{}, roles: map[string]*roleAgg{},
		splits: newMemo(1<<16, skillsplit.Split), texts: newMemo(1<<16, normalizeNonEmpty), roleMemo: newMemo(1<<16, roleNames),
		allTexts: map[[2]uint64]bool{}, allPhrases: map[string]bool{},
		own:    rejectTally{byKind: map[string]int64{}, examples: map[string]string{}},
		reject: reject, combos: map[[4]int32]int{},
	}
}

// scan reads the raw postings at path (decoded by two goroutines) and merges them row group by
// row group.
func (d *deduper) scan(ctx context.Context, path string, total int64) error {
	bar := progress.Count(total, "clean", "postings")
	defer bar.Finish()
	var n int64
	return parquetio.ScanColumns(ctx, path, rawColumns, 2, func(g *parquetio.Columns) error {
		if err := d.group(g); err != nil {
			return err
		}
		n += int64(g.Rows)
		bar.Set(n)
		return nil
	})
}

// group merges the rows of one row group: rows are grouped by their combination of role,
// skills, description and title (dictionary indexes, so a row costs a map lookup), the
// rejected ones written out in row order, then each combination is merged once, in the
// order of its first row.
func (d *deduper) group(g *parquetio.Columns) error {
	roleDict, roleIdx := g.Indexed(colRole)
	skillsDict, skillsIdx := g.Indexed(colSkills)
	_, descIdx := g.Indexed(colDescription)
	_, titleIdx := g.Indexed(colTitle)
	clear(d.combos)
	d.list = d.list[:0]
	d.res.RawPostings += int64(g.Rows)
	for i := 0; i < g.Rows; i++ {
		key := [4]int32{roleIdx[i], skillsIdx[i], descIdx[i], titleIdx[i]}
		c, ok := d.combos[key]
		if !ok {
			c = len(d.list)
			d.combos[key] = c
			d.list = append(d.list, d.newCombo(key, i, roleDict[key[0]], skillsDict[key[1]]))
		}
		cb := &d.list[c]
		cb.n++
		if cb.kind != "" {
			if err := d.rejectRow(g, i, cb); err != nil {
				return err
			}
		}
	}
	for i := range d.list {
		if d.list[i].kind == "" {
			d.merge(g, &d.list[i])
		}
	}
	return nil
}

// newCombo returns the combination key first seen in row, with the reason its rows are
// rejected, if they are.
func (d *deduper) newCombo(key [4]int32, row int, role, skills string) combo {
	c := combo{key: key, first: row}
	switch {
	case d.roleMemo.get(role)[1] == "":
		c.field, c.kind, c.reason = "role", "no role", "the role is empty"
	case len(d.splits.get(skills)) == 0:
		c.field, c.kind, c.reason = "skills", "no skills", "the skills text is empty"
		if text := d.texts.get(skills); text != "" {
			c.reason = fmt.Sprintf("the skills text %q holds no skill phrase", truncate(text, 80))
		}
	}
	return c
}

// rejectRow writes row i, whose combination c is rejected, to the rejects.
func (d *deduper) rejectRow(g *parquetio.Columns, i int, c *combo) error {
	d.res.Rejected++
	d.res.RejectedByKind[c.kind]++
	src, file := indexedValue(g, colSource, i), indexedValue(g, colSourceFile, i)
	row := g.Int64s(colSourceRow)[i]
	d.own.add(c.kind, fmt.Sprintf("%s row %d: %s", file, row, c.reason))
	roleDict, _ := g.Indexed(colRole)
	skillsDict, _ := g.Indexed(colSkills)
	return d.reject(records.Reject{
		Stage: StageName, Source: src, SourceFile: file, SourceRow: row, SourceLine: g.Int64s(colSourceLine)[i],
		Field: c.field, Kind: c.kind, Reason: c.reason, Role: roleDict[c.key[0]], Skills: skillsDict[c.key[1]],
	})
}

// indexedValue returns the value of an Indexed column in row i.
func indexedValue(g *parquetio.Columns, col, i int) string {
	dict, idx := g.Indexed(col)
	return dict[idx[i]]
}

// merge adds the c.n rows of combination c: to the posting they duplicate, or as a new
// posting made from the first of them. A posting is a duplicate of another when role key,
// skills text, description and skill phrases are equal.
func (d *deduper) merge(g *parquetio.Columns, c *combo) {
	roleDict, _ := g.Indexed(colRole)
	skillsDict, _ := g.Indexed(colSkills)
	descDict, _ := g.Indexed(colDescription)
	titleDict, _ := g.Indexed(colTitle)
	rawRole, rawSkills := roleDict[c.key[0]], skillsDict[c.key[1]]
	names := d.roleMemo.get(rawRole)
	display, roleKey := names[0], names[1]
	skillsText := d.texts.get(rawSkills)
	phrases := d.splits.get(rawSkills)
	desc := d.texts.get(descDict[c.key[2]])
	title := d.texts.get(titleDict[c.key[3]])
	h := hash2(d.seed, d.seed2, roleKey, skillsText, desc, strings.Join(phrases, "\x00"))
	agg := d.roles[roleKey]
	j, dup := d.index[h]
	if !dup {
		if agg == nil {
			agg = &roleAgg{key: roleKey, displays: map[string]int64{}, texts: map[string]bool{},
				phrases: map[string]int64{}, descriptions: map[string]int64{}, titles: map[string]int64{}, first: len(d.roleOrder)}
			d.roles[roleKey] = agg
			d.roleOrder = append(d.roleOrder, agg)
		}
		agg.distinct++
		agg.texts[skillsText] = true
		for _, p := range phrases {
			d.allPhrases[p] = true
		}
		id := g.String(colPostingID, c.first)
		if len(agg.ids) < 5 && id != "" {
			agg.ids = append(agg.ids, id)
		}
		d.allTexts[hash2(d.seed, d.seed2, skillsText)] = true
		j = len(d.postings)
		d.index[h] = j
		respDict, respIdx := g.Indexed(colResponsibilities)
		d.postings = append(d.postings, records.CleanPosting{
			PostingID: id, Source: indexedValue(g, colSource, c.first), SourceFile: indexedValue(g, colSourceFile, c.first),
			SourceRow: g.Int64s(colSourceRow)[c.first], Role: display, RoleKey: roleKey, RoleOriginal: strings.TrimSpace(rawRole),
			Title: title, SkillsText: skillsText, Skills: phrases, Description: desc,
			Responsibilities: textnorm.NormalizeText(respDict[respIdx[c.first]]),
		})
		d.res.Duplicates-- // the first row is not a duplicate
	}
	d.postings[j].Count += c.n
	d.res.Duplicates += c.n
	agg.postings += c.n
	agg.displays[display] += c.n
	for _, p := range d.postings[j].Skills {
		agg.phrases[p] += c.n
	}
	agg.descriptions[desc] += c.n
	if title != "" {
		agg.titles[title] += c.n
	}
}
