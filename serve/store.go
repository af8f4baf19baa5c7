package serve

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/skillx/skillx/recommend"
)

// idBytes is the size of an answer id: 128 random bits, so that ids cannot be guessed.
const idBytes = 16

// newID returns a fresh opaque answer id (hex). crypto/rand.Read never fails (it crashes
// the program instead).
func newID() string {
	b := make([]byte, idBytes)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// validID reports whether s has the form of an answer id.
func validID(s string) bool {
	if len(s) != 2*idBytes {
		return false
	}
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// answer is one person's request and, once done is closed, its report or why there is none.
type answer struct {
	id      string
	user    recommend.User
	started time.Time
	done    chan struct{}

	// Set before done is closed; read after it.
	report  *recommend.UserReport
	failure string
}

// finished reports whether the answer is done.
func (a *answer) finished() bool {
	select {
	case <-a.done:
		return true
	default:
		return false
	}
}

// store keeps the last max answers in memory, in arrival order.
type store struct {
	mu    sync.Mutex
	max   int
	byID  map[string]*answer
	order []string // oldest first
}

func newStore(max int) *store { return &store{max: max, byID: map[string]*answer{}} }

// add keeps a, dropping the oldest finished answers beyond max. Answers in progress are never
// dropped (there are fewer of them than max: Config checks it).
func (st *store) add(a *answer) {
	st.mu.Lock()
	defer st.mu.Unlock()
	for i := 0; len(st.order) >= st.max && i < len(st.order); {
		old := st.byID[st.order[i]]
		if !old.finished() {
			i++
			continue
		}
		delete(st.byID, old.id)
		st.order = append(st.order[:i], st.order[i+1:]...)
	}
	st.byID[a.id] = a
	st.order = append(st.order, a.id)
}

// get returns the answer with id, or nil.
func (st *store) get(id string) *answer {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.byID[id]
}

// len returns the number of answers kept.
func (st *store) len() int {
	st.mu.Lock()
	defer st.mu.Unlock()
	return len(st.order)
}

// historyCookie names the cookie that lists a browser's answers: opaque ids, newest first,
// separated by dots. It holds nothing else.
const historyCookie = "skillx_history"

// historyMaxAge is how long a browser keeps its history cookie.
const historyMaxAge = 30 * 24 * time.Hour

// readHistory returns the answer ids of r's history cookie (valid ids only, at most max).
func readHistory(r *http.Request, max int) []string {
	c, err := r.Cookie(historyCookie)
	if err != nil {
		return nil
	}
	var ids []string
	for _, id := range strings.Split(c.Value, ".") {
		if validID(id) && len(ids) < max && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids
}

// writeHistory sets the history cookie to ids (nil clears it).
func writeHistory(w http.ResponseWriter, ids []string) {
	c := &http.Cookie{Name: historyCookie, Value: strings.Join(ids, "."), Path: "/",
		MaxAge: int(historyMaxAge.Seconds()), HttpOnly: true, SameSite: http.SameSiteLaxMode}
	if len(ids) == 0 {
		c.MaxAge = -1
	}
	http.SetCookie(w, c)
}
