package progress

import (
	"io"
	"os"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// Bar is a progress bar; the zero value and a nil *Bar do nothing.
type Bar struct {
	b *progressbar.ProgressBar
}

// Enabled reports whether bars are drawn: stderr is a terminal and SKILLX_NO_PROGRESS is unset.
func Enabled() bool {
	return os.Getenv("SKILLX_NO_PROGRESS") == "" && term.IsTerminal(int(os.Stderr.Fd()))
}

// Bytes returns a bar counting bytes up to total (-1 when unknown).
func Bytes(total int64, desc string) *Bar {
	if !Enabled() {
		return nil
	}
	return &Bar{b: progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(os.Stderr),
		progressbar.OptionSetDescription(desc),
		progressbar.OptionShowBytes(true),
		progressbar.OptionThrottle(100e6),
		progressbar.OptionShowElapsedTimeOnFinish(),
		progressbar.OptionClearOnFinish(),
	)}
}

// Count returns a bar counting items (texts, users, epochs) up to total (-1 when unknown).
func Count(total int64, desc, unit string) *Bar {
	if !Enabled() {
		return nil
	}
	return &Bar{b: progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(os.Stderr),
		progressbar.OptionSetDescription(desc),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString(unit),
		progressbar.OptionThrottle(100e6),
		progressbar.OptionClearOnFinish(),
	)}
}

// Set moves the bar to n.
func (b *Bar) Set(n int64) {
	if b != nil {
		b.b.Set64(n)
	}
}

// Add moves the bar on by n.
func (b *Bar) Add(n int64) {
	if b != nil {
		b.b.Add64(n)
	}
}

// Describe changes the bar's description.
func (b *Bar) Describe(s string) {
	if b != nil {
		b.b.Describe(s)
	}
}

// Finish completes and clears the bar.
func (b *Bar) Finish() {
	if b != nil {
		b.b.Finish()
		io.WriteString(os.Stderr, "")
	}
}
