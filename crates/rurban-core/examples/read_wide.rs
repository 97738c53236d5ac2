//! Times `wide::read_wide` on a file: `cargo run --release -p rurban-core
//! --example read_wide -- county.csv 20` prints the best wall time of 20 reads.
#![allow(missing_docs)]
fn main() {
    let p = std::path::PathBuf::from(std::env::args().nth(1).unwrap());
    let n: usize = std::env::args().nth(2).map_or(20, |s| s.parse().unwrap());
    let opts = rurban_core::ReadOptions::default();
    let mut best = f64::MAX;
    for _ in 0..n {
        let t = std::time::Instant::now();
        let r = rurban_core::wide::read_wide(&p, &opts, &Default::default(), None).unwrap();
        best = best.min(t.elapsed().as_secs_f64());
        std::hint::black_box(r);
    }
    println!("best {best:.4}");
}
