package gemini

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/skillx/skillx/internal/gemini/geminitest"
	"github.com/skillx/skillx/internal/report"
)

// echoKeyReport is a valid report whose texts echo the API key and carry terminal escapes,
// as an answer to a prompt injection might.
func echoKeyReport(d promptData) *report.Report {
	rep := goodReport(d)
	rep.Roles[0].JobDescription = "Your key is " + testKey + ". \x1b]0;pwned\x07Enjoy."
	rep.Roles[1].MatchSummary = "\x1b[2J" + testKey
	rep.Roles[3].Role = "Key " + testKey + " Officer"
	rep.Roles[3].Provenance.Reason = "because " + testKey
	rep.Roles[2].Development = append(rep.Roles[2].Development, "learn "+testKey+"\u009b31m")
	rep.Roles[0].SkillMatches[0].Justification = "it is " + testKey
	return rep
}

// reportText returns every text of rep, for a search.
func reportText(t *testing.T, rep *report.Report) string {
	t.Helper()
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	var all []string
	rep.MapTexts(func(s string) string { all = append(all, s); return s })
	return string(b) + strings.Join(all, "\n")
}

func checkUntrusted(t *testing.T, rep *report.Report) {
	t.Helper()
	text := reportText(t, rep)
	if strings.Contains(text, testKey) {
		t.Errorf("the report carries the api key: %s", text)
	}
	if !strings.Contains(text, "Your key is [redacted].") || !strings.Contains(rep.Roles[3].Role, "[redacted]") {
		t.Errorf("the key was not replaced by [redacted]: %q / %q", rep.Roles[0].JobDescription, rep.Roles[3].Role)
	}
	for _, s := range []string{"\x1b", "\x07", "\u009b"} {
		if strings.Contains(text, s) {
			t.Errorf("the report carries the control character %q: %q", s, text)
		}
	}
}

// TestReplyIsUntrusted: a valid reply that echoes the key and holds terminal escapes gives a
// report with the key redacted and the escapes removed, from Recommend and from a batch.
func TestReplyIsUntrusted(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int, gb genBody) {
		writeReply(w, mustJSON(t, echoKeyReport(person(t, gb))))
	})
	f.srv.Batch = &geminitest.Batch{Model: DefaultModel, Metadata: true, Answer: func(key string, req genBody) map[string]any {
		return map[string]any{"response": genResponse(mustJSON(t, echoKeyReport(person(t, req))))}
	}}
	dir := t.TempDir()
	c := newClient(t, f, func(cfg *Config) { cfg.CacheDir = dir })
	rep, _, err := c.Recommend(context.Background(), testRequest("u1"))
	if err != nil {
		t.Fatalf("Recommend: %v", err)
	}
	checkUntrusted(t, rep)
	res, err := c.RecommendBatch(context.Background(), []report.Request{roleRequest("u2", "Nurse")}, BatchOptions{Poll: time.Millisecond})
	if err != nil || res["u2"].Err != nil {
		t.Fatalf("RecommendBatch: %v, %+v", err, res)
	}
	checkUntrusted(t, res["u2"].Report)
	// And from the cache.
	rep, u, err := c.Recommend(context.Background(), testRequest("u1"))
	if err != nil || !u.Cached {
		t.Fatalf("Recommend again: cached %v, %v", u.Cached, err)
	}
	checkUntrusted(t, rep)
}

// TestRecommendUnreachable: a closed port is ErrUnreachable, not an API error.
func TestRecommendUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now: connections are refused
	c, err := New(context.Background(), Config{APIKey: testKey, BaseURL: "http://" + addr, MaxRetries: 1, BackoffBase: time.Millisecond, BackoffMax: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	recordSleeps(c)
	_, u, err := c.Recommend(context.Background(), testRequest("u1"))
	if !errors.Is(err, ErrUnreachable) {
		t.Fatalf("Recommend to a closed port = %v; want ErrUnreachable", err)
	}
	var ae *APIError
	if errors.As(err, &ae) || u.Attempts != 2 || u.PromptTokens != 0 {
		t.Errorf("error %v, usage %+v; want no API error, 2 attempts and no tokens", err, u)
	}
	assertNoKey(t, err)
}
