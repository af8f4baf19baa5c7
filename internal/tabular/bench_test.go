package tabular

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"strings"
	"sync"
	"testing"
)

var (
	kaggleOnce sync.Once
	kaggleData []byte
)

// kaggleCSV returns about 50 MB of CSV shaped like the Kaggle job
// descriptions file: 23 columns, ~1.1 KB a row, long quoted text fields with
// commas, and a JSON-ish company profile full of "" escapes.
func kaggleCSV() []byte {
	kaggleOnce.Do(func() {
		rng := rand.New(rand.NewPCG(1, 2))
		words := strings.Fields("manage develop social media content strategy engagement analytics platforms " +
			"customer service design user research data analysis reporting stakeholders communication " +
			"budget planning compliance software engineering cloud infrastructure testing quality")
		text := func(n int) string {
			var b strings.Builder
			for i := 0; i < n; i++ {
				if i > 0 {
					if rng.IntN(6) == 0 {
						b.WriteString(", ")
					} else {
						b.WriteByte(' ')
					}
				}
				b.WriteString(words[rng.IntN(len(words))])
			}
			return b.String()
		}
		var b bytes.Buffer
		b.WriteString("Job Id,Experience,Qualifications,Salary Range,location,Country,latitude,longitude,Work Type," +
			"Company Size,Job Posting Date,Preference,Contact Person,Contact,Job Title,Role,Job Portal," +
			"Job Description,Benefits,skills,Responsibilities,Company,Company Profile\n")
		for b.Len() < 50<<20 {
			fmt.Fprintf(&b, "%d,%d to %d Years,M.Tech,$%dK-$%dK,Douglas,Isle of Man,%.4f,%.4f,Intern,%d,2022-04-%02d,Female,"+
				"Brandon Cunningham,001-381-930-7517x737,Digital Marketing Specialist,Social Media Manager,Snagajob,"+
				"\"%s.\",\"{'%s'}\",\"%s\",\"%s.\",Icahn Enterprises,"+
				"\"{\"\"Sector\"\":\"\"Diversified\"\",\"\"Industry\"\":\"\"%s\"\",\"\"City\"\":\"\"Sunny Isles Beach\"\",\"\"Zip\"\":\"\"%05d\"\"}\"\n",
				rng.Int64(), rng.IntN(5), 5+rng.IntN(10), 50+rng.IntN(20), 90+rng.IntN(40), rng.Float64()*180-90, rng.Float64()*360-180,
				rng.IntN(100000), 1+rng.IntN(28), text(40), text(14), text(28), text(36), text(2), rng.IntN(100000))
		}
		kaggleData = b.Bytes()
	})
	return kaggleData
}

// reportCPU reports throughput per CPU second ("MB/cpu-s") as well as the
// usual wall-clock MB/s: on a machine shared with other work the CPU figure
// is the stable one. Use it as defer reportCPU(b, n)().
func reportCPU(b *testing.B, n int) func() {
	start := cpuSeconds()
	return func() {
		if d := cpuSeconds() - start; d > 0 {
			b.ReportMetric(float64(n)*float64(b.N)/d/1e6, "MB/cpu-s")
		}
	}
}

// BenchmarkCSV measures this package's CSV reader on Kaggle-shaped data.
func BenchmarkCSV(b *testing.B) {
	data := kaggleCSV()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	defer reportCPU(b, len(data))()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, err := NewReader(bytes.NewReader(data), "kaggle.csv", Options{})
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for {
			rc, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil || rc.Err != nil || len(rc.Fields) != 23 {
				b.Fatalf("record %d: %v %v", n, err, rc.Err)
			}
			n++
		}
		b.ReportMetric(float64(n), "rows")
	}
}

// BenchmarkEncodingCSV reads the same data with encoding/csv (ReuseRecord,
// its fastest setting), for the ratio.
func BenchmarkEncodingCSV(b *testing.B) {
	data := kaggleCSV()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	defer reportCPU(b, len(data))()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r := csv.NewReader(bytes.NewReader(data))
		r.ReuseRecord = true
		n := 0
		for {
			rec, err := r.Read()
			if err == io.EOF {
				break
			}
			if err != nil || len(rec) != 23 {
				b.Fatalf("record %d: %v", n, err)
			}
			n++
		}
		b.ReportMetric(float64(n-1), "rows")
	}
}

// BenchmarkCSVGzip measures reading the same data gzip-compressed (the
// figure is uncompressed MB/s).
func BenchmarkCSVGzip(b *testing.B) {
	data := kaggleCSV()
	gz := gzipBytes(b, data)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	defer reportCPU(b, len(data))()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, err := NewReader(bytes.NewReader(gz), "kaggle.csv.gz", Options{})
		if err != nil {
			b.Fatal(err)
		}
		for {
			rc, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil || rc.Err != nil {
				b.Fatal(err, rc.Err)
			}
		}
	}
}

// repeatReader yields head once, then body over and over, n bytes in all.
type repeatReader struct {
	head, body []byte
	off        int
	left       int64
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > r.left {
		p = p[:r.left]
	}
	src := r.body
	if r.head != nil {
		src = r.head
	}
	n := copy(p, src[r.off:])
	r.off += n
	if r.off == len(src) {
		r.off, r.head = 0, nil
	}
	r.left -= int64(n)
	return n, nil
}

// BenchmarkCSVStream reads a 1.7 GB Kaggle-shaped stream (the size of the
// real file; the body of kaggleCSV repeated, so the last record may be cut
// and come back as an error record) and reports the Go runtime's memory
// (Sys, MB) at the end: it must not grow with the stream.
func BenchmarkCSVStream(b *testing.B) {
	data := kaggleCSV()
	nl := bytes.IndexByte(data, '\n') + 1
	const size = 1700 << 20
	b.SetBytes(size)
	defer reportCPU(b, size)()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		src := &repeatReader{head: data[:nl], body: data[nl:], left: size}
		r, err := NewReader(src, "stream.csv", Options{})
		if err != nil {
			b.Fatal(err)
		}
		bad := 0
		for {
			rc, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			if rc.Err != nil {
				bad++
			}
		}
		if bad > 1 {
			b.Fatalf("%d error records; want at most the last one", bad)
		}
	}
	b.StopTimer()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.Sys-before.Sys)/(1<<20), "MB-sys-growth")
	b.ReportMetric(float64(after.Sys)/(1<<20), "MB-sys")
}
