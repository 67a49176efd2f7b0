//! The generator's own PRNG, so equal seeds give equal data on every
//! platform and with every version of the `rand` ecosystem.

/// splitmix64: tiny, fast, and good enough for demo data; determinism is
/// what matters, not cryptographic quality.
#[derive(Debug)]
pub(crate) struct Rng(u64);

impl Rng {
    /// A generator for the user's seed. The constant is "bemxSEED" in ASCII:
    /// it keeps seed 0 from starting at state 0, and changing it would
    /// change every installation's demo data.
    pub(crate) fn new(seed: u64) -> Self {
        Rng(seed ^ 0x6265_6D78_5345_4544)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (modulo bias is irrelevant here); 0 for `n == 0`.
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }

    /// Uniform in `lo..=hi`.
    pub(crate) fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1).max(1) as u64) as i64
    }

    /// True with the given probability in percent.
    pub(crate) fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// One element; repeated elements in `s` weight the draw. `s` must not
    /// be empty: every list passed here is a non-empty constant or catalogue.
    pub(crate) fn pick<'a, T>(&mut self, s: &'a [T]) -> &'a T {
        &s[self.below(s.len() as u64) as usize]
    }

    /// Fills `buf` with random bytes, eight per draw.
    pub(crate) fn fill(&mut self, buf: &mut [u8]) {
        for chunk in buf.chunks_mut(8) {
            let v = self.next().to_le_bytes();
            chunk.copy_from_slice(&v[..chunk.len()]);
        }
    }

    /// A version-4 UUID from 16 random bytes.
    pub(crate) fn uuid(&mut self) -> String {
        let mut b = [0u8; 16];
        self.fill(&mut b);
        uuid::Builder::from_random_bytes(b).into_uuid().hyphenated().to_string()
    }
}
