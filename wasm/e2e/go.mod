module github.com/pare-ml/pare/wasm/e2e

go 1.26.0

require github.com/pare-ml/pare v0.0.0

require (
	github.com/klauspost/cpuid/v2 v2.4.2 // indirect
	golang.org/x/sys v0.50.0 // indirect
)

replace github.com/pare-ml/pare => ../..
