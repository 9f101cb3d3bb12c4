//go:build !unix

package cli

import (
	"io"
	"os"
)

// terminalWidth reports whether w is a terminal (a character device), and
// its width in columns, taken as 80.
func terminalWidth(w io.Writer) (int, bool) {
	f, ok := w.(*os.File)
	if !ok {
		return 0, false
	}
	fi, err := f.Stat()
	if err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return 0, false
	}
	return 80, true
}
