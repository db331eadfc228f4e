package vault

import (
	"errors"
	"strings"
	"testing"
)

// set refuses a reserved environment name (PATH, LD_*, GIT_*, …), but run
// took whatever name the secrets file held: an entry a recipient wrote
// with another tool (or by hand, and sealed) as LD_PRELOAD or PATH
// changed which program the child ran. run and run --ssh refuse it, as
// export --github does, without the value in the message.
func TestChildEnvRefusesReservedEnv(t *testing.T) {
	for _, env := range []string{"LD_PRELOAD", "PATH", "BASH_ENV", "GIT_SSH_COMMAND", IdentityEnv} {
		s := []Secret{{Name: "x", Env: env, Value: []byte("s3cret-value")}}
		_, err := ChildEnv([]string{"A=1"}, s)
		var re *ReadError
		if !errors.As(err, &re) || re.Hint == "" || strings.Contains(re.Msg+re.Hint, "s3cret") {
			t.Errorf("ChildEnv with %s = %v, want a ReadError with a hint and no value", env, err)
		}
		if _, err := RemoteScript(s, []string{"true"}); !errors.As(err, &re) {
			t.Errorf("RemoteScript with %s = %v, want a ReadError", env, err)
		}
	}
	if env, err := ChildEnv([]string{"A=1", IdentityEnv + "=key"}, []Secret{{Name: "db", Env: "DB", Value: []byte("v")}}); err != nil || strings.Join(env, " ") != "A=1 DB=v" {
		t.Fatalf("ChildEnv = %v, %v", env, err)
	}
}
