// polars-clean.cjs: the Polars anchor of `make bench-ingest` (NODE_PATH must hold
// nodejs-polars; bench/anchors/npm-anchors.sh installs it).
//
//   node polars-clean.cjs IN.csv OUT.parquet
//     the prototype's cleaning in Polars' lazy API: scan_csv, keep role, title, skills,
//     description and responsibilities, drop rows missing role or skills, strip, deduplicate
//     (role, skills, description) with counts, write Parquet (Snappy).
// Prints rows in and out.
const pl = require('nodejs-polars');

const [csv, out] = process.argv.slice(2);
if (!out) {
  console.error('usage: node polars-clean.cjs IN.csv OUT.parquet');
  process.exit(2);
}
const df = pl
  .scanCSV(csv)
  .select(
    pl.col('Role').str.strip().alias('role'),
    pl.col('skills').str.strip().alias('skills'),
    pl.col('Job Description').alias('description'),
    pl.col('Job Title').alias('title'),
    pl.col('Responsibilities').alias('responsibilities'),
  )
  .filter(pl.col('role').isNotNull().and(pl.col('skills').isNotNull()))
  .groupBy(['role', 'skills', 'description'], { maintainOrder: true })
  .agg(pl.col('title').first(), pl.col('responsibilities').first(), pl.col('role').count().alias('count'))
  .collectSync();
df.writeParquet(out, { compression: 'snappy' });
console.log(`rows_in=${df.getColumn('count').sum()} rows_out=${df.height}`);
