package ingest

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/skillx/skillx/internal/records"
)

// Environment switches of the DuckDB test.
const (
	// requireDuckDBVar makes the DuckDB test fail instead of skipping where node or
	// @duckdb/node-api is missing (as does SKILLX_REQUIRE_SHARED=1, which CI sets).
	requireDuckDBVar = "SKILLX_REQUIRE_DUCKDB"
	// npmDirVar names the npm folder that holds node_modules/@duckdb/node-api; by default
	// ~/.cache/skillx/bench/npm, where bench/anchors/npm-anchors.sh installs it.
	npmDirVar = "SKILLX_NPM_DIR"
)

// duckDBModules returns the node_modules folder that holds @duckdb/node-api, skipping t (or
// failing it under SKILLX_REQUIRE_DUCKDB=1 or SKILLX_REQUIRE_SHARED=1) when node or the module
// is missing.
func duckDBModules(t *testing.T) string {
	t.Helper()
	dir := os.Getenv(npmDirVar)
	if dir == "" {
		home, _ := os.UserHomeDir()
		dir = filepath.Join(home, ".cache", "skillx", "bench", "npm")
	}
	modules := filepath.Join(dir, "node_modules")
	var missing string
	if _, err := exec.LookPath("node"); err != nil {
		missing = "node is not installed"
	} else if _, err := os.Stat(filepath.Join(modules, "@duckdb", "node-api", "package.json")); err != nil {
		missing = fmt.Sprintf("@duckdb/node-api is not installed in %s (bench/anchors/npm-anchors.sh installs it; %s names another npm folder)", dir, npmDirVar)
	}
	if missing != "" {
		if os.Getenv(requireDuckDBVar) == "1" || os.Getenv("SKILLX_REQUIRE_SHARED") == "1" {
			t.Fatalf("%s, and %s=1 or SKILLX_REQUIRE_SHARED=1 asks for the DuckDB test", missing, requireDuckDBVar)
		}
		t.Skipf("%s; %s=1 turns this skip into a failure", missing, requireDuckDBVar)
	}
	return modules
}

// duckDBScript prints the schema DuckDB reads from a Parquet file and copies its rows, in
// source_row order, to a JSON Lines file.
const duckDBScript = `
const { DuckDBInstance } = require('@duckdb/node-api');
const [parquet, out] = process.argv.slice(2).map(p => p.replace(/'/g, "''"));
(async () => {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  const d = await c.runAndReadAll("DESCRIBE SELECT * FROM read_parquet('" + parquet + "')");
  const schema = d.getRowObjects().map(r => [r.column_name, r.column_type]);
  await c.run("COPY (SELECT * FROM read_parquet('" + parquet + "') ORDER BY source_row) TO '" + out + "' (FORMAT json)");
  console.log(JSON.stringify(schema));
})().catch(e => { console.error(String(e)); process.exit(1); });
`

// duckRow is a row of data/raw/postings.parquet as DuckDB writes it in JSON.
type duckRow struct {
	Source           string             `json:"source"`
	SourceFile       string             `json:"source_file"`
	SourceRow        int64              `json:"source_row"`
	SourceLine       int64              `json:"source_line"`
	PostingID        string             `json:"posting_id"`
	Role             string             `json:"role"`
	Title            string             `json:"title"`
	Skills           string             `json:"skills"`
	Description      string             `json:"description"`
	Responsibilities string             `json:"responsibilities"`
	Extras           map[string]*string `json:"extras"`
}

// TestDuckDBReadsRawPostings ingests a Kaggle-shaped file of two row groups (quoted fields,
// line breaks, text that is not ASCII, empty extras, a column that rarely repeats) and reads
// data/raw/postings.parquet with DuckDB: the schema is the documented one and every value is
// the one ingest wrote.
func TestDuckDBReadsRawPostings(t *testing.T) {
	modules := duckDBModules(t)
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("Job Id,Role,Job Title,skills,Job Description,Responsibilities,Company,Contact,Company Profile,\n")
	const n = 60_000
	for i := 0; i < n; i++ {
		company := []string{"Acme", "", "Café \"Ünïcode\" 数据", "Diner, Inc."}[i%4]
		fmt.Fprintf(&b, "%d,Role %d,Title %d,\"SQL\nExcel %d\",\"Desc, %d\",Resp %d,\"%s\",555-%07d,\"{\"\"Sector\"\":\"\"S%d\"\"}\",x%d\n",
			900_000_000+i, i%9, i%4, i%5, i%3, i%2, strings.ReplaceAll(company, `"`, `""`), i*7, i%11, i%2)
	}
	in := write(t, filepath.Join(dir, "jobs.csv"), b.String())
	if _, err := Run(context.Background(), Config{Workdir: dir, Inputs: []string{in}, Preset: "kaggle", Version: "t"}); err != nil {
		t.Fatal(err)
	}
	postingsPath, _ := OutputPaths(dir)
	want, err := records.ReadRaw(postingsPath)
	if err != nil {
		t.Fatal(err)
	}
	if len(want) != n {
		t.Fatalf("ingest wrote %d postings; want %d", len(want), n)
	}

	script := filepath.Join(dir, "read.cjs")
	if err := os.WriteFile(script, []byte(duckDBScript), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "rows.json")
	cmd := exec.Command("node", script, postingsPath, out)
	cmd.Env = append(os.Environ(), "NODE_PATH="+modules)
	stdout, err := cmd.Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("DuckDB could not read %s: %v\n%s", postingsPath, err, stderr)
	}
	var schema [][2]string
	if err := json.Unmarshal(stdout, &schema); err != nil {
		t.Fatalf("schema from DuckDB %q: %v", stdout, err)
	}
	wantSchema := [][2]string{
		{"source", "VARCHAR"}, {"source_file", "VARCHAR"}, {"source_row", "BIGINT"}, {"source_line", "BIGINT"},
		{"posting_id", "VARCHAR"}, {"role", "VARCHAR"}, {"title", "VARCHAR"}, {"skills", "VARCHAR"},
		{"description", "VARCHAR"}, {"responsibilities", "VARCHAR"},
		{"extras", `STRUCT(Company VARCHAR, Contact VARCHAR, "Company Profile" VARCHAR, column_10 VARCHAR)`},
	}
	if !reflect.DeepEqual(schema, wantSchema) {
		t.Errorf("DuckDB schema = %q\nwant %q", schema, wantSchema)
	}

	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	i := 0
	for ; sc.Scan(); i++ {
		var row duckRow
		if err := json.Unmarshal(sc.Bytes(), &row); err != nil {
			t.Fatalf("row %d from DuckDB: %v", i, err)
		}
		if i >= len(want) {
			break
		}
		w := want[i]
		got := records.RawPosting{Source: row.Source, SourceFile: row.SourceFile, SourceRow: row.SourceRow, SourceLine: row.SourceLine,
			PostingID: row.PostingID, Role: row.Role, Title: row.Title, Skills: row.Skills, Description: row.Description,
			Responsibilities: row.Responsibilities}
		for _, name := range []string{"Company", "Contact", "Company Profile", "column_10"} {
			if v := row.Extras[name]; v != nil {
				got.Extras = append(got.Extras, records.Extra{Key: name, Value: *v})
			}
		}
		if !reflect.DeepEqual(got, w) {
			t.Fatalf("row %d read by DuckDB = %+v\nwritten %+v", i, got, w)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if i != n {
		t.Errorf("DuckDB read %d rows; want %d", i, n)
	}
	// The values checked above are ingest's reading of the CSV: check a few against the source.
	if p := want[2]; p.PostingID != "900000002" || p.Skills != "SQL\nExcel 2" || p.SourceLine != 2*2+2 ||
		!reflect.DeepEqual(p.Extras, []records.Extra{{Key: "Company", Value: `Café "Ünïcode" 数据`}, {Key: "Contact", Value: "555-0000014"},
			{Key: "Company Profile", Value: `{"Sector":"S2"}`}, {Key: "column_10", Value: "x0"}}) {
		t.Errorf("posting 3 = %+v; want the third CSV record", p)
	}
}
