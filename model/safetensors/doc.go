// Package safetensors reads and writes the safetensors format of Hugging
// Face checkpoints, single files and sharded ones.
//
// A file is an 8-byte little-endian header length N, N bytes of JSON, then
// the tensor data. The JSON maps each tensor name to its dtype, shape and
// data_offsets [begin, end) counted from the start of the data; the
// optional key __metadata__ holds a map of strings.
//
// Files are untrusted input: Open and Parse check the header length (at
// most MaxHeaderSize and within the file), UTF-8, JSON syntax, duplicate
// keys, dtypes, shapes (no overflow), sizes against dtype and shape, and
// that the tensors tile the data section exactly (no overlap, no gap,
// nothing left over). Errors name the file and, where one is at fault,
// the tensor.
//
// On unix Open memory-maps the file and accessors return views into the
// map; elsewhere (js/wasm, wasip1, windows) the file is read into memory.
//
//	f, err := safetensors.Open("model.safetensors")
//	if err != nil {
//		return err
//	}
//	defer f.Close()
//	w, err := f.Float32("model.embed_tokens.weight") // F32, F16, BF16 or F64
//
// Write lays a file out as the reference implementation does (compact
// header, space padding to 8 bytes, tensors by descending dtype alignment
// then by name), so the same tensors always give the same bytes.
package safetensors
