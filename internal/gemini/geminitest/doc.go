// Package geminitest is a fake of the parts of the Gemini REST API that genai uses, for
// tests of package gemini and of its callers: models/{m}:generateContent,
// models/{m}:batchGenerateContent, batches/{id} and batches/{id}:cancel.
//
// New starts an httptest server that checks the API key, records every request and hands
// each generateContent call to a GenerateFunc; a Batch set on the Server serves the batch
// paths. The helpers write replies in the shapes genai reads.
package geminitest
