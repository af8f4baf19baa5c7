// Package stage runs the part of every pipeline stage that is not the stage's own work: the
// sequence DVC's stages and Bazel's actions are built on. A stage declares a Spec (its name and
// algorithm version, its inputs and the stage that makes each, its parameters, its outputs)
// and calls Begin, which
//
//   - checks that every input exists (naming the stage to run when one does not) and, for an
//     input made by an earlier stage, that it carries that stage's manifest and still matches
//     it (manifest.Check);
//   - hashes the inputs, reusing the sha256 recorded by the previous run or by the stage that
//     wrote an input when its size and modification time are unchanged;
//   - computes the stage's key (see Key) and decides whether the outputs are up to date (a
//     stage whose key is unchanged is skipped unless Spec.Force);
//   - removes the temporary files an interrupted run left in the output folders.
//
// The stage then does its work, writing every output through the Runner (Stage, Create, Add):
// each goes to a temporary file beside its final path. Publish finishes them all before any
// replaces the previous one, removes the previous manifests, renames the files into place and
// writes one manifest per output; until those manifests are written no output passes for
// complete, so a crash at any point leaves the previous outputs, or outputs that the next run
// (and the next stage's input check) refuses. Abort, deferred right after Begin, discards
// whatever was not published.
//
// Begin does not lock the workdir: cmd/skillx takes the workdir lock (internal/workdirlock)
// for the whole command, and a stage's Run expects to be called under it, since removing
// temporary files and replacing outputs is only safe when no other skillx process writes the
// same workdir.
package stage
