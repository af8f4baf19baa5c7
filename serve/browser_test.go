package serve

import (
	"bytes"
	"context"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// chromium returns the path of a headless-capable Chromium, or skips the test with how to
// get one. Under SKILLX_REQUIRE_BROWSER=1 (CI) a missing browser fails the test instead.
func chromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("SKILLX_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := "no Chromium found (install the Debian package: apt-get install -y chromium; or set SKILLX_CHROMIUM to the browser)"
	if os.Getenv("SKILLX_REQUIRE_BROWSER") == "1" {
		t.Fatalf("SKILLX_REQUIRE_BROWSER=1 but %s", msg)
	}
	t.Skip(msg + "; SKILLX_REQUIRE_BROWSER=1 turns this skip into a failure")
	return ""
}

// TestBrowser drives the page in headless Chromium: it fills the form, submits, waits for the
// report, checks the roles and the per-skill table, reads the page at a phone's width,
// downloads the .txt, and checks that a hostile skill shows as text and runs nothing. With
// SKILLX_SCREENSHOTS=dir it writes dir/serve-form.png and dir/serve-report.png.
func TestBrowser(t *testing.T) {
	exe := chromium(t)
	s := newServer(t, offlineEngine(t), Config{}, nil)
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()

	// The deadline is a safety net against a hung browser, not a measurement.
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.WindowSize(1100, 1000))
	ctx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	ctx, cancelBrowser := chromedp.NewContext(ctx)
	defer cancelBrowser()

	var dialogs atomic.Int32
	if err := chromedp.Listen(ctx, func(ev any) {
		if _, ok := ev.(*page.EventJavascriptDialogOpening); ok {
			dialogs.Add(1)
		}
	}); err != nil {
		t.Fatalf("start the browser (%s): %v", exe, err)
	}
	shots := os.Getenv("SKILLX_SCREENSHOTS")
	shot := func(name string, action chromedp.Action[[]byte]) {
		if shots == "" {
			return
		}
		png, err := chromedp.Run(ctx, action)
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		if err := os.MkdirAll(shots, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(shots, name), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	// The form.
	skills := []string{"SQL", "Excel", "Tableau", "Python", "Statistics"}
	steps := []chromedp.Action[chromedp.Void]{
		chromedp.EmulateViewport(1100, 1000),
		chromedp.Navigate(srv.URL + "/"),
		chromedp.WaitVisible(chromedp.ID("ask")),
		chromedp.SendKeys(chromedp.ID("role"), "Data Analyst"),
	}
	for i, sk := range skills {
		steps = append(steps, chromedp.SendKeys(chromedp.ID("skill_"+string(rune('1'+i))), sk))
	}
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("fill the form: %v", err)
	}
	shot("serve-form.png", chromedp.CaptureScreenshot())

	// Submit and wait for the report (through the waiting page, if the analyst is slower
	// than the redirect).
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("submit")), chromedp.WaitVisible(chromedp.ID("report"))); err != nil {
		t.Fatalf("submit and wait for the report: %v", err)
	}
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	id := filepath.Base(loc)
	a := s.store.get(id)
	if a == nil || !a.finished() || a.report == nil {
		t.Fatalf("the browser shows %s, which is not a finished report", loc)
	}
	var want []string
	for _, r := range a.report.Roles {
		want = append(want, r.Role)
	}
	roles, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('#report .role-name'), e => e.textContent)`))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(roles, want) || len(roles) != 5 {
		t.Errorf("roles in the browser = %q; want %q", roles, want)
	}
	type cell struct{ Skill, Match, Why string }
	rows, err := chromedp.Run(ctx, chromedp.Evaluate[[]cell](`Array.from(document.querySelectorAll('#role-1 table.skills tbody tr'),
		tr => ({Skill: tr.cells[0].innerText, Match: tr.cells[1].innerText, Why: tr.cells[2].innerText}))`))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(skills) {
		t.Fatalf("role 1's table has %d rows; want %d", len(rows), len(skills))
	}
	for i, m := range a.report.Roles[0].SkillMatches {
		if got, want := rows[i], (cell{m.Skill, string(m.Match), m.Justification}); got != want {
			t.Errorf("role 1, row %d = %+v; want %+v", i+1, got, want)
		}
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1100, 1500)); err != nil {
		t.Fatal(err)
	}
	shot("serve-report.png", chromedp.CaptureScreenshot())

	// At a phone's width nothing is wider than the screen; the table's cells stack.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile)); err != nil {
		t.Fatal(err)
	}
	wide, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`[document.documentElement.scrollWidth, window.innerWidth,
		Math.max(...Array.from(document.querySelectorAll('table.skills'), e => e.getBoundingClientRect().right))]`))
	if err != nil {
		t.Fatal(err)
	}
	if wide[0] > wide[1] || wide[2] > wide[1] {
		t.Errorf("at 360 px the page is %.0f px wide and the skill tables reach %.0f px; want at most %.0f", wide[0], wide[2], wide[1])
	}

	// The .txt download is recommend's text report.
	dir := t.TempDir()
	progress := chromedp.Events(ctx, browser.DownloadProgress)
	yes := true
	if err := chromedp.Do(ctx,
		chromedp.EmulateViewport(1100, 1000),
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Call(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
				Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: &yes})
			return err
		}),
		chromedp.Click(chromedp.ID("download-txt")),
	); err != nil {
		t.Fatalf("download the .txt: %v", err)
	}
	var got []byte
	for ev, err := range progress {
		if err != nil {
			t.Fatalf("download the .txt: %v", err)
		}
		if ev.State == browser.DownloadProgressStateCanceled {
			t.Fatalf("the .txt download was cancelled")
		}
		if ev.State == browser.DownloadProgressStateCompleted {
			if got, err = os.ReadFile(filepath.Join(dir, ev.GUID)); err != nil {
				t.Fatal(err)
			}
			break
		}
	}
	var text bytes.Buffer
	a.report.WriteText(&text)
	if !bytes.Equal(got, text.Bytes()) {
		t.Errorf("the downloaded .txt differs from the report's text:\n%s\n---\n%s", got, text.Bytes())
	}

	// A hostile skill shows as text and runs nothing.
	if err := chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitVisible(chromedp.ID("ask")),
		chromedp.SendKeys(chromedp.ID("role"), "Data Analyst"),
		chromedp.SendKeys(chromedp.ID("skills"), hostile+"; SQL"),
		chromedp.Click(chromedp.ID("submit")),
		chromedp.WaitVisible(chromedp.ID("report")),
	); err != nil {
		t.Fatalf("submit the hostile skill: %v", err)
	}
	first, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#role-1 table.skills td.skill")))
	if err != nil {
		t.Fatal(err)
	}
	if first != hostile {
		t.Errorf("the hostile skill shows as %q; want the text %q", first, hostile)
	}
	scripts, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('script, img').length`))
	if err != nil {
		t.Fatal(err)
	}
	if scripts != 0 || dialogs.Load() != 0 {
		t.Errorf("the page has %d script or img elements and opened %d dialogs; want none", scripts, dialogs.Load())
	}
	// The history lists both answers.
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(chromedp.ID("history"))); err != nil {
		t.Fatal(err)
	}
	hist, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#history li a').length`))
	if err != nil {
		t.Fatal(err)
	}
	if hist != 2 {
		t.Errorf("the history lists %d answers; want 2", hist)
	}
}
