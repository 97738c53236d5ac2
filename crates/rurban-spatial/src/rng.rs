//! Random streams that do not depend on the thread count.
//!
//! Every unit of parallel work (one permutation of the global test, one region
//! of the local test) owns a xoshiro256++ generator seeded from
//! `(seed, tag, index)` through the SplitMix64 finaliser, so the numbers it
//! draws depend only on the user's seed and the unit's index, never on which
//! thread runs it or in which order.

use rand::SeedableRng;
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
