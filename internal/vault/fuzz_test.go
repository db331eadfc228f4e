package vault

import (
	"bytes"
	"testing"
)

func FuzzParseSecrets(f *testing.F) {
	f.Add([]byte(secretsHeader + "db = {env = \"DB\", value = \"v1:1:" + b64.EncodeToString(make([]byte, sealOverhead+3)) + "\"}\n"))
	f.Add([]byte("a = {env = \"A\", value = \"v1:2:AAAA\"}\nb = {env = \"B\", value = \"v1:0:AAAA\"}"))
	f.Add([]byte("<<<<<<< HEAD\n=======\n>>>>>>> x\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		sf, err := ParseSecrets(data)
		if err != nil {
			return
		}
		out := sf.Format()
		sf2, err := ParseSecrets(out)
		if err != nil {
			t.Fatalf("formatted file does not parse: %v\n%s", err, out)
		}
		if !bytes.Equal(sf2.Format(), out) || len(sf2.Entries) != len(sf.Entries) {
			t.Fatalf("round trip changed the file")
		}
		for _, e := range sf.Entries {
			if CheckName(e.Name) != nil {
				t.Fatalf("parsed an invalid name %q", e.Name)
			}
		}
	})
}

func FuzzParseKeyFile(f *testing.F) {
	kf := &KeyFile{Vault: "00112233445566778899aabbccddeeff", Generation: 3, Recipients: "sha256:" + string(bytes.Repeat([]byte("a"), 64)),
		Signer: "age1xyz", Signature: []byte("sig"), Payload: []byte("-----BEGIN AGE ENCRYPTED FILE-----\nYWJj\n-----END AGE ENCRYPTED FILE-----\n")}
	f.Add(kf.Format())
	f.Add([]byte("vault: x\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		k, err := ParseKeyFile(data)
		if err != nil {
			return
		}
		k2, err := ParseKeyFile(k.Format())
		if err != nil || !bytes.Equal(k2.Format(), k.Format()) || !bytes.Equal(k2.signedBytes(), k.signedBytes()) {
			t.Fatalf("round trip: %v", err)
		}
	})
}

func FuzzParseRecipients(f *testing.F) {
	f.Add([]byte(recipientsHeader + "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p alice\n"))
	f.Add([]byte("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHsKLqeplhpW+uObz5dvMgjz1OxfM/XXUB+VHtZ6isGN bob\n"))
	f.Add([]byte("age1pq1xyz\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rs, err := ParseRecipients(data)
		if err != nil {
			return
		}
		rs2, err := ParseRecipients(FormatRecipients(rs))
		if err != nil || len(rs2) != len(rs) || recipientsDigest(rs2) != recipientsDigest(rs) {
			t.Fatalf("round trip: %v", err)
		}
	})
}

func FuzzParseIgnore(f *testing.F) {
	f.Add([]byte("# c\nfp:0123456789ab\nrule:generic-secret docs/**\npath:**/testdata/*.txt\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		il, err := ParseIgnore(data)
		if err != nil {
			return
		}
		il.ignores(&Finding{Path: "a/b.txt", Rule: "generic-secret", Fingerprint: "0123456789ab"})
	})
}

func FuzzMasker(f *testing.F) {
	f.Add([]byte("value-1234"), []byte("xx value-1234 yy"), uint8(3))
	f.Fuzz(func(t *testing.T, secret, input []byte, cut uint8) {
		// A secret made with '*' can re-form from the replacement and its
		// neighbours; that is not a leak of the original bytes.
		if len(secret) < MinMaskLen || bytes.ContainsAny(secret, "\r\n*") {
			return
		}
		var out bytes.Buffer
		m := NewMasker(&out, MaskPatterns([][]byte{secret}))
		c := int(cut) % (len(input) + 1)
		m.Write(input[:c])
		m.Write(input[c:])
		m.Close()
		if bytes.Contains(out.Bytes(), secret) {
			t.Fatalf("secret survived masking: in=%q out=%q", input, out.Bytes())
		}
	})
}
