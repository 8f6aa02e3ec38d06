// Command pare prunes multilingual LLMs and runs diffusion models at
// per-step mixed precision, on CPUs and in the browser.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "pare: no commands yet")
	os.Exit(2)
}
