package skillfind

import (
	"math/rand/v2"
	"os"
	"strings"
	"testing"
)

// benchResumes returns n résumés of 2 to 5 KB made from the sample résumés (seeded): one sample
// résumé, then lines of the others in random order until a size drawn between 2,048 and 5,120
// bytes, cut at a line.
func benchResumes(tb testing.TB, n int) []string {
	tb.Helper()
	ents, err := os.ReadDir(resumeDir)
	if err != nil {
		tb.Fatal(err)
	}
	var texts []string
	var pool []string
	for _, e := range ents {
		name := e.Name()
		if !strings.HasSuffix(name, ".txt") || name == "empty.txt" || name == "binary_pdf.txt" {
			continue
		}
		t := string(readResume(tb, name))
		texts = append(texts, t)
		pool = append(pool, strings.Split(t, "\n")...)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	out := make([]string, n)
	for i := range out {
		size := 2048 + rng.IntN(5120-2048+1)
		var b strings.Builder
		b.WriteString(texts[rng.IntN(len(texts))])
		for b.Len() < size {
			b.WriteString(pool[rng.IntN(len(pool))])
			b.WriteByte('\n')
		}
		s := b.String()
		if len(s) > size {
			if j := strings.LastIndexByte(s[:size], '\n'); j > 0 {
				s = s[:j+1]
			}
		}
		out[i] = s
	}
	return out
}

func TestBenchResumes(t *testing.T) {
	rs := benchResumes(t, 200)
	for i, r := range rs {
		if len(r) < 1500 || len(r) > 5120 {
			t.Errorf("résumé %d: %d bytes; want about 2 to 5 KB", i, len(r))
		}
	}
}

// BenchmarkFind finds the skills of 10,000 generated résumés of 2 to 5 KB, one résumé per
// operation on one goroutine (ns/op × 10,000 is the time for 10,000, reported as s/10k), with
// the sample catalog's vocabulary, with O*NET's technology skills added, and with paraphrases
// off (the paraphrase cache does not count).
//
//	go test -run '^$' -bench Find -benchtime 10000x ./internal/skillfind
func BenchmarkFind(b *testing.B) {
	rs := benchResumes(b, 10000)
	var total int
	for _, r := range rs {
		total += len(r)
	}
	vocabs := []struct {
		name string
		on   func() *ONET
		opts Options
	}{
		{"vocab=sample", func() *ONET { return nil }, Options{}},
		{"vocab=sample+onet", func() *ONET { return onet(b) }, Options{}},
		{"vocab=sample+onet/paraphrase=off", func() *ONET { return onet(b) }, Options{NoParaphrase: true}},
	}
	for _, v := range vocabs {
		b.Run(v.name, func(b *testing.B) {
			f := New(NewVocabulary(sampleCatalog(b), v.on()), v.opts)
			f.paraphraser() // fitted once, before the clock
			b.SetBytes(int64(total / len(rs)))
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := f.Find(rs[i%len(rs)]); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)*10000/1e9, "s/10k")
		})
	}
}
