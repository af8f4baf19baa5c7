// Package reliability holds the reliability suite of Skill(X): tests, and nothing else, that
// check the pipeline's promise from the outside, through the built skillx binary. Whatever
// happens to a stage (a SIGKILL at any moment, a read-only or full output folder, a missing
// input, an input that changes while it is read, a malformed source file), no input row is
// lost, and no output is left half-written or passed off as complete.
//
// The tests build cmd/skillx once (TestMain) and run its stages as subprocesses in temporary
// work folders:
//
//   - TestKillAtRandomMoments SIGKILLs ingest, clean, features and train at seeded random
//     moments of their measured duration, checks what each kill left, and reruns the stage.
//   - TestKillBeforeEachRename kills a stage (under strace) just before each rename that puts
//     an output or a manifest in place: every crash point of the commit sequence, every run.
//   - TestReadOnlyOutput, TestFullDisk, TestFileSizeLimit, TestMissingInput and
//     TestInputChangesDuringIngest inject faults.
//   - TestBadInputs runs ingest (and clean) on the malformed files of testdata/bad and on
//     larger ones it generates.
//
// After every event the same checks apply: each output present matches its manifest (size,
// sha256, row count; Parquet files open, the Arrow file scans), the outputs of a stage come
// from one run, no temporary file (.skillx-tmp-*) stands in for an output, and after a
// successful run every source record is in data/raw or data/clean, as a posting or a reject.
//
// Findings the code has not fixed yet are listed in knownIssues (main_test.go): a check that
// hits one logs "KNOWN ISSUE" instead of failing, unless SKILLX_RELIABILITY_STRICT=1. A
// deterministic reproduction that stops reproducing fails, so that the list stays true.
//
// Environment: SKILLX_RELIABILITY_SEED (or -reliability.seed) fixes the kill moments (the
// seed is logged); SKILLX_RELIABILITY_LONG=1 runs a longer soak (more kills, a 1,000,000-row
// file, a record over the reader's 16 MB limit); -short runs a cut-down suite. Mount-based
// faults need CAP_SYS_ADMIN and skip with the reason without it; the crash-point test needs
// strace and skips without it; SKILLX_RELIABILITY_REQUIRE=1 turns those skips into failures.
// -update rewrites the small committed corpus of testdata/bad from the sample.
package reliability
