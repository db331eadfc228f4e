package search

import (
	"context"
	"testing"
)

// neighbourHistory: a change, its release two days later (one word in
// common), a commit of the same day about something else, the same
// release text a year later, and a second take on the change.
func neighbourHistory(t *testing.T) (*Searcher, map[string]int64) {
	f := newFixture(t)
	const ada = "Ada Lovelace|ada@example.com"
	subjects := []struct{ date, subject string }{
		{"2024-05-01T10:00:00Z", "kill slow jobs after a deadline"},
		{"2024-05-03T09:00:00Z", "release notes: deadline option and watchdog"},
		{"2024-05-01T12:00:00Z", "vendor the yaml parser"},
		{"2025-05-03T09:00:00Z", "release notes: deadline option and watchdog, once more"},
		{"2024-05-01T13:00:00Z", "kill slow jobs after a deadline, really"},
	}
	for _, c := range subjects {
		f.commit(c.date, ada, c.subject, nil)
	}
	s := f.searcher(fakeEmbedders{})
	ids := map[string]int64{}
	for _, c := range subjects {
		var id int64
		if err := s.st.DB().QueryRow(`SELECT id FROM commits WHERE subject = ?`, c.subject).Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids[c.subject] = id
	}
	return s, ids
}

func TestNeighboursLiftedTowardABetterHitOfTheSameDays(t *testing.T) {
	s, id := neighbourHistory(t)
	change, release, yaml := id["kill slow jobs after a deadline"], id["release notes: deadline option and watchdog"], id["vendor the yaml parser"]
	later, twin := id["release notes: deadline option and watchdog, once more"], id["kill slow jobs after a deadline, really"]
	ranked := []scored{{change, 1}, {twin, 0.6}, {yaml, 0.5}, {release, 0.4}, {later, 0.4}}
	for _, cached := range []bool{true, false} {
		if !cached {
			s.cache = nil // the vectors are read from the database
		}
		out, near, err := s.liftNeighbours(context.Background(), DefaultTuning, ranked)
		if err != nil {
			t.Fatal(err)
		}
		order := []int64{out[0].id, out[1].id, out[2].id, out[3].id, out[4].id}
		// The twin (nearly the same message) stays right after the
		// change, never before it however near; the release passes the
		// unrelated commit of the same day; the same release text a year
		// later does not move.
		want := []int64{change, twin, release, yaml, later}
		for i := range want {
			if order[i] != want[i] {
				t.Fatalf("cached %v: order %v, want %v", cached, order, want)
			}
		}
		if out[1].score >= out[0].score {
			t.Fatalf("cached %v: the twin (%g) passed the hit it borrows from (%g)", cached, out[1].score, out[0].score)
		}
		if near[twin] != change || near[release] != change || len(near) != 2 {
			t.Fatalf("cached %v: near %v, want the twin and the release lifted toward the change", cached, near)
		}
	}
	off := DefaultTuning
	off.NeighbourWeight = 0
	if out, near, _ := s.liftNeighbours(context.Background(), off, ranked); out[3].id != release || near != nil {
		t.Fatalf("weight 0 reordered: %v %v", out, near)
	}
}

// Search reports which hit a lifted one was lifted toward.
func TestSearchSaysWhatAHitWasLiftedToward(t *testing.T) {
	s, _ := neighbourHistory(t)
	hits, err := s.Search(context.Background(), Query{Text: "kill slow jobs", Mode: Hybrid})
	if err != nil {
		t.Fatal(err)
	}
	hash := map[string]string{}
	pos := map[string]int{}
	for i, h := range hits {
		hash[h.Subject], pos[h.Subject] = h.Hash, i
	}
	release := "release notes: deadline option and watchdog"
	if pos[release] > pos["vendor the yaml parser"] || pos[release] > pos[release+", once more"] {
		t.Fatalf("the release was not lifted: %s", subjects(hits))
	}
	for _, h := range hits {
		switch h.Subject {
		case release:
			if h.Near != hash["kill slow jobs after a deadline"] && h.Near != hash["kill slow jobs after a deadline, really"] {
				t.Fatalf("release near %q, want one of the change's commits", h.Near)
			}
		case "vendor the yaml parser", release + ", once more":
			if h.Near != "" {
				t.Fatalf("%q near %q, want none", h.Subject, h.Near)
			}
		}
	}
}
