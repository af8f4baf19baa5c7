package serve

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/skillx/skillx/internal/report"
	"github.com/skillx/skillx/internal/skillfind"
	"github.com/skillx/skillx/recommend"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// numSkillFields is the number of separate skill fields of the form.
const numSkillFields = recommend.MaxSkills

// contentSecurityPolicy allows the page's own style sheet and forms, and nothing else: no
// script at all, no frames, no other origin.
const contentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// pages are the parsed templates, by file name, each with the layout.
var pages = func() map[string]*template.Template {
	funcs := template.FuncMap{
		"inc":            func(i int) int { return i + 1 },
		"join":           strings.Join,
		"lower":          func(l report.MatchLevel) string { return strings.ToLower(string(l)) },
		"percent":        recommend.Percent,
		"prediction":     recommend.PredictionText,
		"matchScoreNote": func() string { return recommend.MatchScoreNote },
		"sourceLabel": func(s report.Source) string {
			switch s {
			case report.SourceModel:
				return "predicted"
			case report.SourceGemini:
				return "Gemini's replacement"
			case report.SourceAnalyst:
				return "analyst's replacement"
			}
			return string(s)
		},
	}
	out := map[string]*template.Template{}
	for _, name := range []string{"form", "working", "report", "failed", "error"} {
		out[name] = template.Must(template.New(name).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/"+name+".html"))
	}
	return out
}()

// base is what every page shows.
type base struct {
	Title       string
	Analyst     string // who answers, in a few words
	Gemini      bool   // Gemini answers (so the role and skills leave the machine)
	Encoder     string
	EncoderNote string
	Version     string
	Refresh     int // seconds after which the page reloads itself (0: never)
}

// formPage is the form, with what was typed, the problems found, and the history.
type formPage struct {
	base
	Role       string
	Skills     [numSkillFields]string
	List       string
	Resume     string
	History    string
	Problems   []string
	Busy       string
	Answers    []historyItem
	Forgotten  int // history ids the server no longer keeps
	MaxLen     int
	MaxListLen int
	MaxSkills  int
	// MaxResume is the largest résumé in bytes (the skill finder's limit), MaxResumeKiB the same
	// in KiB; MaxHistoryLen bounds the work history in characters.
	MaxResume, MaxResumeKiB, MaxHistoryLen int
}

// historyItem is one earlier answer of the browser.
type historyItem struct {
	ID, Role, When, Summary string
}

// answerPage shows one answer: in progress, failed or its report.
type answerPage struct {
	base
	ID        string
	Role      string
	SkillList string
	Elapsed   string
	Reason    string
	Report    *recommend.UserReport
}

// errorPage is a plain message.
type errorPage struct {
	base
	Message string
}

// routes returns the server's handler.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.form)
	mux.HandleFunc("POST /ask", s.ask)
	mux.HandleFunc("GET /answer/{id}", s.answer)
	mux.HandleFunc("GET /answer/{id}/{file}", s.download)
	mux.HandleFunc("POST /history/clear", s.clearHistory)
	static, _ := fs.Sub(staticFS, "static")
	files := http.StripPrefix("/static/", http.FileServerFS(static))
	mux.Handle("GET /static/{file}", files)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.errorPage(w, http.StatusNotFound, "Not found", "There is no page at this address.")
	})
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.errorPage(w, http.StatusForbidden, "Refused", "This form can only be sent from this server's own page.")
	}))
	return s.headers(s.checkHost(cop.Handler(mux)))
}

// headers sets the security headers of every response.
func (s *Server) headers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		if strings.HasPrefix(r.URL.Path, "/static/") {
			h.Set("Cache-Control", "no-cache")
		} else {
			h.Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(w, r)
	})
}

// checkHost answers only requests addressed to a loopback name, unless Config.AnyHost.
func (s *Server) checkHost(next http.Handler) http.Handler {
	if s.cfg.AnyHost {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, err := net.SplitHostPort(r.Host)
		if err != nil {
			host = r.Host
		}
		if !loopbackHost(host) {
			s.errorPage(w, http.StatusMisdirectedRequest, "Wrong address",
				"This server answers on its loopback address only (http://127.0.0.1 or http://localhost).")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// base returns the parts every page shows.
func (s *Server) base(title string) base {
	a := s.cfg.Engine.Analyst()
	b := base{Title: title, Encoder: s.cfg.Engine.Encoder(), EncoderNote: s.cfg.Engine.EncoderNote(), Version: s.cfg.Version}
	if a.Kind == recommend.AnalystGemini {
		b.Gemini = true
		b.Analyst = "Google Gemini (" + a.Model + ")"
	} else {
		b.Analyst = "the offline analyst, on this computer (skills compared with " + a.Model + " vectors)"
	}
	return b
}

// render writes page name with data and the status code, scrubbed of the secrets.
func (s *Server) render(w http.ResponseWriter, status int, name string, data any) {
	var buf bytes.Buffer
	if err := pages[name].ExecuteTemplate(&buf, "layout", data); err != nil {
		s.log.Error("serve: page cannot be made", "page", name, "error", s.secrets.Replace(err.Error()))
		http.Error(w, "internal error: the page cannot be made", http.StatusInternalServerError)
		return
	}
	s.send(w, status, "text/html; charset=utf-8", buf.Bytes())
}

// send writes body, scrubbed of the secrets.
func (s *Server) send(w http.ResponseWriter, status int, contentType string, body []byte) {
	out := []byte(s.secrets.Replace(string(body)))
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(out)))
	w.WriteHeader(status)
	w.Write(out)
}

// errorPage writes a plain message page.
func (s *Server) errorPage(w http.ResponseWriter, status int, title, msg string) {
	s.render(w, status, "error", errorPage{base: s.base(title), Message: msg})
}

// newForm returns the form page with the history of r.
func (s *Server) newForm(r *http.Request) formPage {
	p := formPage{base: s.base("Your next role"), MaxLen: recommend.MaxTextLen, MaxListLen: maxListLen, MaxSkills: recommend.MaxSkills,
		MaxResume: skillfind.DefaultMaxBytes, MaxResumeKiB: skillfind.DefaultMaxBytes >> 10, MaxHistoryLen: recommend.MaxHistoryLen}
	for _, id := range readHistory(r, s.cfg.MaxHistory) {
		a := s.store.get(id)
		if a == nil {
			p.Forgotten++
			continue
		}
		item := historyItem{ID: id, Role: a.user.CurrentRole, When: a.started.Format("2 Jan 15:04")}
		switch {
		case !a.finished():
			item.Summary = "in progress"
		case a.report == nil:
			item.Summary = "no report"
		default:
			var roles []string
			for _, rr := range a.report.Roles {
				roles = append(roles, rr.Role)
			}
			item.Summary = "→ " + strings.Join(roles, ", ")
		}
		p.Answers = append(p.Answers, item)
	}
	return p
}

// form shows the empty form and the browser's history.
func (s *Server) form(w http.ResponseWriter, r *http.Request) {
	s.render(w, http.StatusOK, "form", s.newForm(r))
}

// input is what the form sent.
type input struct {
	role   string
	fields [numSkillFields]string
	list   string
	resume string
	// history is the work history ("Data Analyst 2019-2022; Junior Analyst 2017-2019").
	history string
}

// skills returns the skills of in as a users file row with both a skills column and
// skill_1..skill_N columns gives them: the list's items, then each non-empty field.
func (in input) skills() []string {
	out := recommend.SplitSkills(in.list)
	for _, f := range in.fields {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// ask checks the form and starts the report, then sends the browser to the answer's page
// (POST-redirect-GET). Bad input gets the form back with the users file's reasons (400); a
// full server gets it back with the busy notice (429).
func (s *Server) ask(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBody)
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			s.errorPage(w, http.StatusRequestEntityTooLarge, "Too much text",
				fmt.Sprintf("The form sent more than %d bytes; a current role, five skills of at most %d characters each and a résumé of at most %d KiB are enough.", s.cfg.MaxBody, recommend.MaxTextLen, skillfind.DefaultMaxBytes>>10))
			return
		}
		s.errorPage(w, http.StatusBadRequest, "Unreadable form", "The form could not be read ("+err.Error()+"); send it again from the page.")
		return
	}
	var in input
	in.role, in.list = r.PostForm.Get("role"), r.PostForm.Get("skills")
	in.resume, in.history = r.PostForm.Get("resume"), r.PostForm.Get("history")
	for i := range in.fields {
		in.fields[i] = r.PostForm.Get(fmt.Sprintf("skill_%d", i+1))
	}
	again := func(status int, problem, busy string) {
		p := s.newForm(r)
		p.Role, p.Skills, p.List, p.Busy = in.role, in.fields, in.list, busy
		p.Resume, p.History = in.resume, in.history
		if problem != "" {
			p.Problems = []string{problem}
		}
		if status == http.StatusTooManyRequests {
			w.Header().Set("Retry-After", strconv.Itoa(busyRetryAfter))
		}
		s.render(w, status, "form", p)
	}
	// The same checks as a users file's row; the résumé is read here and not kept.
	u, err := recommend.NewUser(recommend.Input{CurrentRole: in.role, Skills: in.skills(), Resume: in.resume, History: in.history},
		s.cfg.Engine.Finder())
	if err != nil {
		again(http.StatusBadRequest, err.Error(), "")
		return
	}
	select {
	case s.slots <- struct{}{}:
	default:
		s.log.Warn("serve: busy; a request was turned away", "reports_in_progress", cap(s.slots))
		again(http.StatusTooManyRequests, "", fmt.Sprintf(
			"%d reports are being written right now, the most this server writes at once. Nothing was lost: try again in a minute.", cap(s.slots)))
		return
	}
	a := &answer{id: newID(), user: u, started: time.Now(), done: make(chan struct{})}
	s.store.add(a)
	s.work.Add(1)
	go s.write(a)
	ids := append([]string{a.id}, readHistory(r, s.cfg.MaxHistory)...)
	writeHistory(w, ids[:min(len(ids), s.cfg.MaxHistory)])
	http.Redirect(w, r, "/answer/"+a.id, http.StatusSeeOther)
}

// write writes the report of a, then frees its slot.
func (s *Server) write(a *answer) {
	// Deferred calls run last first: the slot is free before done is closed, so that whoever
	// sees the answer finished can ask again at once.
	defer s.work.Done()
	defer close(a.done)
	defer func() { <-s.slots }()
	defer func() {
		if p := recover(); p != nil {
			a.report, a.failure = nil, "internal error: the report could not be made"
			s.log.Error("serve: report failed with a panic", "answer", a.id[:8], "panic", s.secrets.Replace(fmt.Sprint(p)))
		}
	}()
	rep, err := s.cfg.Engine.Recommend(s.workCtx, a.user)
	if err != nil {
		a.failure = s.secrets.Replace(err.Error())
		s.log.Warn("serve: no report", "answer", a.id[:8], "seconds", time.Since(a.started).Seconds(), "reason", a.failure)
		return
	}
	a.report = rep
	s.log.Info("serve: report", "answer", a.id[:8], "analyst", rep.Analyst.Label(), "ms", time.Since(a.started).Milliseconds(),
		"prompt_tokens", rep.Usage.PromptTokens, "output_tokens", rep.Usage.OutputTokens, "cached", rep.Usage.Cached)
}

// lookup returns the answer named by the request's id, or writes the not-found page.
func (s *Server) lookup(w http.ResponseWriter, r *http.Request) *answer {
	id := r.PathValue("id")
	var a *answer
	if validID(id) {
		a = s.store.get(id)
	}
	if a == nil {
		s.errorPage(w, http.StatusNotFound, "No such answer",
			fmt.Sprintf("This server does not have this answer: it keeps the last %d answers, in memory, until it stops.", s.cfg.MaxAnswers))
	}
	return a
}

// answer shows an answer: the waiting page (which reloads itself), why there is no report,
// or the report.
func (s *Server) answer(w http.ResponseWriter, r *http.Request) {
	a := s.lookup(w, r)
	if a == nil {
		return
	}
	p := answerPage{base: s.base("Your next roles"), ID: a.id, Role: a.user.CurrentRole, SkillList: listAnd(a.user.Skills)}
	switch {
	case !a.finished():
		p.Title = "Working…"
		p.Refresh = 2
		if !p.Gemini {
			p.Refresh = 1
		}
		p.Elapsed = time.Since(a.started).Round(time.Second).String()
		s.render(w, http.StatusOK, "working", p)
	case a.report == nil:
		p.Title, p.Reason = "No report", a.failure
		s.render(w, http.StatusOK, "failed", p)
	default:
		p.Report = a.report
		s.render(w, http.StatusOK, "report", p)
	}
}

// downloads are the report's files: the same renderers as recommend's files.
var downloads = map[string]struct {
	contentType string
	render      func(*recommend.UserReport) ([]byte, error)
}{
	"report.txt": {"text/plain; charset=utf-8", func(r *recommend.UserReport) ([]byte, error) {
		var b bytes.Buffer
		err := r.WriteText(&b)
		return b.Bytes(), err
	}},
	"report.md": {"text/markdown; charset=utf-8", func(r *recommend.UserReport) ([]byte, error) {
		var b bytes.Buffer
		err := r.WriteMarkdown(&b)
		return b.Bytes(), err
	}},
	"report.json": {"application/json", (*recommend.UserReport).JSON},
}

// download sends the report as a file.
func (s *Server) download(w http.ResponseWriter, r *http.Request) {
	d, ok := downloads[r.PathValue("file")]
	if !ok {
		s.errorPage(w, http.StatusNotFound, "Not found", "There is no such download: the report comes as report.txt, report.md or report.json.")
		return
	}
	a := s.lookup(w, r)
	if a == nil {
		return
	}
	if !a.finished() || a.report == nil {
		s.errorPage(w, http.StatusNotFound, "No report yet", "This answer has no report to download (yet).")
		return
	}
	body, err := d.render(a.report)
	if err != nil {
		s.log.Error("serve: download cannot be made", "answer", a.id[:8], "error", s.secrets.Replace(err.Error()))
		s.errorPage(w, http.StatusInternalServerError, "Internal error", "The download cannot be made.")
		return
	}
	ext := r.PathValue("file")[len("report"):]
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="skillx-report-%s%s"`, a.id[:8], ext))
	s.send(w, http.StatusOK, d.contentType, body)
}

// clearHistory forgets the browser's history list (the answers stay until dropped).
func (s *Server) clearHistory(w http.ResponseWriter, r *http.Request) {
	writeHistory(w, nil)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// listAnd joins items as "a, b and c".
func listAnd(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}
