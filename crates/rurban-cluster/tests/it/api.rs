//! Contract-level behaviour of `cluster`: JSON shape, tiers, determinism,
//! edge cases and every rejected input.

use ndarray::{Array2, array};
use rurban_cluster::{ClusterError, ClusterOptions, Method, cluster};

fn labels(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("region{}", i + 1)).collect()
}

/// Three clear groups of two rows: small, medium, large values.
fn three_groups() -> Array2<f64> {
    array![
        [50.0, 52.0],
        [1.0, 2.0],
        [10.0, 11.0],
        [51.0, 50.0],
        [2.0, 1.0],
        [11.0, 10.0],
    ]
}

#[test]
fn every_method_finds_the_groups_and_tiers_them() {
    let x = three_groups();
    for method in [
        Method::Kmeans,
        Method::Ward,
        Method::Complete,
        Method::Average,
        Method::Single,
    ] {
        let out = cluster(&labels(6), &x.view(), &ClusterOptions::new(method, 3)).unwrap();
        let c: Vec<usize> = out.labels.iter().map(|l| l.cluster).collect();
        assert_eq!(c[0], c[3], "{method:?}");
        assert_eq!(c[1], c[4], "{method:?}");
        assert_eq!(c[2], c[5], "{method:?}");
        assert!(c[0] != c[1] && c[1] != c[2] && c[0] != c[2], "{method:?}");
        // tiers by mean of row means: large (50.75) -> 1, medium (10.5) -> 2, small (1.5) -> 3
        let t: Vec<usize> = out.labels.iter().map(|l| l.tier).collect();
        assert_eq!(t, vec![1, 3, 2, 1, 3, 2], "{method:?}");
        assert_eq!(out.labels[4].label, "region5");
        assert!(out.warnings.is_empty());
    }
}

#[test]
fn kmeans_numbers_clusters_by_first_appearance_and_sums_squares() {
    let x = three_groups();
    let out = cluster(
        &labels(6),
        &x.view(),
        &ClusterOptions::new(Method::Kmeans, 3),
    )
    .unwrap();
    let c: Vec<usize> = out.labels.iter().map(|l| l.cluster).collect();
    assert_eq!(c, vec![1, 2, 3, 1, 2, 3]);
    // each pair differs by (1, 2) or (1, 1) from its partner:
    // {50,52},{51,50}: mean (50.5, 51), SS = 2 * (0.25 + 1) = 2.5
    // {1,2},{2,1} and {10,11},{11,10}: SS = 2 * (0.25 + 0.25) = 1 each
    assert_eq!(out.inertia, Some(4.5));
    assert!(out.merges.is_none());
}

#[test]
fn kmeans_is_deterministic_for_a_seed_and_thread_count() {
    // 40 rows spread over a ring: no obvious partition, so the starts matter
    let x = Array2::from_shape_fn((40, 2), |(i, j)| {
        let a = i as f64 * 0.7;
        if j == 0 {
            a.cos() * (1.0 + 0.1 * i as f64)
        } else {
            a.sin()
        }
    });
    let names = labels(40);
    let run = |threads: usize, seed: u64| {
        let opts = ClusterOptions {
            seed,
            ..ClusterOptions::new(Method::Kmeans, 4)
        };
        rayon_pool(threads).install(|| cluster(&names, &x.view(), &opts).unwrap())
    };
    let a = run(1, 7);
    let b = run(1, 7);
    let c = run(4, 7);
    assert_eq!(a, b);
    assert_eq!(a, c);
    assert_eq!(a.inertia.unwrap().to_bits(), c.inertia.unwrap().to_bits());
    let d = run(2, 42);
    assert_eq!(d, run(2, 42));
}

fn rayon_pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
}

#[test]
fn tiers_use_the_original_features_after_standardising() {
    // column 1 ranks the rows one way, column 2 (much larger) the other way.
    // Standardised, both weigh the same; tiers follow the raw row means,
    // dominated by column 2: rows 2, 3 (row mean ~500) are tier 1.
    let x = array![[9.0, 10.0], [8.0, 12.0], [1.0, 1000.0], [2.0, 1001.0]];
    let opts = ClusterOptions {
        standardize: true,
        ..ClusterOptions::new(Method::Ward, 2)
    };
    let out = cluster(&labels(4), &x.view(), &opts).unwrap();
    let t: Vec<usize> = out.labels.iter().map(|l| l.tier).collect();
    assert_eq!(t, vec![2, 2, 1, 1]);
}

#[test]
fn json_shape_follows_the_contract() {
    let x = three_groups();
    let out = cluster(
        &labels(6),
        &x.view(),
        &ClusterOptions::new(Method::Average, 2),
    )
    .unwrap();
    let v = serde_json::to_value(&out).unwrap();
    let mut keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(keys, ["k", "labels", "merges", "method"]);
    assert_eq!(v["method"], "average");
    assert_eq!(v["k"], 2);
    let first = &v["labels"][0];
    assert_eq!(first["label"], "region1");
    assert!(first["cluster"].is_u64() && first["tier"].is_u64());
    let merges = v["merges"].as_array().unwrap();
    assert_eq!(merges.len(), 5);
    for m in merges {
        let m = m.as_array().unwrap();
        assert_eq!(m.len(), 4);
        assert!(m[0].is_u64() && m[1].is_u64() && m[2].is_f64() && m[3].is_u64());
        assert!(m[0].as_u64() < m[1].as_u64());
    }
    assert_eq!(merges[4][3], 6);

    let out = cluster(
        &labels(6),
        &x.view(),
        &ClusterOptions::new(Method::Kmeans, 2),
    )
    .unwrap();
    let v = serde_json::to_value(&out).unwrap();
    let mut keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(keys, ["inertia", "k", "labels", "method"]);
    assert_eq!(v["method"], "kmeans");
    assert!(v["inertia"].is_f64());
}

#[test]
fn single_row_and_k_equal_to_rows() {
    let x = array![[3.0, 4.0]];
    for method in [Method::Kmeans, Method::Ward] {
        let out = cluster(&labels(1), &x.view(), &ClusterOptions::new(method, 1)).unwrap();
        assert_eq!(out.labels[0].cluster, 1);
        assert_eq!(out.labels[0].tier, 1);
        if method == Method::Kmeans {
            assert_eq!(out.inertia, Some(0.0));
        } else {
            assert_eq!(out.merges, Some(vec![]));
        }
    }
    // k = n: every row alone, numbered row + 1 (as fcluster)
    let x = three_groups();
    let out = cluster(
        &labels(6),
        &x.view(),
        &ClusterOptions::new(Method::Single, 6),
    )
    .unwrap();
    let c: Vec<usize> = out.labels.iter().map(|l| l.cluster).collect();
    assert_eq!(c, vec![1, 2, 3, 4, 5, 6]);
}

#[test]
fn fewer_clusters_than_k_are_reported() {
    // equal gaps: every single-linkage merge has height 1, so maxclust can
    // only cut into 1 or 5 clusters; k = 3 gives 1 (as SciPy) and a warning
    let x = array![[0.0], [1.0], [2.0], [3.0], [4.0]];
    let out = cluster(
        &labels(5),
        &x.view(),
        &ClusterOptions::new(Method::Single, 3),
    )
    .unwrap();
    assert!(out.labels.iter().all(|l| l.cluster == 1 && l.tier == 1));
    assert_eq!(out.warnings.len(), 1);
    assert!(out.warnings[0].contains("1 cluster"), "{}", out.warnings[0]);
    // two distinct points, k = 3
    let x = array![[0.0], [0.0], [5.0], [5.0]];
    let out = cluster(
        &labels(4),
        &x.view(),
        &ClusterOptions::new(Method::Kmeans, 3),
    )
    .unwrap();
    let c: Vec<usize> = out.labels.iter().map(|l| l.cluster).collect();
    assert_eq!(c, vec![1, 1, 2, 2]);
    assert_eq!(out.inertia, Some(0.0));
    assert_eq!(out.warnings.len(), 1);
}

#[test]
fn method_names_parse() {
    for (s, m) in [
        ("kmeans", Method::Kmeans),
        ("Ward", Method::Ward),
        ("complete", Method::Complete),
        ("average", Method::Average),
        (" single ", Method::Single),
    ] {
        assert_eq!(s.parse::<Method>().unwrap(), m);
    }
    let e = "centroid".parse::<Method>().unwrap_err();
    assert_eq!(e, ClusterError::UnknownMethod("centroid".into()));
    assert!(e.to_string().contains("centroid"));
}

#[test]
fn rejected_inputs() {
    let opts = ClusterOptions::new(Method::Ward, 1);
    let empty = Array2::<f64>::zeros((0, 2));
    assert_eq!(
        cluster(&[], &empty.view(), &opts).unwrap_err(),
        ClusterError::NoRows
    );
    let nocols = Array2::<f64>::zeros((3, 0));
    assert_eq!(
        cluster(&labels(3), &nocols.view(), &opts).unwrap_err(),
        ClusterError::NoColumns
    );
    let x = three_groups();
    assert_eq!(
        cluster(&labels(5), &x.view(), &opts).unwrap_err(),
        ClusterError::LabelCount { labels: 5, rows: 6 }
    );
    let named = ClusterOptions {
        column_names: vec!["gdp".into()],
        ..opts.clone()
    };
    assert_eq!(
        cluster(&labels(6), &x.view(), &named).unwrap_err(),
        ClusterError::ColumnNameCount {
            names: 1,
            columns: 2
        }
    );

    for k in [0, 7] {
        let o = ClusterOptions::new(Method::Kmeans, k);
        let e = cluster(&labels(6), &x.view(), &o).unwrap_err();
        assert_eq!(e, ClusterError::InvalidK { k, rows: 6 });
        assert!(e.to_string().contains(&format!("k = {k}")));
    }

    let mut bad = three_groups();
    bad[[3, 1]] = f64::NAN;
    bad[[4, 0]] = f64::INFINITY;
    let named = ClusterOptions {
        column_names: vec!["gdp".into(), "income".into()],
        ..opts.clone()
    };
    let e = cluster(&labels(6), &bad.view(), &named).unwrap_err();
    assert!(
        matches!(&e, ClusterError::NonFinite { row: 4, label, column, .. }
            if label == "region4" && column == "income"),
        "{e}"
    );
    let msg = e.to_string();
    assert!(msg.contains("row 4") && msg.contains("income") && msg.contains("region4"));
    let e = cluster(&labels(6), &bad.view(), &opts).unwrap_err();
    assert!(e.to_string().contains("column 2"), "{e}");

    let flat = array![[1.0, 3.0], [2.0, 3.0], [3.0, 3.0]];
    let std_opts = ClusterOptions {
        standardize: true,
        column_names: vec!["gdp".into(), "income".into()],
        ..ClusterOptions::new(Method::Kmeans, 2)
    };
    let e = cluster(&labels(3), &flat.view(), &std_opts).unwrap_err();
    assert_eq!(
        e,
        ClusterError::ConstantColumn {
            column: "income".into()
        }
    );
    let one = array![[1.0, 3.0]];
    let std_one = ClusterOptions {
        k: 1,
        ..std_opts.clone()
    };
    assert_eq!(
        cluster(&labels(1), &one.view(), &std_one).unwrap_err(),
        ClusterError::StandardizeNeedsTwoRows
    );

    let huge = array![[-1e300, 0.0], [1e300, 0.0], [0.0, 1.0]];
    for method in [
        Method::Kmeans,
        Method::Ward,
        Method::Single,
        Method::Average,
    ] {
        let e = cluster(&labels(3), &huge.view(), &ClusterOptions::new(method, 2)).unwrap_err();
        assert_eq!(e, ClusterError::DistanceOverflow, "{method:?}");
    }
}

#[test]
fn checked_params_refuse_k_0_and_fit_as_cluster_does() {
    use rurban_cluster::{ClusterCount, ClusterInput, Fit, ParamGuard};
    assert_eq!(
        ClusterOptions::new(Method::Ward, 0).check(),
        Err(ClusterError::ZeroK)
    );
    assert_eq!(ClusterCount::new(0), Err(ClusterError::ZeroK));
    assert_eq!("WARD".parse::<Method>().unwrap(), Method::Ward);
    assert_eq!(" KMeans".parse::<Method>().unwrap(), Method::Kmeans);
    // two obvious pairs: {0, 1} and {10, 11} on one feature
    let x = ndarray::array![[0.0], [1.0], [10.0], [11.0]];
    let labels: Vec<String> = ["a", "b", "c", "d"].map(String::from).to_vec();
    let o = ClusterOptions::new(Method::Complete, 2);
    let p = o.clone().check().unwrap();
    let r = p
        .fit(&ClusterInput {
            labels: &labels,
            data: x.view(),
        })
        .unwrap();
    assert_eq!(r, cluster(&labels, &x.view(), &o).unwrap());
    let tiers: Vec<usize> = r.labels.iter().map(|l| l.tier).collect();
    assert_eq!(tiers, [2, 2, 1, 1]);
}
