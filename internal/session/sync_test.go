package session

import (
	"reflect"
	"testing"
)

// A tag the remote has on another commit is a conflict and is not pushed;
// the ones it lacks are pushed, made now or before; the ones it has on the
// same commit are left alone.
func TestCheckRemote(t *testing.T) {
	res := &SyncResult{Tags: []TagResult{
		{Tag: "session-20260304-082030-a-start", Commit: "c1", Status: TagCreated},
		{Tag: "session-20260304-082030-a-end", Commit: "c2", Status: TagExists},
		{Tag: "session-20260304-090000-a-start", Commit: "c3", Status: TagExists},
		{Tag: "session-20260304-090000-a-end", Commit: "c4", Status: TagExists},
		{Tag: "session-20260304-100000-a-start", Commit: "c5", Status: TagKept, Existing: "c6"},
		{Tag: "session-20260304-110000-a-start", Commit: "c7", Status: TagConflict, Existing: "c8"},
		{Tag: "session-20260304-120000-a-start", Commit: "c9", Status: TagFailed},
	}}
	theirs := map[string]string{
		"session-20260304-090000-a-start": "c3",  // the same: nothing to do
		"session-20260304-090000-a-end":   "x4",  // another commit: a conflict
		"session-20260304-100000-a-start": "x6",  // the kept tag here is on c6
		"session-20260304-110000-a-start": "c8",  // a conflict here already
		"session-20260304-120000-a-start": "x9",  // failed here: not compared
		"session-20260101-000000-b-start": "zzz", // not in the sync
	}
	push := res.CheckRemote("origin", theirs)
	if want := []string{"session-20260304-082030-a-start", "session-20260304-082030-a-end"}; !reflect.DeepEqual(push, want) {
		t.Errorf("push = %v, want %v", push, want)
	}
	got := map[string]TagResult{}
	for _, c := range res.RemoteConflicts() {
		got[c.Tag] = c
	}
	if len(got) != 2 {
		t.Fatalf("remote conflicts = %+v, want the 090000 end and 100000 start tags", res.RemoteConflicts())
	}
	if c := got["session-20260304-090000-a-end"]; c.Commit != "c4" || c.Existing != "x4" || c.Remote != "origin" {
		t.Errorf("090000 end: %+v", c)
	}
	if c := got["session-20260304-100000-a-start"]; c.Commit != "c6" || c.Existing != "x6" || c.Remote != "origin" {
		t.Errorf("100000 start (kept here on c6): %+v", c)
	}
	if n := len(res.Conflicts()); n != 3 {
		t.Errorf("%d conflicts, want 3 (two at the remote, one here)", n)
	}
}
