//! Comparison with values recorded from SciPy and scikit-learn
//! (tests/fixtures/record.py -> tests/fixtures/reference.json).

use ndarray::Array2;
use rurban_cluster::{ClusterOptions, Linkage, Method, cluster, fcluster_maxclust, linkage};
use serde_json::Value;

fn reference() -> Value {
    rurban_test_support::fixture_json(env!("CARGO_MANIFEST_DIR"), "reference.json")
}

fn matrix(v: &Value) -> Array2<f64> {
    let rows: Vec<Vec<f64>> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r.as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_f64().unwrap())
                .collect()
        })
        .collect();
    let (n, p) = (rows.len(), rows[0].len());
    Array2::from_shape_vec((n, p), rows.concat()).unwrap()
}

fn usizes(v: &Value) -> Vec<usize> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap() as usize)
        .collect()
}

fn labels(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("r{i}")).collect()
}

/// Merges equal SciPy's: ids and sizes exactly, heights to 1e-12 relative.
fn assert_merges(got: &[rurban_cluster::Merge], expect: &Value, what: &str) {
    let expect = expect.as_array().unwrap();
    assert_eq!(got.len(), expect.len(), "{what}: number of merges");
    for (i, (m, e)) in got.iter().zip(expect).enumerate() {
        let e = e.as_array().unwrap();
        let (a, b, h, s) = (
            e[0].as_u64().unwrap() as usize,
            e[1].as_u64().unwrap() as usize,
            e[2].as_f64().unwrap(),
            e[3].as_u64().unwrap() as usize,
        );
        assert_eq!((m.a, m.b, m.size), (a, b, s), "{what}: merge {i}");
        assert!(
            (m.height - h).abs() <= 1e-12 * h.abs().max(1e-300),
            "{what}: merge {i} height {} vs {h}",
            m.height
        );
    }
}

fn method_of(key: &str) -> Method {
    key.trim_end_matches("_std").parse().unwrap()
}

#[test]
fn hierarchical_matches_scipy_linkage_fcluster_and_tiers() {
    let r = reference();
    let mut checked = 0;
    for (name, d) in r["datasets"].as_object().unwrap() {
        let x = matrix(&d["data"]);
        let n = x.nrows();
        for (key, rec) in d["hierarchical"].as_object().unwrap() {
            let standardize = key.ends_with("_std");
            for (k, cut) in rec["cuts"].as_object().unwrap() {
                let k: usize = k.parse().unwrap();
                let opts = ClusterOptions {
                    standardize,
                    ..ClusterOptions::new(method_of(key), k)
                };
                let out = cluster(&labels(n), &x.view(), &opts).unwrap();
                let what = format!("{name} {key} k={k}");
                assert_merges(out.merges.as_ref().unwrap(), &rec["merges"], &what);
                let clusters: Vec<usize> = out.labels.iter().map(|l| l.cluster).collect();
                assert_eq!(clusters, usizes(&cut["cluster"]), "{what}: clusters");
                let tiers: Vec<usize> = out.labels.iter().map(|l| l.tier).collect();
                assert_eq!(tiers, usizes(&cut["tier"]), "{what}: tiers");
                assert!(out.inertia.is_none());
                checked += 1;
            }
        }
    }
    assert!(checked > 500, "{checked}");
}

#[test]
fn tie_heavy_data_match_scipy_exactly() {
    let r = reference();
    let stress = r["tie_stress"].as_array().unwrap();
    assert_eq!(stress.len(), 120);
    for (i, d) in stress.iter().enumerate() {
        let x = matrix(&d["data"]);
        let n = x.nrows();
        for (method, link) in [
            ("ward", Linkage::Ward),
            ("complete", Linkage::Complete),
            ("average", Linkage::Average),
            ("single", Linkage::Single),
        ] {
            let what = format!("stress {i} {method}");
            let merges = linkage(&x.view(), link).unwrap();
            assert_merges(&merges, &d[method]["merges"], &what);
            for (k, expect) in d[method]["cuts"].as_object().unwrap() {
                let k: usize = k.parse().unwrap();
                assert_eq!(
                    fcluster_maxclust(&merges, n, k),
                    usizes(expect),
                    "{what} k={k}"
                );
            }
        }
    }
}

/// Same partition up to renumbering.
fn same_partition(a: &[usize], b: &[usize]) -> bool {
    a.len() == b.len()
        && (0..a.len()).all(|i| (0..a.len()).all(|j| (a[i] == a[j]) == (b[i] == b[j])))
}

#[test]
fn kmeans_matches_sklearn_partitions_and_inertia() {
    let r = reference();
    let mut checked = 0;
    for (name, d) in r["datasets"].as_object().unwrap() {
        let x = matrix(&d["data"]);
        for (key, rec) in d["kmeans"].as_object().unwrap() {
            let standardize = key.ends_with("_std");
            let k: usize = key.trim_end_matches("_std").parse().unwrap();
            let opts = ClusterOptions {
                standardize,
                ..ClusterOptions::new(Method::Kmeans, k)
            };
            let out = cluster(&labels(x.nrows()), &x.view(), &opts).unwrap();
            let what = format!("{name} k={key}");
            let ours: Vec<usize> = out.labels.iter().map(|l| l.cluster).collect();
            let theirs = usizes(&rec["labels"]);
            assert!(
                same_partition(&ours, &theirs),
                "{what}: {ours:?} vs {theirs:?}"
            );
            let inertia = out.inertia.unwrap();
            let expect = rec["inertia"].as_f64().unwrap();
            assert!(
                (inertia - expect).abs() <= 1e-9 * expect.max(1e-12),
                "{what}: inertia {inertia} vs {expect}"
            );
            let tiers: Vec<usize> = out.labels.iter().map(|l| l.tier).collect();
            assert_eq!(tiers, usizes(&rec["tier"]), "{what}: tiers");
            assert!(out.merges.is_none());
            checked += 1;
        }
    }
    assert_eq!(checked, 10);
}
