// Package sampler draws images from a class-conditional diffusion model
// (model/dit) with classifier-free guidance, one numeric precision per
// denoising step.
//
// Three samplers share one loop: rectified-flow Euler (t from 1 to 0, as
// FLUX and SD3, optionally with SD3's time shift), DDIM (eta 0) and DDPM
// (ancestral) on the linear VP schedule of DDPM. A rectified-flow model
// runs under DDIM and DDPM through an exact change of variables (vp.go);
// an epsilon model runs under them directly. Each step evaluates the
// conditional and the null-class batch in one forward call and mixes them
// as uncond + w·(cond − uncond).
//
// A StepHook called before every step picks that step's precision (the
// temporal mixed precision of package tmp) and can draw progress;
// tmp.Schedule's Hook method gives the usual one. Sampling is
// deterministic: the noise of image i comes from its own PCG stream seeded
// with (seed, i) (see Noise), and every kernel splits work so that results
// do not depend on GOMAXPROCS.
//
//	m, err := dit.Load("model/tiny/dit")
//	...
//	sched, err := tmp.ParseSchedule("f32:2,int8:4,f32:2", 8)
//	x, err := sampler.Sample(ctx, sampler.DiT(m), sampler.Options{
//		Sampler: sampler.Euler, Steps: 8, CFG: 2, Labels: []int{3, 7}, Seed: 1,
//		Hook: sched.Hook(false),
//	})
//	imgs, err := sampler.Images(x, 2, 1, 32, 32)
//	grid, err := sampler.Grid(imgs, 1, 2)
//	err = sampler.WritePNG("digits.png", grid)
package sampler
