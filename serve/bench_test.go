package serve

import (
	"net/http"
	"strings"
	"testing"
)

// BenchmarkReport measures one person's report at the server with the offline analyst: the
// form post (input checks, embedding, ranking, analysis, report checks) and the report page,
// through the server's handler. The target is under 100 ms per person:
//
//	go test -run '^$' -bench Report -benchtime 200x ./serve
func BenchmarkReport(b *testing.B) {
	s := newServer(b, offlineEngine(b), Config{}, nil)
	people := []struct{ role, skills string }{
		{"Data Analyst", "SQL; Excel; Tableau; Python; Statistics"},
		{"Frontend Web Developer", "JavaScript; React; CSS; HTML; Git"},
		{"Registered Nurse", "Patient care; Medication administration; Epic; Wound care; BLS"},
		{"Sales Representative", "Cold calling; Salesforce; Negotiation; Product demos; Closing deals"},
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		p := people[i%len(people)]
		id, _ := ask(b, s, form(p.role, nil, p.skills))
		if a := wait(b, s, id); a.report == nil {
			b.Fatalf("no report: %s", a.failure)
		}
		resp, body := get(s, "/answer/"+id)
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, `id="report"`) {
			b.Fatalf("GET /answer/%s = %d; want the report", id, resp.StatusCode)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/person")
}
