// Package serve is `skillx serve`: the prototype's one-person web page on the same engine as
// bulk recommend (recommend.Engine). A person gives a current role and top skills in a form;
// the input is checked with the users file's rules and words; the report is written in the
// background while a plain waiting page reloads itself (no script); then the page shows the
// five roles with where each came from, the job description, the per-skill Strong/Medium/Weak
// table with the reasons, how the skills apply and what to learn, with downloads as .txt, .md
// and .json made by the same renderers as the files recommend writes. A cookie of opaque ids
// lists the browser's earlier answers, which the server keeps in memory (a bounded number).
//
// Everything is server-rendered with html/template from files embedded in the binary; the
// pages load nothing from elsewhere. The server answers on loopback names only unless told
// otherwise (Config.AnyHost), limits the body, the fields and the reports in progress (a 429
// page when busy), sends a Content-Security-Policy without script, nosniff, frame denial and
// no referrer, checks cross-origin form posts, and never shows a configured secret (the
// Gemini key): every page and download is scrubbed of it. Serve stops on its context,
// finishing the requests and reports in progress first.
package serve
