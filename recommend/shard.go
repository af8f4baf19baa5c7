package recommend

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
)

// JobIndexEnv is the environment variable that holds a pod's index in a Kubernetes Indexed
// Job; ParseShard reads it for "auto/N".
const JobIndexEnv = "JOB_COMPLETION_INDEX"

// Shard is one of Count parts of a users file, so that Count processes (the pods of a
// Kubernetes Indexed Job, the tasks of any batch scheduler) share the work; Merge joins their
// outputs. A person belongs to shard ShardOf(id, Count): the choice depends on the person's id
// alone, so every person lands in exactly one shard whatever Count is, people who share an id
// (a duplicate, which fails) land in the same one, and a person stays in the same shard, and
// so in the same reports folder, when rows are added to or removed from the file: a rerun with
// the same Count finds its up-to-date reports. The zero Shard is the whole file.
type Shard struct {
	// Index is the shard's number, from 0 to Count-1.
	Index int
	// Count is the number of shards; 0 means no sharding.
	Count int
}

// ParseShard parses "I/N" (0 <= I < N), or "auto/N", which takes I from the environment
// variable JobIndexEnv as Kubernetes sets it for an Indexed Job (getenv looks it up).
func ParseShard(s string, getenv func(string) string) (Shard, error) {
	idx, count, ok := strings.Cut(s, "/")
	if !ok {
		return Shard{}, fmt.Errorf("shard %q: want I/N, such as 0/4 (the first of 4), or auto/N", s)
	}
	n, err := strconv.Atoi(strings.TrimSpace(count))
	if err != nil || n < 1 {
		return Shard{}, fmt.Errorf("shard %q: the number of shards %q is not a whole number of 1 or more", s, count)
	}
	idx = strings.TrimSpace(idx)
	from := ""
	if idx == "auto" {
		idx = getenv(JobIndexEnv)
		if idx == "" {
			return Shard{}, fmt.Errorf("shard %q: auto takes the index from $%s, which is not set (it is set in the pods of a Kubernetes Indexed Job); give the index as a number", s, JobIndexEnv)
		}
		from = fmt.Sprintf(" ($%s)", JobIndexEnv)
	}
	i, err := strconv.Atoi(idx)
	if err != nil || i < 0 || i >= n {
		return Shard{}, fmt.Errorf("shard %q: index %q%s is not a whole number from 0 to %d", s, idx, from, n-1)
	}
	return Shard{Index: i, Count: n}, nil
}

// String returns the shard as "I/N" ("" for the whole file).
func (s Shard) String() string {
	if s.Count == 0 {
		return ""
	}
	return fmt.Sprintf("%d/%d", s.Index, s.Count)
}

// owns reports whether the person with this id belongs to the shard.
func (s Shard) owns(id string) bool {
	return s.Count <= 1 || ShardOf(id, s.Count) == s.Index
}

// ShardOf returns the shard, among n, of the person with this id: the first 8 bytes of the
// SHA-256 of the id (its UTF-8 bytes, after the users file's normalisation) read as a
// big-endian unsigned integer, modulo n. In Python:
// int.from_bytes(hashlib.sha256(id.encode()).digest()[:8], "big") % n.
func ShardOf(id string, n int) int {
	sum := sha256.Sum256([]byte(id))
	return int(binary.BigEndian.Uint64(sum[:8]) % uint64(n))
}

// ShardDir returns the reports folder of shard s under dir: dir/shard-I-of-N.
func ShardDir(dir string, s Shard) string {
	return filepath.Join(dir, fmt.Sprintf("shard-%d-of-%d", s.Index, s.Count))
}

// parseShardDir returns the shard of a folder named by ShardDir.
func parseShardDir(name string) (Shard, bool) {
	var s Shard
	var rest string
	if n, _ := fmt.Sscanf(filepath.Base(name), "shard-%d-of-%d%s", &s.Index, &s.Count, &rest); n != 2 {
		return Shard{}, false
	}
	if s.Count < 1 || s.Index < 0 || s.Index >= s.Count || ShardDir("", s) != filepath.Base(name) {
		return Shard{}, false
	}
	return s, true
}
