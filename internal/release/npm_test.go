package release

import (
	"strings"
	"testing"
)

const packageJSON = `{
  "name": "ours",
  "description": "has \"version\": \"1.0.0\" in it",
  "version" :   "1.0.0",
  "config": { "version": "1.0.0" },
  "dependencies": {
    "dep": "1.0.0"
  }
}
`

const packageLockV3 = `{
  "name": "ours",
  "version": "1.0.0",
  "lockfileVersion": 3,
  "requires": true,
  "packages": {
    "": {
      "name": "ours",
      "version": "1.0.0",
      "dependencies": {
        "dep": "1.0.0"
      }
    },
    "node_modules/dep": {
      "version": "1.0.0",
      "resolved": "https://registry.npmjs.org/dep/-/dep-1.0.0.tgz"
    }
  }
}
`

const packageLockV1 = "{\n\t\"name\": \"ours\",\n\t\"version\": \"1.0.0\",\n\t\"lockfileVersion\": 1,\n\t\"dependencies\": {\n\t\t\"dep\": {\n\t\t\t\"version\": \"1.0.0\"\n\t\t}\n\t}\n}"

func TestNPMManifestAndLocks(t *testing.T) {
	root := writeTree(t, map[string]string{
		"package.json": packageJSON, "package-lock.json": packageLockV3,
		"old/package.json": `{"version":"1.0.0"}`, "old/npm-shrinkwrap.json": packageLockV1,
	})
	got := changesByPath(t, root, []string{"package.json", "package-lock.json", "old/package.json", "old/npm-shrinkwrap.json"}, Version{1, 1, 0})
	want := map[string]string{
		"package.json":      strings.Replace(packageJSON, `"version" :   "1.0.0"`, `"version" :   "1.1.0"`, 1),
		"package-lock.json": strings.Replace(strings.Replace(packageLockV3, "\"ours\",\n  \"version\": \"1.0.0\"", "\"ours\",\n  \"version\": \"1.1.0\"", 1), "\"ours\",\n      \"version\": \"1.0.0\"", "\"ours\",\n      \"version\": \"1.1.0\"", 1),
		"old/package.json":  `{"version":"1.1.0"}`,
		// Lockfile version 1 records the root version once.
		"old/npm-shrinkwrap.json": strings.Replace(packageLockV1, "\"ours\",\n\t\"version\": \"1.0.0\"", "\"ours\",\n\t\"version\": \"1.1.0\"", 1),
	}
	for p, w := range want {
		if string(got[p].New) != w {
			t.Errorf("%s:\n%s\nwant:\n%s", p, got[p].New, w)
		}
	}
}

func TestFindJSONString(t *testing.T) {
	data := []byte(`{"a": {"": {"v": "x"}, "b": [1, {"v": "no"}]}, "v": "top", "s": "\"v\": \"n\""}`)
	vs, err := findJSONString(data, "a", "", "v")
	if err != nil || len(vs) != 1 || string(data[vs[0].start:vs[0].end]) != "x" {
		t.Fatalf("a.\"\".v = %+v, %v", vs, err)
	}
	vs, err = findJSONString(data, "v")
	if err != nil || len(vs) != 1 || vs[0].value != "top" {
		t.Fatalf("v = %+v, %v", vs, err)
	}
	for _, bad := range []string{`[]`, `{"version": 1}`, `{"version": "1.0.0"} {}`, `{"version": "1.0.\u0030"}`} {
		if _, _, err := updateJSONVersions([]byte(bad), Version{1, 0, 1}, []string{"version"}); err == nil {
			t.Errorf("%s: want an error", bad)
		}
	}
	if _, _, err := updatePackageJSON([]byte(`{"version": "1.0.0", "version": "1.0.0"}`), Version{1, 0, 1}); err == nil {
		t.Error("a duplicated key is ambiguous")
	}
}
