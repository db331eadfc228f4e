package vault

import (
	"bytes"
	"math"
	"regexp"
)

// guardRule is one credential pattern. Group 1 (or the whole match) is
// the secret; minEntropy, when set, drops low-entropy matches (words,
// placeholders) that a pattern with a keyword would otherwise catch.
type guardRule struct {
	ID          string
	Description string
	re          *regexp.Regexp
	minEntropy  float64
	// keywords are cheap lower-case substrings, one of which every match
	// contains; lines with none of them skip the regexp.
	keywords []string
}

// guardRules are high-confidence patterns: formats with fixed prefixes
// that real tokens carry, plus a keyword-anchored generic rule gated by
// entropy.
var guardRules = []guardRule{
	{ID: "private-key", Description: "private key block", keywords: []string{"private key"},
		re: regexp.MustCompile(`-----BEGIN[ A-Z0-9_-]{0,40}PRIVATE KEY(?: BLOCK)?-----`)},
	{ID: "age-secret-key", Description: "age secret key", keywords: []string{"age-secret-key-1"},
		re: regexp.MustCompile(`AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}`)},
	{ID: "aws-access-key-id", Description: "AWS access key id", keywords: []string{"akia", "asia", "abia", "acca", "a3t"},
		re: regexp.MustCompile(`\b((?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16})\b`)},
	{ID: "aws-secret-access-key", Description: "AWS secret access key", keywords: []string{"aws"}, minEntropy: 4.0,
		re: regexp.MustCompile(`(?i)aws.{0,20}?(?:secret|private|access).{0,20}?["'\s:=]+([A-Za-z0-9/+]{40})(?:[^A-Za-z0-9/+=]|$)`)},
	{ID: "github-token", Description: "GitHub token", keywords: []string{"ghp_", "gho_", "ghu_", "ghs_", "ghr_"},
		re: regexp.MustCompile(`\b(gh[pousr]_[A-Za-z0-9]{36,251})\b`)},
	{ID: "github-fine-grained-token", Description: "GitHub fine-grained token", keywords: []string{"github_pat_"},
		re: regexp.MustCompile(`\b(github_pat_[A-Za-z0-9_]{82})\b`)},
	{ID: "gitlab-token", Description: "GitLab token", keywords: []string{"glpat-", "glptt-", "gldt-", "glrt-", "glsoat-", "glcbt-"},
		re: regexp.MustCompile(`\b((?:glpat|glptt|gldt|glrt|glsoat|glcbt)-[A-Za-z0-9_-]{20,})\b`)},
	{ID: "slack-token", Description: "Slack token", keywords: []string{"xox"},
		re: regexp.MustCompile(`\b(xox[abposr]-[A-Za-z0-9-]{10,})\b`)},
	{ID: "slack-webhook", Description: "Slack webhook URL", keywords: []string{"hooks.slack.com"},
		re: regexp.MustCompile(`https://hooks\.slack\.com/(?:services|workflows)/[A-Za-z0-9+/_-]{20,}`)},
	{ID: "google-api-key", Description: "Google API key", keywords: []string{"aiza"},
		re: regexp.MustCompile(`\b(AIza[0-9A-Za-z_-]{35})\b`)},
	{ID: "stripe-secret-key", Description: "Stripe secret key", keywords: []string{"_live_"},
		re: regexp.MustCompile(`\b((?:sk|rk)_live_[0-9a-zA-Z]{24,})\b`)},
	{ID: "npm-token", Description: "npm access token", keywords: []string{"npm_"},
		re: regexp.MustCompile(`\b(npm_[A-Za-z0-9]{36})\b`)},
	{ID: "pypi-token", Description: "PyPI upload token", keywords: []string{"pypi-"},
		re: regexp.MustCompile(`\b(pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,})`)},
	{ID: "generic-secret", Description: "secret-looking value assigned to a secret-like name", minEntropy: 3.5, keywords: []string{"pass", "secret", "token", "key"},
		re: regexp.MustCompile(`(?i)(?:password|passwd|secret|token|api[_-]?key|access[_-]?key|auth[_-]?key|client[_-]?secret|private[_-]?key)["']?\s*(?::=|[:=]|=>)\s*["']([^"'\s$<>{}]{16,})["']`)},
}

// shannon is the entropy of s in bits per byte.
func shannon(s []byte) float64 {
	if len(s) == 0 {
		return 0
	}
	var counts [256]int
	for _, c := range s {
		counts[c]++
	}
	var h float64
	for _, n := range counts {
		if n > 0 {
			p := float64(n) / float64(len(s))
			h -= p * math.Log2(p)
		}
	}
	return h
}

// looksLikePlaceholder drops values people write in docs and examples.
func looksLikePlaceholder(s []byte) bool {
	l := bytes.ToLower(s)
	for _, w := range []string{"example", "changeme", "placeholder", "xxxxxx", "your_", "your-", "dummy", "redacted", "sample", "notreal", "fake"} {
		if bytes.Contains(l, []byte(w)) {
			return true
		}
	}
	hasDigit, hasLetter := false, false
	for _, c := range s {
		hasDigit = hasDigit || c >= '0' && c <= '9'
		hasLetter = hasLetter || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
	}
	return !(hasDigit && hasLetter)
}

// matchRules returns the pattern findings in one line: rule, the
// matched secret and where in line it starts.
func matchRules(line, lower []byte, fn func(r *guardRule, secret []byte, at int)) {
	for i := range guardRules {
		r := &guardRules[i]
		hit := len(r.keywords) == 0
		for _, k := range r.keywords {
			if bytes.Contains(lower, []byte(k)) {
				hit = true
				break
			}
		}
		if !hit {
			continue
		}
		for _, m := range r.re.FindAllSubmatchIndex(line, -1) {
			at := m[0]
			if len(m) >= 4 && m[2] >= 0 {
				at = m[2]
			}
			secret := line[at:m[1]]
			if len(m) >= 4 && m[2] >= 0 {
				secret = line[at:m[3]]
			}
			if r.minEntropy > 0 && (shannon(secret) < r.minEntropy || looksLikePlaceholder(secret)) {
				continue
			}
			fn(r, secret, at)
		}
	}
}
