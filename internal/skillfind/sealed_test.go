package skillfind

import (
	"path/filepath"
	"testing"
)

// sealedDir holds the sealed test résumés (see its README): written without seeing the finder
// or the other résumé sets, measured once per change of the finder, never tuned on. Its name
// keeps it out of `-run Recall`, so that the development runs of the finder do not print its
// per-résumé misses.
var sealedDir = filepath.Join("..", "..", "data", "sample", "resumes_test")

// TestSealedSet measures the share of the skills each sealed résumé lists in its Skills
// section that the finder returns in its top 10, with the sample catalog and with O*NET. The
// floor only catches a broken finder; the figure is what the README reports.
func TestSealedSet(t *testing.T) {
	const floor = 0.25
	t.Run("sample catalog", func(t *testing.T) {
		f := New(NewVocabulary(sampleCatalog(t), nil), Options{})
		all, _ := report(t, "sealed, sample catalog", measureRecallIn(t, f, sealedDir, false))
		checkFloor(t, "sealed, sample catalog, with Skills section", all.with(), floor)
	})
	t.Run("O*NET", func(t *testing.T) {
		f := New(NewVocabulary(sampleCatalog(t), onet(t)), Options{})
		all, _ := report(t, "sealed, sample catalog + O*NET", measureRecallIn(t, f, sealedDir, false))
		checkFloor(t, "sealed, O*NET, with Skills section", all.with(), floor)
	})
}
