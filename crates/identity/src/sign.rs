//! Domain-separated Ed25519 signatures.
//!
//! The signed message is `context bytes || 0x00 || msg`. Contexts are fixed
//! ASCII strings without NUL, e.g. [`MANIFEST_CONTEXT`] (bundle manifests, in
//! the format crate) and [`RECEIPT_CONTEXT`] (import receipts). Verification
//! uses `verify_strict` (rejects non-canonical and small-order inputs).

use ed25519_dalek::SigningKey;

use crate::card::parse_verifying_key;
use crate::error::{IdentityError, Result};

/// Signature context of bundle manifests.
pub const MANIFEST_CONTEXT: &str = bemx_format::MANIFEST_SIGNATURE_CONTEXT;
/// Signature context of import receipts.
pub const RECEIPT_CONTEXT: &str = bemx_format::RECEIPT_SIGNATURE_CONTEXT;

/// Signs `context || 0x00 || msg` (the format crate's rule, spec §5).
/// `context` must not contain a NUL byte ([`verify`] refuses such contexts).
pub fn sign(signing: &SigningKey, context: &str, msg: &[u8]) -> [u8; 64] {
    bemx_format::signature::sign(signing, context, msg)
}

/// Verifies a signature made by [`sign`] with `verify_strict`, telling a
/// bad key and a bad context apart from a bad signature.
pub fn verify(key: &[u8; 32], context: &str, msg: &[u8], sig: &[u8; 64]) -> Result<()> {
    if context.as_bytes().contains(&0) {
        return Err(IdentityError::InvalidContext { context: context.escape_debug().to_string() });
    }
    parse_verifying_key(key)?;
    bemx_format::signature::verify(key, context, msg, sig)
        .map_err(|_| IdentityError::BadSignature { context: context.to_owned() })
}
