//! §9: the receipt a receiver signs after a successful import, which lets
//! the sender purge the handed-over clients. It carries ids and counts
//! only, and binds the exact manifest it acknowledges (its SHA-256) and the
//! clients' UUIDs, so that a receipt for any other bundle — one a trusted
//! colleague made with the same bundle id, say — cannot purge anything.

use ed25519_dalek::SigningKey;
use minicbor::{Decoder, Encoder};

use crate::error::FormatError;
use crate::i18n::fl;
use crate::signature::{SIGNATURE_LEN, sign, verify};
use crate::{FORMAT_VERSION, RECEIPT_SIGNATURE_CONTEXT};

/// Largest receipt file a reader accepts.
pub const MAX_RECEIPT_SIZE: usize = 4096;

/// What a receiver attests after importing a bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    /// Rows imported, all tables together.
    pub rows: u64,
    /// Format version ([`FORMAT_VERSION`]).
    pub format: u64,
    /// Installation id of the bundle's sender.
    pub sender: [u8; 16],
    /// Number of clients imported.
    pub clients: u64,
    /// Installation id of the receiver that signed the receipt.
    pub receiver: [u8; 16],
    /// The bundle id imported.
    pub bundle_id: [u8; 32],
    /// Import time, seconds since the Unix epoch (UTC).
    pub imported_at: u64,
    /// SHA-256 of the clients' UUIDs (16 bytes each, ascending, as the
    /// manifest lists them): see [`Receipt::clients_digest`].
    pub clients_sha256: [u8; 32],
    /// SHA-256 of the exact signed manifest bytes of the bundle imported.
    pub manifest_sha256: [u8; 32],
}

type EncResult = Result<(), minicbor::encode::Error<std::convert::Infallible>>;

impl Receipt {
    fn encode_body(&self) -> Vec<u8> {
        let mut e = Encoder::new(Vec::new());
        let _: EncResult = (|| {
            e.map(9)?;
            e.str("rows")?.u64(self.rows)?;
            e.str("format")?.u64(self.format)?;
            e.str("sender")?.bytes(&self.sender)?;
            e.str("clients")?.u64(self.clients)?;
            e.str("receiver")?.bytes(&self.receiver)?;
            e.str("bundle_id")?.bytes(&self.bundle_id)?;
            e.str("imported_at")?.u64(self.imported_at)?;
            e.str("clients_sha256")?.bytes(&self.clients_sha256)?;
            e.str("manifest_sha256")?.bytes(&self.manifest_sha256)?;
            Ok(())
        })();
        e.into_writer()
    }

    /// §9: the digest of a client list, SHA-256 over the UUIDs' 16 bytes
    /// each, in ascending order (the caller's order does not matter).
    pub fn clients_digest(uuids: &[[u8; 16]]) -> [u8; 32] {
        use sha2::Digest as _;
        let mut sorted = uuids.to_vec();
        sorted.sort_unstable();
        let mut h = sha2::Sha256::new();
        for u in &sorted {
            h.update(u);
        }
        h.finalize().into()
    }

    /// The receipt file: a CBOR array `[body bytes, signature bytes]`.
    pub fn sign_to_file(&self, key: &SigningKey) -> Vec<u8> {
        let body = self.encode_body();
        let sig = sign(key, RECEIPT_SIGNATURE_CONTEXT, &body);
        let mut e = Encoder::new(Vec::new());
        let _: EncResult = (|| {
            e.array(2)?.bytes(&body)?.bytes(&sig)?;
            Ok(())
        })();
        e.into_writer()
    }

    /// Parses a receipt file and returns the receipt with the signature
    /// still to be checked against the expected receiver's key by
    /// [`Receipt::verify_file`]. Use this only to find out which bundle a
    /// receipt talks about.
    pub fn parse_unverified(file: &[u8]) -> Result<(Receipt, Vec<u8>, Vec<u8>), FormatError> {
        let bad = |detail: String| FormatError::BadReceipt { detail };
        if file.len() > MAX_RECEIPT_SIZE {
            return Err(bad(fl!("format-receipt-too-large")));
        }
        let mut d = Decoder::new(file);
        let not_a_receipt = || bad(fl!("format-receipt-not-a-receipt"));
        if d.array().map_err(|_| not_a_receipt())? != Some(2) {
            return Err(not_a_receipt());
        }
        let body = d.bytes().map_err(|_| not_a_receipt())?.to_vec();
        let sig = d.bytes().map_err(|_| bad(fl!("format-receipt-no-signature")))?.to_vec();
        if d.position() != file.len() || sig.len() != SIGNATURE_LEN {
            return Err(bad(fl!("format-receipt-unexpected-data")));
        }
        let mut b = Decoder::new(&body);
        // What is wrong, named by the English key `term` translates.
        let wrong = |what: &str| minicbor::decode::Error::message(crate::term(what));
        let r = (|| -> Result<Receipt, minicbor::decode::Error> {
            if b.map()? != Some(9) {
                return Err(wrong("field count"));
            }
            let mut key = |k: &str| -> Result<(), minicbor::decode::Error> {
                if b.str()? == k { Ok(()) } else { Err(wrong("field order")) }
            };
            key("rows")?;
            let rows = b.u64()?;
            b.str()?;
            let format = b.u64()?;
            b.str()?;
            let sender = b.bytes()?.try_into().map_err(|_| wrong("sender"))?;
            b.str()?;
            let clients = b.u64()?;
            b.str()?;
            let receiver = b.bytes()?.try_into().map_err(|_| wrong("receiver"))?;
            b.str()?;
            let bundle_id = b.bytes()?.try_into().map_err(|_| wrong("bundle id"))?;
            b.str()?;
            let imported_at = b.u64()?;
            b.str()?;
            let clients_sha256 = b.bytes()?.try_into().map_err(|_| wrong("clients hash"))?;
            b.str()?;
            let manifest_sha256 = b.bytes()?.try_into().map_err(|_| wrong("manifest hash"))?;
            Ok(Receipt {
                rows,
                format,
                sender,
                clients,
                receiver,
                bundle_id,
                imported_at,
                clients_sha256,
                manifest_sha256,
            })
        })()
        .map_err(|e| bad(fl!("format-receipt-malformed-body", error = e.to_string())))?;
        if r.format != FORMAT_VERSION {
            return Err(bad(fl!(
                "format-receipt-wrong-format",
                found = r.format.to_string(),
                supported = FORMAT_VERSION.to_string()
            )));
        }
        // Field names are checked through the canonical re-encoding.
        if r.encode_body() != body {
            return Err(bad(fl!("format-receipt-not-canonical")));
        }
        Ok((r, body, sig))
    }

    /// Parses a receipt file and verifies its signature with the receiver's
    /// Ed25519 key over the exact body bytes.
    pub fn verify_file(file: &[u8], receiver_key: &[u8; 32]) -> Result<Receipt, FormatError> {
        let (receipt, body, sig) = Self::parse_unverified(file)?;
        verify(receiver_key, RECEIPT_SIGNATURE_CONTEXT, &body, &sig)
            .map_err(|_| FormatError::BadReceipt { detail: fl!("format-receipt-bad-signature") })?;
        Ok(receipt)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_tamper() {
        let key = SigningKey::from_bytes(&[5; 32]);
        let r = sample();
        let file = r.sign_to_file(&key);
        let pk = key.verifying_key().to_bytes();
        assert_eq!(Receipt::verify_file(&file, &pk).unwrap(), r);
        for i in 0..file.len() {
            let mut bad = file.clone();
            bad[i] ^= 0x01;
            assert!(Receipt::verify_file(&bad, &pk).is_err(), "byte {i}");
        }
        let other = SigningKey::from_bytes(&[6; 32]).verifying_key().to_bytes();
        assert!(Receipt::verify_file(&file, &other).is_err());
    }

    fn sample() -> Receipt {
        Receipt {
            rows: 10,
            format: FORMAT_VERSION,
            sender: [1; 16],
            clients: 2,
            receiver: [2; 16],
            bundle_id: [3; 32],
            imported_at: 99,
            clients_sha256: [7; 32],
            manifest_sha256: [9; 32],
        }
    }

    /// `[body, sig]` with a body of the caller's making, correctly signed,
    /// so that the body is the only defect.
    fn file_with_body(key: &SigningKey, body: &[u8]) -> Vec<u8> {
        let sig = sign(key, RECEIPT_SIGNATURE_CONTEXT, body);
        let mut e = Encoder::new(Vec::new());
        let _: EncResult = (|| {
            e.array(2)?.bytes(body)?.bytes(&sig)?;
            Ok(())
        })();
        e.into_writer()
    }

    /// §9: "A verifier MUST reject a receipt larger than 4 KiB, not of this
    /// exact shape, not in deterministic encoding, with a format other than
    /// 1, whose signature does not verify strictly".
    #[test]
    fn every_section_9_rule_is_enforced() {
        let key = SigningKey::from_bytes(&[5; 32]);
        let pk = key.verifying_key().to_bytes();
        let body = sample().encode_body();
        let mut newer = sample();
        newer.format = FORMAT_VERSION + 1;
        let mut long_head = body.clone();
        // "rows": 10 as 0x18 0x0a instead of 0x0a.
        let at = long_head.windows(5).position(|w| w == b"\x64rows").unwrap() + 5;
        long_head.splice(at..at + 1, [0x18, 0x0a]);
        let mut big = sample().sign_to_file(&key);
        big.resize(MAX_RECEIPT_SIZE + 1, 0);
        let cases: Vec<(&str, Vec<u8>)> = vec![
            ("larger than 4 KiB", big),
            ("a newer format", file_with_body(&key, &newer.encode_body())),
            ("non-shortest integer", file_with_body(&key, &long_head)),
            ("three items", {
                let mut f = sample().sign_to_file(&key);
                f[0] = 0x83;
                f.push(0);
                f
            }),
            ("manifest context", {
                let sig = sign(&key, crate::MANIFEST_SIGNATURE_CONTEXT, &body);
                let mut f = file_with_body(&key, &body);
                let n = f.len();
                f[n - 64..].copy_from_slice(&sig);
                f
            }),
        ];
        assert!(Receipt::verify_file(&file_with_body(&key, &body), &pk).is_ok(), "the control case");
        for (what, file) in cases {
            assert!(matches!(Receipt::verify_file(&file, &pk), Err(FormatError::BadReceipt { .. })), "{what}");
        }
    }

    /// §9 "larger than 4 KiB": a file of exactly MAX_RECEIPT_SIZE bytes is
    /// judged by its shape; one byte more is refused for its size alone.
    #[test]
    fn max_receipt_size_is_the_largest_file_read() {
        let key = SigningKey::from_bytes(&[5; 32]);
        let mut file = sample().sign_to_file(&key);
        file.resize(MAX_RECEIPT_SIZE, 0);
        let detail = |f: &[u8]| match Receipt::parse_unverified(f) {
            Err(FormatError::BadReceipt { detail }) => detail,
            other => panic!("{other:?}"),
        };
        assert_eq!(detail(&file), "unexpected data");
        file.push(0);
        assert_eq!(detail(&file), "file too large to be a receipt");
    }

    /// §9 "not of this exact shape": `[body, signature]` and nothing after
    /// it, the signature exactly 64 bytes — each refused on its own.
    #[test]
    fn the_file_is_exactly_body_and_signature() {
        let key = SigningKey::from_bytes(&[5; 32]);
        let file = sample().sign_to_file(&key);
        let mut trailing = file.clone();
        trailing.push(0);
        let body = sample().encode_body();
        let short_sig = {
            let mut e = Encoder::new(Vec::new());
            let _: EncResult = (|| {
                e.array(2)?.bytes(&body)?.bytes(&[0u8; SIGNATURE_LEN - 1])?;
                Ok(())
            })();
            e.into_writer()
        };
        for (what, f) in [("a byte after the signature", trailing), ("a 63-byte signature", short_sig)] {
            match Receipt::parse_unverified(&f) {
                Err(FormatError::BadReceipt { detail }) => assert_eq!(detail, "unexpected data", "{what}"),
                other => panic!("{what}: {other:?}"),
            }
        }
        Receipt::parse_unverified(&file).unwrap();
    }

    #[test]
    fn the_clients_digest_ignores_order_and_binds_every_uuid() {
        let a = Receipt::clients_digest(&[[1; 16], [2; 16]]);
        assert_eq!(a, Receipt::clients_digest(&[[2; 16], [1; 16]]));
        assert_ne!(a, Receipt::clients_digest(&[[1; 16]]));
        assert_ne!(a, Receipt::clients_digest(&[[1; 16], [3; 16]]));
    }
}
