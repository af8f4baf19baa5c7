// Package recommend is the last stage of Skill(X): it turns a file of people (an id, the
// current role and the top skills of each) into one career-transition report per person.
//
// For each person, Run
//
//  1. embeds the skills joined with ", " (as the training texts are) with the classifier's own
//     encoder, runs models/classifier.onnx through ONNX Runtime and takes the report.NumRoles
//     most probable roles other than the person's current role (compared with textnorm.RoleKey);
//  2. has an analyst judge and explain those roles: Google Gemini through package gemini, or,
//     without an API key (or with Config.Offline), the offline analyst, which writes the same
//     JSON from the role catalog (data/clean/roles.parquet) and the cosine similarity between
//     the person's skills and each role's skill phrases (their vectors are taken from
//     data/features/embeddings.arrow where it has them);
//  3. checks the report with report.Parse (every final role carries its provenance: a
//     kept prediction with its probability, or a Gemini replacement with the reason) and writes
//     <user>.json, <user>.md and <user>.txt under reports/users/, each atomically.
//
// A person may give a résumé and a work history (the users file's optional resume and history
// columns, Person.Resume and History, Input for serve) besides or instead of skills: the skill
// finder (internal/skillfind, built once per run over the role catalog by NewFinder) reads
// them when the person is parsed, and its MaxSkills strongest skills are the person's when none
// are given; the history's current position (internal/joblevel) is the current role when none
// is given. The text is then dropped: a User keeps only what the report shows (Found: at most
// MaxFoundShown skills, each with two clipped evidence lines), and nothing of it is sent to
// Gemini but the skill names. An empty, binary or oversized résumé fails its person. Each
// report gives the person's job level and whether each role is a step up, a lateral move or a
// step down from it (by title words), and each role's fused match score.
//
// A person who cannot be processed (no role, no skills, a duplicate id, a Gemini failure after
// the retries) is recorded in failures.jsonl with the stage and the reason; the others go on.
// summary.csv has one row per person of the input. Both are rewritten atomically at the end of
// every run, also a cancelled one, so that every person of the input is in exactly one of the
// two: a report, or a failure. One person given directly (Config.Person) gets the same three
// files, in reports/one/ rather than among the bulk reports, and no summary.csv or
// failures.jsonl; a failure is then Run's error.
//
// Memory does not grow with the number of people. The users file is read twice, as a stream:
// a first pass keeps a hash per id (to find duplicate ids, ids to generate and report names
// that would clash), the second takes the people ChunkSize at a time. A chunk's distinct
// inputs (current role and skills) are embedded and ranked together, people who share their
// inputs with someone met shortly before are ranked and analysed once (an LRU of analyses),
// the reports are written to temporary files and put in place together after one sync of
// the file system, and the chunk's rows are appended to summary.csv and failures.jsonl, which
// are temporary files until the run ends. A run keeps an index of its reports
// (IndexName): a rerun passes over a person whose inputs, model and analyst are unchanged and
// whose JSON report is as that run left it (size and modification time) without ranking the
// person or reading the report.
//
// Config.Shard splits the work among processes (the pods of a Kubernetes Indexed Job, say):
// shard I of N takes the people whose id ShardOf puts in it, into ShardDir, and Merge joins
// the shards' summary.csv and failures.jsonl, checking that every person of the users file
// is in exactly one shard.
//
// A run that finishes with some people failed (not all) returns an *IncompleteError, whose
// ExitCode is 3, after writing every output. Input is untrusted: control characters in ids,
// roles and skills make a person fail, every CSV cell is written through package csvsafe, and
// ids too long to process are shown cut in summary.csv and failures.jsonl. So is Gemini's
// answer: package gemini removes control characters and the API key from its every text.
//
// A rerun skips a person whose report exists and whose key is unchanged: the key hashes the
// report format, the analyst (Gemini model or offline encoder and thresholds), the prompt
// (gemini.PromptHash of the person and the predicted roles), the classifier file, the role
// catalog (offline analyst) and the notes about the input. Gemini's answers are also cached by
// package gemini, so a rerun after a crash pays only for the people not yet answered.
package recommend
