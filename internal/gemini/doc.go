// Package gemini asks Google Gemini to judge a person's predicted career transitions.
//
// For one person (current role, skills and the five roles a classifier predicted, with their
// probabilities) Recommend sends one generateContent request with structured output, checks
// the reply in Go and returns a Report: exactly five roles, each either a kept prediction
// ("model", with its probability) or a replacement Gemini chose ("gemini", naming the discarded
// prediction and why), each with a job description, a per-skill Weak/Medium/Strong match, how
// the skills apply and what to learn. RecommendBatch does the same for many people through the
// Gemini Batch API, sending each distinct prompt once and, given a state file, resuming the job
// of a run that was killed while polling.
//
// The person's text is data, never instructions: it is marshalled into one JSON block between
// fixed markers (json.Marshal escapes '<' and '>', so user text cannot forge the closing
// marker), and the system instruction says that the block is only data to analyse.
//
// A Client is safe for concurrent use. It retries 429, 5xx, timeouts, broken connections and
// invalid replies with exponential backoff and full jitter (honouring Retry-After), spaces all
// requests of all goroutines by one rate limiter, and caches validated reports on disk under
// their PromptHash, so a rerun pays only for the people that failed. The API key is sent in a
// header by genai and is scrubbed from every error, log line and file this package produces,
// and from every text of a reply: the model's answer is untrusted, so its control characters
// are removed too before a Report is returned. A request that cannot connect at all wraps
// ErrUnreachable.
package gemini
