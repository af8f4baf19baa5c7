// Package e2e holds end-to-end tests that run the pipeline's stages on the real data sets in
// ../shared/datasets (skipped where that folder is absent; SKILLX_REQUIRE_SHARED=1 makes the
// skip a failure) and check that every source record is accounted for.
package e2e
