package recommend

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/skillx/skillx/internal/gemini"
)

// benchUsers is the number of people of the benchmarks.
const benchUsers = 1000

// benchRecommend runs cfg on benchUsers people b.N times, each into a fresh folder, and fails
// when a person ends without a report.
func benchRecommend(b *testing.B, cfg Config) {
	b.Helper()
	var total time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		cfg.OutDir = filepath.Join(b.TempDir(), "users")
		b.StartTimer()
		start := time.Now()
		res, err := Run(context.Background(), cfg)
		total += time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Outcomes) != benchUsers || res.Written != benchUsers {
			b.Fatalf("%d outcomes, %d written, %d failed; want all %d written", len(res.Outcomes), res.Written, res.Failed, benchUsers)
		}
	}
	secs := total.Seconds() / float64(b.N)
	b.ReportMetric(secs, "s/1000users")
	b.ReportMetric(benchUsers/secs, "users/s")
}

// benchConfig is a config on the shared workdir for benchUsers people.
func benchConfig(b *testing.B) Config {
	b.Setenv("GEMINI_API_KEY", "")
	b.Setenv("GOOGLE_API_KEY", "")
	return Config{Workdir: trained(b), Users: manyUsers(b, benchUsers), Version: "bench",
		Logger: slog.New(slog.NewTextHandler(discard{}, nil))}
}

// BenchmarkRecommendGemini1000 sends 1,000 people to a fake Gemini that answers each request
// in 500 ms, with 16 workers under one rate limit of 6,000 requests a minute (above the
// 1,920 a minute that 16 workers can reach). The target is under 60 s, none lost.
func BenchmarkRecommendGemini1000(b *testing.B) {
	f := newFake(b, answerSlow(b, 500*time.Millisecond))
	cfg := benchConfig(b)
	cfg.Workers = 16
	cfg.Gemini = gemini.Config{APIKey: testKey, BaseURL: f.srv.URL, Timeout: 10 * time.Second, RPM: 6000,
		BackoffBase: 10 * time.Millisecond, Logger: cfg.Logger}
	benchRecommend(b, cfg)
}

// BenchmarkRecommendOffline1000 writes 1,000 reports with the offline analyst. The target is
// under 10 s.
func BenchmarkRecommendOffline1000(b *testing.B) {
	cfg := benchConfig(b)
	cfg.Offline = true
	cfg.Workers = 16
	benchRecommend(b, cfg)
}
