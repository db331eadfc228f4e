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

// run --ssh's script holds every value it sends. Built in a buffer that
// grew (bytes.Buffer), each larger array left a copy of the values before
// it in the one it replaced, which nothing cleared, and each value's
// quoted form was made apart; clearing the script wiped only the last
// copy. It is one allocation, exactly its size: clearing it wipes them all.
func TestRemoteScriptIsOneArrayOfItsSize(t *testing.T) {
	long := strings.Repeat("it's a 'quoted' line of a long value\n", 300)
	secrets := []Secret{
		{Name: "tls-key", Env: "TLS_KEY", Value: []byte(long)},
		{Name: "db", Env: "DB_PASSWORD", Value: []byte("pa'ss")},
		{Name: "token", Env: "TOKEN", Value: []byte(strings.Repeat("x", 5000))},
	}
	argv := []string{"./deploy.sh", "--to", "prod"}
	var script []byte
	allocs := testing.AllocsPerRun(10, func() {
		var err error
		if script, err = RemoteScript(secrets, argv); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 1 && !raceBuild {
		t.Errorf("RemoteScript made %v allocations, want 1: the script alone", allocs)
	}
	if len(script) != cap(script) {
		t.Errorf("script is %d bytes in an array of %d: not sized for it", len(script), cap(script))
	}
	want := "export TLS_KEY='" + strings.ReplaceAll(long, "'", `'\''`) + "'\n" +
		"export DB_PASSWORD='pa'\\''ss'\n" +
		"export TOKEN='" + strings.Repeat("x", 5000) + "'\n" +
		"./deploy.sh --to prod\n"
	if string(script) != want {
		t.Errorf("script differs from the one expected:\n%.200q\nwant\n%.200q", script, want)
	}
	if s, _ := RemoteScript(nil, nil); string(s) != "\n" || cap(s) != 1 {
		t.Errorf("RemoteScript(nil, nil) = %q (cap %d)", s, cap(s))
	}
}
