//! Domain-separated Ed25519 signatures.
//!
//! The signed message is `context bytes || 0x00 || msg`. Contexts are fixed
//! ASCII strings without NUL, e.g. [`MANIFEST_CONTEXT`] (bundle manifests, in
//! the format crate) and [`RECEIPT_CONTEXT`] (import receipts). Verification
//! uses `verify_strict` (rejects non-canonical and small-order inputs).

use ed25519_dalek::{Signature, Signer as _, SigningKey};

use crate::card::parse_verifying_key;
use crate::error::{IdentityError, Result};

/// Signature context of bundle manifests.
pub const MANIFEST_CONTEXT: &str = "bemx/v1 manifest";
/// Signature context of import receipts.
pub const RECEIPT_CONTEXT: &str = "bemx/v1 receipt";

fn message(context: &str, msg: &[u8]) -> Vec<u8> {
    let mut m = Vec::with_capacity(context.len() + 1 + msg.len());
    m.extend_from_slice(context.as_bytes());
    m.push(0);
    m.extend_from_slice(msg);
    m
}

/// Signs `context || 0x00 || msg`. `context` must not contain a NUL byte
/// ([`verify`] refuses such contexts).
pub fn sign(signing: &SigningKey, context: &str, msg: &[u8]) -> [u8; 64] {
    signing.sign(&message(context, msg)).to_bytes()
}

/// Verifies a signature made by [`sign`] with `verify_strict`.
pub fn verify(key: &[u8; 32], context: &str, msg: &[u8], sig: &[u8; 64]) -> Result<()> {
    if context.as_bytes().contains(&0) {
        return Err(IdentityError::InvalidContext { context: context.escape_debug().to_string() });
    }
    let vk = parse_verifying_key(key)?;
    let sig = Signature::from_bytes(sig);
    vk.verify_strict(&message(context, msg), &sig)
        .map_err(|_| IdentityError::BadSignature { context: context.to_owned() })
}
