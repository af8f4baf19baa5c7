package features

import (
	"github.com/skillx/skillx/internal/encoder"
	"github.com/skillx/skillx/internal/layout"
)

// The choice of an encoder lives in internal/encoder, so that the later stages open the
// encoder without importing this stage. These names remain for the callers that still use
// them.

// Encoder kinds accepted by EncoderOptions.Kind.
const (
	EncoderAuto     = encoder.KindAuto
	EncoderMiniLM   = encoder.KindMiniLM
	EncoderHashing  = encoder.KindHashing
	EncoderCorpus   = encoder.KindCorpus
	FallbackEncoder = encoder.FallbackKind
)

// EncoderOptions choose and configure an encoder (encoder.Options).
type EncoderOptions = encoder.Options

// Resolved is the outcome of choosing an encoder (encoder.Choice).
type Resolved = encoder.Choice

// DefaultModelDir returns where `make models` puts all-MiniLM-L6-v2 under workdir.
func DefaultModelDir(workdir string) string { return layout.MiniLMDir(workdir) }

// CorpusPath returns where features writes the corpus encoder under workdir.
func CorpusPath(workdir string) string { return layout.Corpus(workdir) }

// KindOf returns the encoder kind of an encoder id ("" when the id is empty).
func KindOf(id string) string { return encoder.KindOf(id) }
