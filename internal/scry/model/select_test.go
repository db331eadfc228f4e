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
		// A registry that cannot be read names no model.
		{unreadableRegistry + "/r.json: it is not valid JSON (line 1): x)", ""},
	} {
		if got := FallbackCause(c.reason); got != c.want {
			t.Errorf("FallbackCause(%q) = %q, want %q", c.reason, got, c.want)
		}
	}
}

// RegistryCause is what is wrong with a registry that cannot be read,
// whether or not a built-in model is trained; "" for any other reason.
func TestRegistryCause(t *testing.T) {
	for _, c := range []struct{ reason, want string }{
		{unreadableRegistry + "/r.json: it is not valid JSON (line 1): x)", "/r.json: it is not valid JSON (line 1): x"},
		{unreadableRegistry + "cannot read the model registry /r.json: permission denied)" + untrainedSuffix, "cannot read the model registry /r.json: permission denied"},
		{NoModelInUse, ""},
		{noRegistry + "neither XDG_CONFIG_HOME nor HOME is set)", ""},
		{"built-in embedder (model table: ONNX Runtime library not found)", ""},
	} {
		if got := RegistryCause(c.reason); got != c.want {
			t.Errorf("RegistryCause(%q) = %q, want %q", c.reason, got, c.want)
		}
	}
}
