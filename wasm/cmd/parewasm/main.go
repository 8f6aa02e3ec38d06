//go:build js && wasm

// Command parewasm is pare in the browser: built with GOOS=js GOARCH=wasm
// it runs in the page's Web Worker (wasm/static/worker.js) and sets
// globalThis.pare to an object with
//
//	version: string
//	load(kind, name, files)            kind "dit" or "llm"; files {name: Uint8Array};
//	                                   returns the model's info as JSON
//	run(id, op, argsJSON, onEvent)     op sample|profile|setProfile|search|prune|perplexity|generate;
//	                                   returns a Promise of the result as JSON;
//	                                   onEvent("progress"|"text", JSON) reports as it goes
//	cancel(id)                         cancels job id; its Promise rejects with "cancelled"
//
// Each op is a call into package demo (the same packages as the command
// line). The work runs on Go's one thread; every progress report hands
// the thread back to the worker's event loop once in a while, so that a
// cancel message gets through.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
	"syscall/js"
	"time"

	"github.com/pare-ml/pare/wasm/demo"
)

var (
	session = demo.NewSession()

	mu   sync.Mutex
	jobs = map[int]context.CancelFunc{}
)

func main() {
	version := "devel"
	if bi, ok := debug.ReadBuildInfo(); ok {
		version = bi.GoVersion
	}
	api := js.Global().Get("Object").New()
	api.Set("version", version)
	api.Set("load", js.FuncOf(load))
	api.Set("run", js.FuncOf(run))
	api.Set("cancel", js.FuncOf(cancel))
	js.Global().Set("pare", api)
	select {} // serve calls from JavaScript until the worker ends
}

// load(kind, name, files) loads a model synchronously and returns its info
// as JSON; it throws on error.
func load(_ js.Value, args []js.Value) any {
	if len(args) != 3 {
		return throw("pare.load(kind, name, files) takes 3 arguments")
	}
	kind, name, obj := args[0].String(), args[1].String(), args[2]
	files := demo.Files{}
	keys := js.Global().Get("Object").Call("keys", obj)
	for i := 0; i < keys.Length(); i++ {
		k := keys.Index(i).String()
		v := obj.Get(k)
		b := make([]byte, v.Get("length").Int())
		js.CopyBytesToGo(b, v)
		files[k] = b
	}
	var (
		info any
		err  error
	)
	switch kind {
	case "dit":
		info, err = session.LoadDiT(files, name)
	case "llm":
		info, err = session.LoadLLM(files, name)
	default:
		err = fmt.Errorf("unknown model kind %q (have dit, llm)", kind)
	}
	if err != nil {
		return throw(err.Error())
	}
	return toJSON(info)
}

// run(id, op, argsJSON, onEvent) starts a job and returns a Promise.
func run(_ js.Value, args []js.Value) any {
	if len(args) != 4 {
		return throw("pare.run(id, op, argsJSON, onEvent) takes 4 arguments")
	}
	id, op, raw, onEvent := args[0].Int(), args[1].String(), args[2].String(), args[3]
	var handler js.Func
	handler = js.FuncOf(func(_ js.Value, pargs []js.Value) any {
		resolve, reject := pargs[0], pargs[1]
		ctx, stop := context.WithCancel(context.Background())
		mu.Lock()
		jobs[id] = stop
		mu.Unlock()
		go func() {
			defer handler.Release()
			defer func() {
				mu.Lock()
				delete(jobs, id)
				mu.Unlock()
				stop()
			}()
			res, err := dispatch(ctx, op, []byte(raw), newReporter(onEvent))
			if err != nil {
				e := js.Global().Get("Error").New(err.Error())
				if errors.Is(err, context.Canceled) {
					e = js.Global().Get("Error").New("cancelled")
					e.Set("name", "AbortError")
				}
				reject.Invoke(e)
				return
			}
			resolve.Invoke(toJSON(res))
		}()
		return nil
	})
	return js.Global().Get("Promise").New(handler)
}

// cancel(id) cancels a running job; unknown ids are ignored.
func cancel(_ js.Value, args []js.Value) any {
	if len(args) != 1 {
		return throw("pare.cancel(id) takes 1 argument")
	}
	mu.Lock()
	stop := jobs[args[0].Int()]
	mu.Unlock()
	if stop != nil {
		stop()
	}
	return nil
}

func dispatch(ctx context.Context, op string, raw []byte, r *reporter) (any, error) {
	decode := func(v any) error {
		if err := json.Unmarshal(raw, v); err != nil {
			return fmt.Errorf("%s: bad arguments: %w", op, err)
		}
		return nil
	}
	switch op {
	case "sample":
		var req demo.SampleRequest
		if err := decode(&req); err != nil {
			return nil, err
		}
		return session.Sample(ctx, req, r.progress)
	case "profile":
		var req demo.ProfileRequest
		if err := decode(&req); err != nil {
			return nil, err
		}
		return session.Profile(ctx, req, r.progress)
	case "search":
		var req demo.SearchRequest
		if err := decode(&req); err != nil {
			return nil, err
		}
		return session.Search(ctx, req, r.progress)
	case "prune":
		var req demo.PruneRequest
		if err := decode(&req); err != nil {
			return nil, err
		}
		return session.Prune(ctx, req, r.progress)
	case "perplexity":
		var req demo.PerplexityRequest
		if err := decode(&req); err != nil {
			return nil, err
		}
		return session.Perplexity(ctx, req, r.progress)
	case "setProfile":
		var req demo.ProfileOut
		if err := decode(&req); err != nil {
			return nil, err
		}
		return true, session.SetProfile(req)
	case "generate":
		var req demo.GenerateRequest
		if err := decode(&req); err != nil {
			return nil, err
		}
		return session.Generate(ctx, req, r.text)
	}
	return nil, fmt.Errorf("unknown operation %q", op)
}

// reporter passes a job's events to JavaScript and, at most every
// yieldEvery, sleeps briefly: Go's scheduler then returns to the event
// loop, which delivers pending messages (a cancel) before Go resumes.
type reporter struct {
	onEvent js.Value
	last    time.Time
}

const yieldEvery = 50 * time.Millisecond

func newReporter(onEvent js.Value) *reporter { return &reporter{onEvent: onEvent, last: time.Now()} }

func (r *reporter) emit(kind string, v any) {
	if r.onEvent.Type() == js.TypeFunction {
		r.onEvent.Invoke(kind, toJSON(v))
	}
	if time.Since(r.last) >= yieldEvery {
		time.Sleep(time.Millisecond)
		r.last = time.Now()
	}
}

func (r *reporter) progress(p demo.Progress) { r.emit("progress", p) }
func (r *reporter) text(s string)            { r.emit("text", s) }

func toJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf(`{"error":%q}`, err.Error())
	}
	return string(b)
}

// throw returns a value that makes the JavaScript caller see an exception:
// an Error object the wrapper in worker.js rethrows.
func throw(msg string) any {
	return map[string]any{"error": msg}
}
