package gemini

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/skillx/skillx/internal/atomicfile"
	"github.com/skillx/skillx/internal/report"
)

// cacheEntry is one cache file: a validated report and what it cost.
type cacheEntry struct {
	Key           string         `json:"key"`
	PromptVersion string         `json:"prompt_version"`
	Model         string         `json:"model"`
	Created       time.Time      `json:"created"`
	PromptTokens  int            `json:"prompt_tokens"`
	OutputTokens  int            `json:"output_tokens"`
	Report        *report.Report `json:"report"`
}

// CachePath returns the file under dir that holds the cached report for hash.
func CachePath(dir, hash string) string {
	return filepath.Join(dir, hash+".json")
}

// cacheGet returns the cached report for r, checked again against r. A missing, unreadable
// or invalid entry is a miss (and is overwritten by the next success).
func (c *Client) cacheGet(r report.Request, hash string) (*report.Report, bool) {
	if c.cacheDir == "" {
		return nil, false
	}
	path := CachePath(c.cacheDir, hash)
	data, err := os.ReadFile(path)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			c.log.Warn("gemini cache unreadable; asking gemini again", "path", path, "error", c.rd.err(err))
		}
		return nil, false
	}
	var e cacheEntry
	if err := json.Unmarshal(data, &e); err != nil || e.Key != hash || e.Report == nil {
		c.log.Warn("gemini cache entry is damaged or foreign; asking gemini again", "path", path)
		return nil, false
	}
	if problems := check(r, e.Report); len(problems) > 0 {
		c.log.Warn("gemini cache entry fails validation; asking gemini again", "path", path, "problems", problems)
		return nil, false
	}
	return e.Report, true
}

// cachePut stores a validated report. A failure is logged, not returned: the report itself
// is good and the caller writes it anyway; only the next rerun pays again.
func (c *Client) cachePut(r report.Request, hash string, rep *report.Report, promptTokens, outputTokens int) {
	if c.cacheDir == "" {
		return
	}
	path := CachePath(c.cacheDir, hash)
	data, err := json.MarshalIndent(cacheEntry{
		Key:           hash,
		PromptVersion: PromptVersion,
		Model:         c.model,
		Created:       time.Now().UTC(),
		PromptTokens:  promptTokens,
		OutputTokens:  outputTokens,
		Report:        rep,
	}, "", "  ")
	if err == nil {
		data = []byte(c.rd.str(string(data)) + "\n")
		err = atomicfile.WriteFile(path, data)
	}
	if err != nil {
		c.log.Warn("gemini cache not written; a rerun will ask gemini again", "user", r.UserID, "path", path, "error", c.rd.err(err))
	}
}
