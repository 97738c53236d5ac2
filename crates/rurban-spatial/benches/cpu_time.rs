//! CPU time (all threads, from /proc/self/task/*/schedstat) of global Moran
//! and LISA with 9,999 permutations on the data of `benches/spatial.rs`: a
//! measure that time-sharing with other processes does not inflate, for a
//! busy machine. Linux only. `benches/esda_race.py` prints esda's
//! `time.process_time()` for the same calls.
//!
//!     cargo bench -p rurban-spatial --bench cpu_time

use std::time::Instant;

mod common;

use common::{county_weights, values};
use rurban_spatial::moran::{PermutationOptions, global_moran, local_moran};

/// Nanoseconds on CPU of every thread of this process so far.
fn cpu_ns() -> u64 {
    std::fs::read_dir("/proc/self/task")
        .unwrap()
        .filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("schedstat")).ok())
        .filter_map(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .sum()
}

/// (min wall s, min CPU s) over `reps` calls.
fn measure<T>(reps: usize, mut f: impl FnMut() -> T) -> (f64, f64) {
    let (mut wall, mut cpu) = (f64::INFINITY, f64::INFINITY);
    for _ in 0..reps {
        let c0 = cpu_ns();
        let t0 = Instant::now();
        std::hint::black_box(f());
        let dt = t0.elapsed().as_secs_f64();
        let dc = (cpu_ns() - c0) as f64 * 1e-9;
        wall = wall.min(dt);
        cpu = cpu.min(dc);
    }
    (wall, cpu)
}

fn main() {
    let w = county_weights();
    let x = values(w.n());
    let perm = PermutationOptions {
        permutations: 9999,
        seed: 1,
    };
    let reps = 15;
    let g = measure(reps, || global_moran("", &x, &w, &perm).unwrap());
    let l = measure(reps, || local_moran("", &x, &w, &perm, 0.05).unwrap());
    let threads = rayon::current_num_threads();
    println!("rurban, {threads} threads, best of {reps}: wall s / CPU s (all threads)");
    println!("global_moran 9999:  {:.4} / {:.4}", g.0, g.1);
    println!("local_moran 9999:   {:.4} / {:.4}", l.0, l.1);
    println!("global + local:     {:.4} / {:.4}", g.0 + l.0, g.1 + l.1);
}
