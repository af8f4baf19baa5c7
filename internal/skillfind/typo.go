package skillfind

// Spelling: a word of a Skills-section item that the vocabulary does not have, of at least
// typoMinLen letters, is read as the vocabulary word one edit away (a letter left out, added,
// changed, or two neighbours swapped: "Kubernates", "managment"), when exactly one vocabulary
// word is, and it starts with the same letter. Only Skills sections are read so (a name in
// prose is too often a word the vocabulary lacks), and a skill found only through such a word
// weighs SpellingWeight of a phrase.
const (
	// SpellingWeight scales the evidence of a skill named only through a misspelt word.
	SpellingWeight = 0.8
	// typoMinLen is the shortest word (in bytes, ASCII letters only) corrected; vocabulary
	// words of typoMinLen-1 letters can be its correction.
	typoMinLen = 7
)

// typoIndex finds the vocabulary word one edit away from a word: every vocabulary word of at
// least typoMinLen-1 ASCII letters is indexed under itself and under each of its one-letter
// deletions (the symmetric-deletion method), so a query looks up itself and its own deletions.
type typoIndex struct {
	byKey map[string][]int32 // a word or one of its deletions -> word ids
	word  map[int32]string   // id -> word, for the indexed words
}

// newTypoIndex indexes the words of v.
func newTypoIndex(v *Vocabulary) *typoIndex {
	ix := &typoIndex{byKey: map[string][]int32{}, word: map[int32]string{}}
	for w, id := range v.ids {
		if len(w) < typoMinLen-1 || !allASCIILetters(w) {
			continue
		}
		ix.word[id] = w
		ix.add(w, id)
		for i := range len(w) {
			ix.add(w[:i]+w[i+1:], id)
		}
	}
	return ix
}

func (ix *typoIndex) add(k string, id int32) {
	ids := ix.byKey[k]
	for _, x := range ids {
		if x == id {
			return
		}
	}
	ix.byKey[k] = append(ids, id)
}

// correct returns the id of the one vocabulary word one edit from q (lower-case), or -1 when
// there is none or more than one, q is too short or not all ASCII letters.
func (ix *typoIndex) correct(q []byte) int32 {
	if len(q) < typoMinLen || !allASCIILetters(q) {
		return -1
	}
	found := int32(-1)
	try := func(k string) bool {
		for _, id := range ix.byKey[k] {
			w := ix.word[id]
			if id == found || w[0] != q[0] || !oneEdit(string(q), w) {
				continue
			}
			if found >= 0 {
				return false // two words are one edit away: no guess
			}
			found = id
		}
		return true
	}
	if !try(string(q)) {
		return -1
	}
	del := make([]byte, len(q)-1)
	for i := range q {
		copy(del, q[:i])
		copy(del[i:], q[i+1:])
		if !try(string(del)) {
			return -1
		}
	}
	return found
}

// oneEdit reports whether a and b differ by exactly one deletion, insertion, substitution or
// transposition of neighbours.
func oneEdit(a, b string) bool {
	if a == b {
		return false
	}
	if len(a) > len(b) {
		a, b = b, a
	}
	switch len(b) - len(a) {
	case 0:
		i := 0
		for i < len(a) && a[i] == b[i] {
			i++
		}
		if a[i+1:] == b[i+1:] {
			return true // substitution
		}
		return i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:]
	case 1:
		i := 0
		for i < len(a) && a[i] == b[i] {
			i++
		}
		return a[i:] == b[i+1:]
	}
	return false
}
