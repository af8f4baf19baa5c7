// duckdb-clean.cjs: the DuckDB anchor of `make bench-ingest` (NODE_PATH must hold
// @duckdb/node-api; bench/anchors/npm-anchors.sh installs it).
//
//   node duckdb-clean.cjs clean IN.csv OUT.parquet
//     the prototype's cleaning as a data engineer would write it in DuckDB: read_csv, keep
//     role, title, skills, description and responsibilities, drop rows missing role or skills,
//     trim, deduplicate (role, skills, description) with counts, COPY TO Parquet (Snappy).
//   node duckdb-clean.cjs copy IN.csv OUT.parquet
//     every row and column of the CSV into Parquet (Snappy): the size anchor of
//     data/raw/postings.parquet.
// Prints rows in and out.
const { DuckDBInstance } = require('@duckdb/node-api');

const [mode, csv, out] = process.argv.slice(2);
if (!['clean', 'copy'].includes(mode) || !out) {
  console.error('usage: node duckdb-clean.cjs clean|copy IN.csv OUT.parquet');
  process.exit(2);
}
const q = (s) => "'" + s.replace(/'/g, "''") + "'";
const queries = {
  clean: `COPY (
      SELECT trim("Role") AS role, trim(skills) AS skills, "Job Description" AS description,
             first("Job Title") AS title, first("Responsibilities") AS responsibilities, count(*) AS count
      FROM read_csv(${q(csv)})
      WHERE "Role" IS NOT NULL AND skills IS NOT NULL
      GROUP BY ALL
    ) TO ${q(out)} (FORMAT parquet, COMPRESSION snappy)`,
  copy: `COPY (SELECT * FROM read_csv(${q(csv)})) TO ${q(out)} (FORMAT parquet, COMPRESSION snappy)`,
};

(async () => {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  await c.run(queries[mode]);
  const r = await c.runAndReadAll(`SELECT count(*) AS n, coalesce(sum(${mode === 'clean' ? 'count' : '1'}), 0) AS rows_in FROM read_parquet(${q(out)})`);
  const [row] = r.getRowObjects();
  console.log(`rows_in=${row.rows_in} rows_out=${row.n}`);
})().catch((e) => {
  console.error(`duckdb-clean.cjs: ${e}`);
  process.exit(1);
});
