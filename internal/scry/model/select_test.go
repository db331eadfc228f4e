package model

import "testing"

// FallbackCause names a model passed over, never the built-in embedder
// chosen: Select adds "; no built-in model trained yet" after its
// reason's parenthesis when no built-in model exists, which made
// NoModelInUse read as a model that cannot run ("no ONNX model in use").
func TestFallbackCause(t *testing.T) {
	for _, c := range []struct{ reason, want string }{
		{NoModelInUse, ""},
		{NoModelInUse + "; no built-in model trained yet", ""},
		{noRegistry + "neither XDG_CONFIG_HOME nor HOME is set)", ""},
		{noRegistry + "neither XDG_CONFIG_HOME nor HOME is set); no built-in model trained yet", ""},
		{"built-in embedder (model table: ONNX Runtime library not found)", "model table: ONNX Runtime library not found"},
		{"built-in embedder (model table: ONNX Runtime library not found); no built-in model trained yet", "model table: ONNX Runtime library not found"},
		{"onnx model table", ""},
	} {
		if got := FallbackCause(c.reason); got != c.want {
			t.Errorf("FallbackCause(%q) = %q, want %q", c.reason, got, c.want)
		}
	}
}
