//! §5: the manifest signature.
//!
//! `manifest.sig` holds a 64-byte Ed25519 signature (RFC 8032, verified with
//! `verify_strict`) over `"bemx/v1 manifest" || 0x00 || manifest bytes`,
//! where the manifest bytes are exactly the bytes of the `manifest.cbor`
//! entry. The verifier never re-encodes what it decoded.

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};

use crate::MANIFEST_SIGNATURE_CONTEXT;
use crate::error::FormatError;
use crate::manifest::Manifest;

/// Length of the signature entry.
pub const SIGNATURE_LEN: usize = 64;

/// The message an Ed25519 signature in bemx covers: context, a zero byte, then the bytes.
pub fn signed_message(context: &str, bytes: &[u8]) -> Vec<u8> {
    let mut msg = Vec::with_capacity(context.len() + 1 + bytes.len());
    msg.extend_from_slice(context.as_bytes());
    msg.push(0);
    msg.extend_from_slice(bytes);
    msg
}

/// Signs `bytes` under a domain-separation `context`.
pub fn sign(key: &SigningKey, context: &str, bytes: &[u8]) -> [u8; SIGNATURE_LEN] {
    key.sign(&signed_message(context, bytes)).to_bytes()
}

/// Verifies a signature made by [`sign`] with `verify_strict` (no
/// malleable or small-order encodings).
pub fn verify(public: &[u8; 32], context: &str, bytes: &[u8], signature: &[u8]) -> Result<(), FormatError> {
    let key = VerifyingKey::from_bytes(public).map_err(|_| FormatError::BadSignature)?;
    let sig: [u8; SIGNATURE_LEN] = signature.try_into().map_err(|_| FormatError::BadSignature)?;
    key.verify_strict(&signed_message(context, bytes), &Signature::from_bytes(&sig))
        .map_err(|_| FormatError::BadSignature)
}

/// Signs the exact manifest bytes for the `manifest.sig` entry.
pub fn sign_manifest(key: &SigningKey, manifest_bytes: &[u8]) -> [u8; SIGNATURE_LEN] {
    sign(key, MANIFEST_SIGNATURE_CONTEXT, manifest_bytes)
}

/// §5: decodes the manifest, then verifies `signature` over the exact bytes
/// read with the sender key the manifest names. Whether that key belongs to
/// a trusted contact, and whether the recipient is this installation, is for
/// the caller to decide next; until then nothing in the manifest is trusted.
pub fn open_signed_manifest(manifest_bytes: &[u8], signature: &[u8]) -> Result<Manifest, FormatError> {
    let manifest = Manifest::decode(manifest_bytes)?;
    verify(&manifest.sender.ed25519, MANIFEST_SIGNATURE_CONTEXT, manifest_bytes, signature)?;
    Ok(manifest)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::tests::sample;

    fn signed() -> (SigningKey, Vec<u8>, [u8; 64]) {
        let key = SigningKey::from_bytes(&[42; 32]);
        let mut m = sample();
        m.sender.ed25519 = key.verifying_key().to_bytes();
        let bytes = m.encode().unwrap();
        let sig = sign_manifest(&key, &bytes);
        (key, bytes, sig)
    }

    #[test]
    fn valid_signature_opens() {
        let (_, bytes, sig) = signed();
        open_signed_manifest(&bytes, &sig).unwrap();
    }

    #[test]
    fn any_flipped_signature_bit_is_refused() {
        let (_, bytes, sig) = signed();
        for i in 0..sig.len() * 8 {
            let mut bad = sig;
            bad[i / 8] ^= 1 << (i % 8);
            assert!(open_signed_manifest(&bytes, &bad).is_err(), "bit {i}");
        }
    }

    #[test]
    fn context_separates_receipts_from_manifests() {
        let (key, bytes, _) = signed();
        let receipt_sig = sign(&key, crate::RECEIPT_SIGNATURE_CONTEXT, &bytes);
        assert!(matches!(open_signed_manifest(&bytes, &receipt_sig), Err(FormatError::BadSignature)));
    }

    /// §5 "readers MUST verify with the strict rules (`verify_strict`:
    /// canonical S, no small-order keys or R)". The all-identity key and
    /// signature pass the lax RFC 8032 equation for every message, so a
    /// lax verifier would accept any manifest naming that key.
    #[test]
    fn small_order_keys_and_non_canonical_s_are_refused() {
        use ed25519_dalek::Verifier;
        let mut identity = [0u8; 32];
        identity[0] = 1;
        let mut m = sample();
        m.sender.ed25519 = identity;
        let bytes = m.encode().unwrap();
        let mut forged = [0u8; 64];
        forged[0] = 1; // R = identity, S = 0
        let lax = VerifyingKey::from_bytes(&identity).unwrap();
        assert!(
            lax.verify(&signed_message(MANIFEST_SIGNATURE_CONTEXT, &bytes), &Signature::from_bytes(&forged)).is_ok()
        );
        assert!(matches!(open_signed_manifest(&bytes, &forged), Err(FormatError::BadSignature)));

        // S + L: the same signature in a second, non-canonical encoding.
        const L: [u8; 32] = [
            0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, 0, 0, 0, 0,
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
        ];
        let (_, bytes, sig) = signed();
        let mut high = sig;
        let mut carry = 0u16;
        for i in 0..32 {
            let sum = u16::from(high[32 + i]) + u16::from(L[i]) + carry;
            high[32 + i] = sum as u8;
            carry = sum >> 8;
        }
        assert_eq!(carry, 0);
        assert!(matches!(open_signed_manifest(&bytes, &high), Err(FormatError::BadSignature)));
        // And a signature entry of any other length than 64 bytes.
        assert!(matches!(open_signed_manifest(&bytes, &sig[..63]), Err(FormatError::BadSignature)));
    }

    #[test]
    fn signature_by_another_key_is_refused() {
        let (_, bytes, _) = signed();
        let other = SigningKey::from_bytes(&[43; 32]);
        assert!(matches!(open_signed_manifest(&bytes, &sign_manifest(&other, &bytes)), Err(FormatError::BadSignature)));
    }
}
