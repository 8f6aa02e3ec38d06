package sampler

// LoadGolden gives the external tests the tiny DiT and its golden file.
var LoadGolden = loadGolden
