//go:build ignore

// testsum reads `go test -json` output on stdin, echoes the package lines a
// person would see from plain `go test`, prints failing test output in full,
// and ends with one summary line: "tests: N passed, N failed, N skipped".
// It exits non-zero when any test or package failed.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

type event struct {
	Action  string
	Package string
	Test    string
	Output  string
	Elapsed float64
}

func main() {
	label := "tests"
	if len(os.Args) > 1 {
		label = os.Args[1]
	}
	var passed, failed, skipped, pkgFailed int
	output := map[string][]string{} // per test (package/test), kept until it ends
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	for sc.Scan() {
		line := sc.Bytes()
		var e event
		if err := json.Unmarshal(line, &e); err != nil {
			fmt.Println(string(line)) // build errors and other plain text
			continue
		}
		key := e.Package + "/" + e.Test
		switch e.Action {
		case "output":
			if e.Test == "" {
				// Package-level lines: "ok", "FAIL", "?", build failures.
				if strings.HasPrefix(e.Output, "ok ") || strings.HasPrefix(e.Output, "FAIL") ||
					strings.HasPrefix(e.Output, "---") || strings.Contains(e.Output, "[build failed]") ||
					strings.HasPrefix(e.Output, "panic:") || strings.HasPrefix(e.Output, "#") {
					fmt.Print(e.Output)
				}
				output[key] = append(output[key], e.Output)
			} else {
				output[key] = append(output[key], e.Output)
			}
		case "pass":
			if e.Test != "" {
				passed++
			}
			delete(output, key)
		case "skip":
			if e.Test != "" {
				skipped++
			}
			delete(output, key)
		case "fail":
			if e.Test != "" {
				failed++
				fmt.Print(strings.Join(output[key], ""))
			} else {
				pkgFailed++
				fmt.Print(strings.Join(output[key], ""))
			}
			delete(output, key)
		}
	}
	fmt.Printf("%s: %d passed, %d failed, %d skipped\n", label, passed, failed, skipped)
	if path := os.Getenv("PARE_TESTSUM_FILE"); path != "" {
		// Append the counts so the CI script can print a grand total last.
		if f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644); err == nil {
			fmt.Fprintf(f, "%d %d %d %d\n", passed, failed, skipped, pkgFailed)
			f.Close()
		}
	}
	if failed > 0 || pkgFailed > 0 {
		os.Exit(1)
	}
}
