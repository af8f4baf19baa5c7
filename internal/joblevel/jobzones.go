package joblevel

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/skillx/skillx/internal/tabular"
)

// JobZonesFile is the O*NET file ReadJobZones reads.
const JobZonesFile = "Job Zones.txt"

// JobZones are O*NET's Job Zones by O*NET-SOC code: 1 (little or no preparation needed) to 5
// (extensive preparation needed).
type JobZones map[string]int

// ReadJobZones reads Job Zones.txt of an O*NET database folder (columns O*NET-SOC Code and Job
// Zone). A row whose zone is not 1 to 5 is an error naming its line.
func ReadJobZones(dir string) (JobZones, error) {
	path := filepath.Join(dir, JobZonesFile)
	r, err := tabular.Open(path, tabular.Options{Format: tabular.FormatTSV})
	if err != nil {
		return nil, fmt.Errorf("job zones: %w", err)
	}
	defer r.Close()
	ci, zi := -1, -1
	for i, h := range r.Header() {
		switch strings.TrimSpace(h) {
		case "O*NET-SOC Code":
			ci = i
		case "Job Zone":
			zi = i
		}
	}
	if ci < 0 || zi < 0 {
		return nil, fmt.Errorf("job zones %s: columns \"O*NET-SOC Code\" and \"Job Zone\" needed; columns are: %s", path, strings.Join(r.Header(), ", "))
	}
	z := JobZones{}
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("job zones %s: %w", path, err)
		}
		if rec.Err != nil {
			return nil, fmt.Errorf("job zones: %w", rec.Err)
		}
		v, err := strconv.Atoi(strings.TrimSpace(rec.Fields[zi]))
		if err != nil || v < 1 || v > 5 {
			return nil, fmt.Errorf("job zones %s line %d: Job Zone %q: want 1 to 5", path, rec.Line, rec.Fields[zi])
		}
		z[strings.Clone(strings.TrimSpace(rec.Fields[ci]))] = v
	}
	if len(z) == 0 {
		return nil, fmt.Errorf("job zones %s: no rows", path)
	}
	return z, nil
}

// Zone returns the Job Zone of an O*NET-SOC code ("15-2051.00").
func (z JobZones) Zone(code string) (int, bool) {
	v, ok := z[strings.TrimSpace(code)]
	return v, ok
}

// CompareZones says whether moving from an occupation of Job Zone from to one of Job Zone to
// needs more preparation (step up), as much (lateral) or less (step down).
func CompareZones(from, to int) Move {
	switch {
	case to > from:
		return StepUp
	case to < from:
		return StepDown
	}
	return Lateral
}

// CompareCodes compares two O*NET occupations by their Job Zones; ok is false when either
// code has no zone.
func (z JobZones) CompareCodes(from, to string) (Move, bool) {
	a, ok1 := z.Zone(from)
	b, ok2 := z.Zone(to)
	if !ok1 || !ok2 {
		return Lateral, false
	}
	return CompareZones(a, b), true
}
