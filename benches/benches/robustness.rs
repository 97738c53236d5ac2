//! The robustness model on the real 31-province panel
//! (`../shared/data/china-provinces/provinces_2005_2024.csv` from the
//! repository root, the panel and the six factors of
//! `benches/compare/robust_race.py`): the cost of one Monte Carlo run (the
//! aggregation of every region-year under realised assumptions and its
//! ranking within years), of the whole design at N = 100, and of the full
//! index build (`rurban run` without the report) that a run replaces.
//! Skipped with a message when the shared data are absent.

// `criterion_main!` defines a `pub fn main` that cannot carry a doc comment.
#![allow(missing_docs)]

mod common;

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Throughput, criterion_group, criterion_main};
use rurban_pipeline::output::run_files;
use rurban_pipeline::robustness::prepare;
use rurban_pipeline::{Builtins, RunOptions, read_spec, run};
use rurban_robust::{Design, Realisation, rank_within_years};

const INDICATORS: [(&str, &str); 6] = [
    ("GDP_当年价_亿元", "+"),
    ("第二产业比重_%", "-"),
    ("城镇化率_%", "+"),
    ("税收收入_亿元", "+"),
    ("发明专利申请数_件", "+"),
    ("GDP指数_上年=100", "+"),
];

const UNCERTAINTY: &str = r#"
[uncertainty]
replications = 100
seed = 1
weights_noise = 0.25
weighting = ["entropy", "critic", "equal"]
normalisation = ["minmax", "rank", "zscore"]
aggregation = ["arithmetic", "topsis"]
impute = ["linear", "year-mean"]
exclude = true
"#;

/// The province panel, found from the crate's directory (benches/) as
/// `../../shared/data/...`, i.e. `../shared/data` from the repository root.
fn panel() -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/data/china-provinces/provinces_2005_2024.csv");
    p.exists().then_some(p)
}

/// The spec text with the `[uncertainty]` table or without.
fn spec_text(data: &std::path::Path, uncertainty: bool) -> String {
    let mut s = format!(
        "name = \"provinces\"\ndata = {:?}\n[method]\nweighting = \"entropy\"\nimpute = \"linear\"\n",
        data.display().to_string()
    );
    for (k, (id, d)) in INDICATORS.iter().enumerate() {
        if k % 3 == 0 {
            s.push_str(&format!("[[dimension]]\nid = \"d{}\"\n", k / 3));
        }
        s.push_str(&format!(
            "[[dimension.indicator]]\nid = \"{id}\"\ndirection = \"{d}\"\n"
        ));
    }
    if uncertainty {
        s.push_str(UNCERTAINTY);
    }
    s
}

fn bench(c: &mut criterion::Criterion) {
    let Some(data) = panel() else {
        eprintln!("robustness bench skipped: ../shared/data/china-provinces is absent");
        return;
    };
    let root = std::env::temp_dir().join(format!("rurban-bench-robust-{}", std::process::id()));
    std::fs::create_dir_all(&root).expect("temp dir");
    let robust_path = root.join("robust.toml");
    let nominal_path = root.join("nominal.toml");
    std::fs::write(&robust_path, spec_text(&data, true)).expect("spec");
    std::fs::write(&nominal_path, spec_text(&data, false)).expect("spec");
    let robust = read_spec(&robust_path).expect("spec");
    let nominal = read_spec(&nominal_path).expect("spec");
    let opts = RunOptions::default();
    let prepared = prepare(&robust, &opts, &Builtins, None, None).expect("prepare");
    let design = Design::new(&prepared.factors);
    let (n, d) = (design.n(), design.d());
    let cells = prepared.layout.len() as u64;

    let mut g = c.benchmark_group("robustness_provinces");
    common::size_for(&mut g, "province");
    // one run = realise a design row, aggregate, rank within years; the
    // rows of A cycle so every alternative is met
    g.throughput(Throughput::Elements(cells));
    let mut u = vec![0.0; d];
    let mut order = Vec::new();
    let mut ranks = vec![0u32; prepared.layout.len()];
    let mut row = 0;
    g.bench_function("one_run", |b| {
        b.iter(|| {
            u.copy_from_slice(design.a_row(row % n));
            row += 1;
            let run = Realisation::from_row(&prepared.factors, &u);
            let scores = prepared.scores(&run).expect("run");
            rank_within_years(&prepared.layout, &scores, &mut order, &mut ranks);
            black_box(ranks[0])
        });
    });
    // the whole design: N (k + 2) = 800 runs and the statistics
    g.throughput(Throughput::Elements(prepared.factors.runs() as u64));
    g.bench_function("design_n100", |b| {
        b.iter(|| {
            let (r, _) = prepared.analyse(false, &|_, _| {}).expect("analyse");
            black_box(r)
        });
    });
    // what a run replaces: the full index build from the panel file
    g.throughput(Throughput::Elements(cells));
    g.bench_function("index_build", |b| {
        b.iter(|| {
            let out = run(black_box(&nominal), &opts, &Builtins).expect("run");
            run_files(&out).expect("files")
        });
    });
    g.finish();
    let _ = std::fs::remove_dir_all(&root);
}

criterion_group! {
    name = benches;
    config = common::config();
    targets = bench
}
criterion_main!(benches);
