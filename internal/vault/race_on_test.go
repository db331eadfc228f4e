//go:build race

package vault

// raceBuild says the race detector is on: its instrumentation allocates
// on its own, so allocation counts are not the code's.
const raceBuild = true
