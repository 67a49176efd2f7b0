//! §5: how a reader judges the signer of a bundle. The reader verifies the
//! signature with the key the manifest names; whether that key belongs to
//! someone this installation trusts — and whether the rest of the sender's
//! description is that contact's — is the trust store's verdict.

use crate::Party;

/// What the receiving installation knows about a bundle's signer.
pub trait TrustStore {
    /// Judges the sender the (signature-verified) manifest names: its
    /// Ed25519 key is the one that signed the bundle; its name, installation
    /// id and age key are claims that must equal the signer's contact card.
    fn sender_trust(&self, sender: &Party) -> SenderTrust;
}

/// The verdict of a [`TrustStore`] on a signer.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SenderTrust {
    /// A pinned contact: the signing key is the one on file, and the
    /// manifest describes the sender exactly as that contact's card does.
    Trusted {
        /// The contact's name as stored locally.
        name: String,
    },
    /// The key belongs to no contact.
    Untrusted,
    /// The sender claims to be a known contact but signed with another key.
    KeyChanged {
        /// The contact's name as stored locally.
        name: String,
    },
    /// Signed with a trusted contact's key, but the manifest names another
    /// installation, age key or name as its sender: the contact made a
    /// bundle that pretends to come from someone else (§5).
    ClaimsDiffer {
        /// The signing contact's name as stored locally.
        name: String,
        /// Which of the sender's fields differ from the contact's card.
        fields: &'static str,
    },
}
