//! Random streams that do not depend on the thread count, and fast bounded
//! draws on them.
//!
//! Every unit of parallel work (one block of permutations of the global test,
//! one block of conditional permutations of the local test) owns a
//! xoshiro256++ generator seeded from `(seed, tag, index)` through the
//! SplitMix64 finaliser, so the numbers it draws depend only on the user's
//! seed and the unit's index, never on which thread runs it or in which order.

use rand::{RngCore, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

/// Stream family of the global Moran permutations (ASCII "glob").
pub(crate) const STREAM_GLOBAL: u64 = 0x676c_6f62;
/// Stream family of the local Moran conditional permutations (ASCII "loca").
pub(crate) const STREAM_LOCAL: u64 = 0x6c6f_6361;

/// The SplitMix64 finaliser (a bijection of u64 with full avalanche).
pub(crate) fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The generator of unit `index` of family `tag` under `seed`.
pub(crate) fn stream(seed: u64, tag: u64, index: u64) -> Xoshiro256PlusPlus {
    let key =
        mix64(mix64(seed ^ mix64(tag)).wrapping_add(index.wrapping_mul(0x9e37_79b9_7f4a_7c15)));
    Xoshiro256PlusPlus::seed_from_u64(key)
}

/// A uniform draw from `0..s` (`s >= 1`) out of the 32 random bits `x`:
/// Lemire's multiply-shift, with rejection (fresh 32-bit words from the low
/// half of `rng`'s next output) so that every value has the same probability.
#[inline(always)]
pub(crate) fn below<R: RngCore>(x: u32, s: u32, rng: &mut R) -> u32 {
    let mut m = u64::from(x) * u64::from(s);
    if (m as u32) < s {
        // 2^32 mod s: the low words below it are the surplus of the uneven split
        let t = s.wrapping_neg() % s;
        while (m as u32) < t {
            m = u64::from(rng.next_u64() as u32) * u64::from(s);
        }
    }
    (m >> 32) as u32
}

/// Fisher-Yates shuffle of a sequence of `len < 2^32` elements through
/// `swap(a, b)`, two bounded draws per 64-bit output (low half first).
#[inline(always)]
pub(crate) fn shuffle_by<R: RngCore>(len: usize, rng: &mut R, mut swap: impl FnMut(usize, usize)) {
    let mut i = len;
    while i >= 3 {
        let r = rng.next_u64();
        let j = below(r as u32, i as u32, rng) as usize;
        swap(i - 1, j);
        let j = below((r >> 32) as u32, (i - 1) as u32, rng) as usize;
        swap(i - 2, j);
        i -= 2;
    }
    if i == 2 {
        let j = below(rng.next_u64() as u32, 2, rng) as usize;
        swap(1, j);
    }
}

/// Fills `out` with `out.len()` distinct elements of `pool`, in random order,
/// by a partial Fisher-Yates pass over the front of `pool` (which is left
/// rearranged: any arrangement of the pool gives uniform draws). Needs
/// `out.len() <= pool.len() < 2^32`.
#[inline]
pub(crate) fn sample<R: RngCore>(pool: &mut [u32], out: &mut [u32], rng: &mut R) {
    let m = pool.len();
    let k = out.len();
    let mut t = 0;
    while t < k {
        let r = rng.next_u64();
        let j = t + below(r as u32, (m - t) as u32, rng) as usize;
        pool.swap(t, j);
        out[t] = pool[t];
        t += 1;
        if t < k {
            let j = t + below((r >> 32) as u32, (m - t) as u32, rng) as usize;
            pool.swap(t, j);
            out[t] = pool[t];
            t += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_draws_are_uniform_over_every_value() {
        // 3 does not divide 2^32: the word x = 0 (the only one with
        // (3 x) mod 2^32 < 2^32 mod 3 = 1) is rejected and replaced by the low
        // half of the next output; an accepted word consumes nothing.
        let mut rng = stream(1, 2, 3);
        let mut copy = rng.clone();
        let replaced = below(copy.next_u64() as u32, 3, &mut copy.clone());
        assert_eq!(below(0, 3, &mut rng), replaced);
        assert_eq!(rng, copy);
        let before = rng.clone();
        assert_eq!(below(u32::MAX, 3, &mut rng), 2);
        assert_eq!(rng, before);
        // s = 6: x = h 2^24 maps to floor(6 h / 256), unless its low word
        // (6 h mod 256) 2^24 is below 2^32 mod 6 = 4, i.e. 0 (h = 0, 128)
        for h in 1..256u32 {
            if h != 128 {
                assert_eq!(below(h << 24, 6, &mut rng), 6 * h / 256, "h = {h}");
            }
        }
    }

    #[test]
    fn samples_are_distinct_and_cover_the_pool_evenly() {
        let mut rng = stream(7, 8, 9);
        let mut pool: Vec<u32> = (0..10).collect();
        let mut out = [0u32; 3];
        let mut first = [0u32; 10];
        let reps = 100_000;
        for _ in 0..reps {
            sample(&mut pool, &mut out, &mut rng);
            assert!(out[0] != out[1] && out[0] != out[2] && out[1] != out[2]);
            first[out[2] as usize] += 1;
        }
        // each of 10 values is the third draw with probability 1/10
        for &c in &first {
            let dev = (c as f64 - reps as f64 / 10.0).abs();
            assert!(dev < 5.0 * (reps as f64 * 0.09).sqrt(), "{first:?}");
        }
    }

    #[test]
    fn shuffles_are_permutations_with_uniform_positions() {
        let mut rng = stream(1, 1, 1);
        let reps = 60_000;
        for len in [1usize, 2, 3, 5] {
            let mut at = vec![vec![0u32; len]; len];
            for _ in 0..reps {
                let mut v: Vec<usize> = (0..len).collect();
                shuffle_by(len, &mut rng, |a, b| v.swap(a, b));
                let mut s = v.clone();
                s.sort_unstable();
                assert_eq!(s, (0..len).collect::<Vec<_>>());
                for (pos, &e) in v.iter().enumerate() {
                    at[e][pos] += 1;
                }
            }
            let p = 1.0 / len as f64;
            for row in &at {
                for &c in row {
                    let dev = (c as f64 - reps as f64 * p).abs();
                    assert!(
                        dev <= 5.0 * (reps as f64 * p * (1.0 - p)).sqrt() + 0.5,
                        "{at:?}"
                    );
                }
            }
        }
    }
}
