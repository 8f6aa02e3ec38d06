package sampler

import "math/rand/v2"

// Noise is the seeded initial noise of n images of per values each, as
// Sample draws it: image i has its own stream, Stream(seed, i), and takes
// per standard normal values from it in [C, H, W] order, each
// rand.NormFloat64() rounded to float32. DDPM then keeps drawing its
// per-step noise from the same stream, image by image, step by step, in
// the same order. Because every image has its own stream, image i is the
// same whatever the number of images sampled beside it.
func Noise(seed uint64, n, per int) []float32 {
	x := make([]float32, n*per)
	for i := 0; i < n; i++ {
		fillNormal(x[i*per:(i+1)*per], Stream(seed, i))
	}
	return x
}

// Stream is the random stream of image i: math/rand/v2's PCG seeded with
// (seed, i).
func Stream(seed uint64, i int) *rand.Rand {
	return rand.New(rand.NewPCG(seed, uint64(i)))
}

func fillNormal(x []float32, r *rand.Rand) {
	for j := range x {
		x[j] = float32(r.NormFloat64())
	}
}
