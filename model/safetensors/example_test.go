package safetensors_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/pare-ml/pare/model/safetensors"
)

func Example() {
	dir, err := os.MkdirTemp("", "example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "model.safetensors")

	err = safetensors.Write(path, []safetensors.Tensor{
		safetensors.FromFloat32("model.norm.weight", []int{4}, []float32{1, 1, 0.5, 2}),
		safetensors.FromUint16("lm_head.weight", safetensors.BF16, []int{2, 2}, []uint16{0x3f80, 0x4000, 0xbf80, 0x0000}),
	}, map[string]string{"format": "pt"})
	if err != nil {
		log.Fatal(err)
	}

	f, err := safetensors.Open(path)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	for _, name := range f.Names() {
		info, _ := f.Info(name)
		w, err := f.Float32(name)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(name, info.DType, info.Shape, w)
	}
	fmt.Println(f.Metadata())
	// Output:
	// lm_head.weight BF16 [2 2] [1 2 -1 0]
	// model.norm.weight F32 [4] [1 1 0.5 2]
	// map[format:pt]
}

func ExampleOpenModel() {
	dir, err := os.MkdirTemp("", "example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	// A checkpoint in one file; OpenModel also reads sharded ones through
	// model.safetensors.index.json.
	err = safetensors.Write(filepath.Join(dir, safetensors.ModelFile), []safetensors.Tensor{
		safetensors.FromInt8("q", []int{3}, []int8{-1, 0, 1}),
	}, nil)
	if err != nil {
		log.Fatal(err)
	}
	m, err := safetensors.OpenModel(dir)
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()
	q, err := m.Int8("q")
	fmt.Println(q, err)
	// Output: [-1 0 1] <nil>
}

func ExampleParse() {
	// A file held in memory, such as one fetched by a browser.
	data := []byte("\x08\x00\x00\x00\x00\x00\x00\x00{}      ")
	f, err := safetensors.Parse("empty.safetensors", data)
	fmt.Println(len(f.Names()), err)
	_, err = safetensors.Parse("short.safetensors", data[:12])
	fmt.Println(err)
	// Output:
	// 0 <nil>
	// safetensors short.safetensors: header length 8 is longer than the 4 bytes after the length field
}
