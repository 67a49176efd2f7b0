#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use bemx_identity::{Identity, IdentityError, MANIFEST_CONTEXT, RECEIPT_CONTEXT, sign, verify};
use ed25519_dalek::Verifier as _;

#[test]
fn sign_verify_round_trip() {
    let id = Identity::generate("A").unwrap();
    let key = id.verifying_key().to_bytes();
    let sig = sign(id.signing_key(), RECEIPT_CONTEXT, b"receipt bytes");
    verify(&key, RECEIPT_CONTEXT, b"receipt bytes", &sig).unwrap();
    assert_eq!(id.sign(RECEIPT_CONTEXT, b"receipt bytes"), sig);
    verify(&key, MANIFEST_CONTEXT, b"", &id.sign(MANIFEST_CONTEXT, b"")).unwrap();
}

#[test]
fn message_is_context_nul_msg() {
    let id = Identity::generate("A").unwrap();
    let sig = sign(id.signing_key(), "bemx/v1 receipt", b"abc");
    let sig = ed25519_dalek::Signature::from_bytes(&sig);
    id.verifying_key().verify(b"bemx/v1 receipt\0abc", &sig).unwrap();
}

#[test]
fn wrong_context_message_key_or_signature_fail() {
    let id = Identity::generate("A").unwrap();
    let other = Identity::generate("B").unwrap();
    let key = id.verifying_key().to_bytes();
    let sig = id.sign(RECEIPT_CONTEXT, b"msg");
    let bad = |r: Result<(), IdentityError>| assert!(matches!(r, Err(IdentityError::BadSignature { .. })), "{r:?}");
    bad(verify(&key, MANIFEST_CONTEXT, b"msg", &sig));
    bad(verify(&key, RECEIPT_CONTEXT, b"msh", &sig));
    bad(verify(&other.verifying_key().to_bytes(), RECEIPT_CONTEXT, b"msg", &sig));
    let mut flipped = sig;
    flipped[10] ^= 1;
    bad(verify(&key, RECEIPT_CONTEXT, b"msg", &flipped));
    // Shifting bytes between context and message does not verify.
    let s = id.sign("bemx/v1 a", b"bc");
    bad(verify(&key, "bemx/v1 ab", b"c", &s));
    // Invalid or weak keys are refused as keys.
    assert!(matches!(verify(&[0u8; 32], RECEIPT_CONTEXT, b"msg", &sig), Err(IdentityError::BadSigningKey { .. })));
    assert!(matches!(verify(&key, "bad\0context", b"msg", &sig), Err(IdentityError::InvalidContext { .. })));
}

#[test]
fn non_canonical_s_is_rejected() {
    // verify_strict (like verify) rejects s >= L; adding L to s must fail.
    let id = Identity::generate("A").unwrap();
    let key = id.verifying_key().to_bytes();
    let sig = id.sign(RECEIPT_CONTEXT, b"m");
    const L: [u8; 32] = [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
    ];
    let mut s = [0u8; 32];
    s.copy_from_slice(&sig[32..]);
    let mut carry = 0u16;
    for i in 0..32 {
        let v = u16::from(s[i]) + u16::from(L[i]) + carry;
        s[i] = v as u8;
        carry = v >> 8;
    }
    let mut forged = sig;
    forged[32..].copy_from_slice(&s);
    assert!(verify(&key, RECEIPT_CONTEXT, b"m", &forged).is_err());
}
