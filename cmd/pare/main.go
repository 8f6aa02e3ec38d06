// Command pare prunes multilingual LLMs and runs diffusion models at
// per-step mixed precision, on CPUs and in the browser.
//
// Run `pare help` for the list of commands and `pare COMMAND --help` for
// the flags of one.
//
// Exit status:
//
//	0    success, or --help
//	1    a failure while working: an I/O error, a computation that failed
//	2    bad input: an unknown command or flag, a missing or impossible
//	     flag value, an unknown language, a file or folder named on the
//	     command line that is missing or malformed (NaN weights too), an
//	     output that exists without --force
//	130  interrupted (Ctrl-C or SIGTERM)
//
// pare with no arguments prints the list of commands and exits with 2.
//
// Bad input is reported as one line on stderr, "pare: COMMAND: what is
// wrong", and checked before the work starts wherever it can be; a failure
// says what failed in the same way and may add detail (a compiler's
// output). Outputs are built under a temporary name beside their place and
// renamed when whole, so a failure or an interruption leaves nothing
// behind and an output replaced with --force is never half written.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
)

// command is one sub-command. run gets the arguments after the command's
// name; it returns a usageError for bad flags or arguments.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string) error
}

var commands = map[string]*command{}

func register(c *command) { commands[c.name] = c }

// usageError is bad input from the person at the keyboard: it prints one
// line and exits with status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return usageError{fmt.Sprintf(format, args...)}
}

// inputError is a file or folder named on the command line that cannot be
// read as what it should be (a model folder without config.json, a
// malformed safetensors file, NaN weights): bad input like a usageError,
// with the reader's own message.
type inputError struct{ err error }

func (e inputError) Error() string { return e.err.Error() }
func (e inputError) Unwrap() error { return e.err }

// badInput marks err, from reading an input the person named, as bad
// input (exit status 2). nil and interruptions pass unchanged.
func badInput(err error) error {
	if err == nil || errors.Is(err, context.Canceled) {
		return err
	}
	var ue usageError
	if errors.As(err, &ue) {
		return err
	}
	return inputError{err}
}

// newFlags returns a FlagSet that reports errors instead of exiting, with a
// usage text made from the command's synopsis and its flags.
func newFlags(name, synopsis, about string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {} // flag calls Usage on every error; print help only for --help
	usages[fs] = func() {
		w := os.Stdout
		fmt.Fprintf(w, "usage: %s\n\n%s\n", synopsis, strings.TrimSpace(about))
		hasFlags := false
		fs.VisitAll(func(*flag.Flag) { hasFlags = true })
		if hasFlags {
			fmt.Fprintf(w, "\nflags:\n")
			printFlags(w, fs)
		}
	}
	return fs
}

// printFlags lists the flags of fs as flag.PrintDefaults does, spelled
// with two dashes as the synopses and messages spell them.
func printFlags(w io.Writer, fs *flag.FlagSet) {
	fs.VisitAll(func(f *flag.Flag) {
		arg, usage := flag.UnquoteUsage(f)
		line := "  --" + f.Name
		if arg != "" {
			line += " " + arg
		}
		line += "\n    \t" + strings.ReplaceAll(usage, "\n", "\n    \t")
		if d := f.DefValue; d != "" && d != "0" && d != "false" && d != "0s" {
			if g, ok := f.Value.(flag.Getter); ok {
				if _, isString := g.Get().(string); isString {
					d = fmt.Sprintf("%q", d)
				}
			}
			line += " (default " + d + ")"
		}
		fmt.Fprintln(w, line)
	})
}

// parseFlags parses args; --help prints the usage and returns errHelp.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			usages[fs]()
			return errHelp
		}
		return usagef("%s: %s (see pare %s --help)", fs.Name(), flagMessage(err), fs.Name())
	}
	return nil
}

// flagMessage rewords the flag package's errors with two-dash flag names.
func flagMessage(err error) string {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
		return "unknown flag --" + name
	}
	for _, r := range [][2]string{{"flag: -", "flag: --"}, {"flag -", "flag --"}, {"for -", "for --"}, {"argument: -", "argument: --"}} {
		msg = strings.Replace(msg, r[0], r[1], 1)
	}
	return msg
}

var errHelp = errors.New("help shown")

// usages holds the help text printer of each FlagSet made by newFlags.
var usages = map[*flag.FlagSet]func(){}

func main() {
	os.Exit(runMain(os.Args[1:]))
}

func runMain(args []string) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
		if len(args) > 1 {
			// pare help COMMAND [SUB-COMMAND]
			c, ok := commands[args[1]]
			if !ok {
				fmt.Fprintf(os.Stderr, "pare: unknown command %q (commands: %s)\n", args[1], strings.Join(names(), ", "))
				return 2
			}
			return report(c.run(context.Background(), append(args[2:len(args):len(args)], "--help")))
		}
		printHelp(os.Stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(os.Stderr, "pare: unknown command %q (commands: %s)\n", args[0], strings.Join(names(), ", "))
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return report(c.run(ctx, args[1:]))
}

// report prints err and returns the exit status (see the package
// comment). Bad input is always one line.
func report(err error) int {
	var ue usageError
	var ie inputError
	switch {
	case err == nil, errors.Is(err, errHelp):
		return 0
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(os.Stderr, "pare: interrupted")
		return 130
	case errors.As(err, &ue), errors.As(err, &ie):
		fmt.Fprintf(os.Stderr, "pare: %s\n", oneLine(err.Error()))
		return 2
	default:
		fmt.Fprintf(os.Stderr, "pare: %v\n", err)
		return 1
	}
}

// oneLine joins the lines of a message.
func oneLine(s string) string {
	return strings.ReplaceAll(strings.TrimSpace(s), "\n", " ")
}

func names() []string {
	var ns []string
	for n := range commands {
		ns = append(ns, n)
	}
	sort.Strings(ns)
	return ns
}

func printHelp(w io.Writer) {
	fmt.Fprintln(w, "pare prunes multilingual LLMs and runs diffusion models at per-step mixed precision, on CPUs.")
	fmt.Fprintln(w, "\nusage: pare COMMAND [flags]\n\ncommands:")
	for _, n := range names() {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun `pare COMMAND --help` for the flags of a command.")
}
