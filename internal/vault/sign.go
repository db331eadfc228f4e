package vault

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"errors"
	"fmt"

	"filippo.io/edwards25519"
	"filippo.io/edwards25519/field"
	"golang.org/x/crypto/ssh"
)

// Writer signatures: every key file is signed by the recipient who wrote
// it, so a key file made by someone who only knows the public recipients
// (and can therefore encrypt a data key of their own to all of them) is
// refused. age X25519 keys cannot sign by themselves; XEdDSA (the scheme
// Signal specifies for signing with X25519 keys) turns the X25519 secret into
// an Ed25519 signing key whose public half follows from the age1… recipient,
// so nothing new has to be published. Its signatures verify with plain
// Ed25519. SSH keys sign as themselves (Ed25519, RSA PKCS #1 v1.5 SHA-256).

// xeddsaSign signs msg with the X25519 secret scalar k.
func xeddsaSign(k, msg []byte) ([]byte, error) {
	a, err := edwards25519.NewScalar().SetBytesWithClamping(k)
	if err != nil {
		return nil, err
	}
	A := new(edwards25519.Point).ScalarBaseMult(a)
	if A.Bytes()[31]&0x80 != 0 {
		a.Negate(a)
		A.Negate(A)
	}
	var z [64]byte
	if _, err := rand.Read(z[:]); err != nil {
		return nil, err
	}
	h := sha512.New()
	h.Write([]byte{0xfe})
	for i := 0; i < 31; i++ {
		h.Write([]byte{0xff})
	}
	h.Write(a.Bytes())
	h.Write(msg)
	h.Write(z[:])
	r, err := edwards25519.NewScalar().SetUniformBytes(h.Sum(nil))
	if err != nil {
		return nil, err
	}
	R := new(edwards25519.Point).ScalarBaseMult(r)
	h.Reset()
	h.Write(R.Bytes())
	h.Write(A.Bytes())
	h.Write(msg)
	c, err := edwards25519.NewScalar().SetUniformBytes(h.Sum(nil))
	if err != nil {
		return nil, err
	}
	s := edwards25519.NewScalar().MultiplyAdd(c, a, r)
	return append(R.Bytes(), s.Bytes()...), nil
}

// xeddsaPublic is the Ed25519 public key XEdDSA signatures of the X25519
// public key u verify against: the Edwards point with y = (u-1)/(u+1) and
// sign bit 0.
func xeddsaPublic(u []byte) (ed25519.PublicKey, error) {
	if len(u) != 32 {
		return nil, errors.New("bad X25519 public key length")
	}
	var x field.Element
	if _, err := x.SetBytes(u); err != nil {
		return nil, err
	}
	one := new(field.Element).One()
	num := new(field.Element).Subtract(&x, one)
	den := new(field.Element).Add(&x, one)
	if den.Equal(new(field.Element).Zero()) == 1 {
		return nil, errors.New("X25519 public key has no Edwards form")
	}
	y := new(field.Element).Multiply(num, new(field.Element).Invert(den))
	b := y.Bytes()
	b[31] &= 0x7f
	return ed25519.PublicKey(b), nil
}

// verifySignature checks sig over msg against a recipient's public key.
func verifySignature(r *Recipient, msg, sig []byte) error {
	switch r.Kind {
	case KindX25519:
		pub, err := xeddsaPublic(r.raw)
		if err != nil {
			return err
		}
		if !ed25519.Verify(pub, msg, sig) {
			return errBadSignature
		}
		return nil
	case KindSSHEd25519, KindSSHRSA:
		pk, err := ssh.ParsePublicKey(r.raw)
		if err != nil {
			return err
		}
		cpk, ok := pk.(ssh.CryptoPublicKey)
		if !ok {
			return fmt.Errorf("unsupported key type %s", pk.Type())
		}
		switch k := cpk.CryptoPublicKey().(type) {
		case ed25519.PublicKey:
			if !ed25519.Verify(k, msg, sig) {
				return errBadSignature
			}
			return nil
		case *rsa.PublicKey:
			d := sha256.Sum256(msg)
			if rsa.VerifyPKCS1v15(k, crypto.SHA256, d[:], sig) != nil {
				return errBadSignature
			}
			return nil
		}
	}
	return fmt.Errorf("recipient %s cannot sign", r.Key)
}

var errBadSignature = errors.New("bad signature")

func signRSA(k *rsa.PrivateKey, msg []byte) ([]byte, error) {
	d := sha256.Sum256(msg)
	return rsa.SignPKCS1v15(rand.Reader, k, crypto.SHA256, d[:])
}
