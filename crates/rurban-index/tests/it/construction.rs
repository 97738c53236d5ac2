//! The construction stages: hand-computed normalisations and means, TOPSIS
//! against pymcdm, skewness/kurtosis against SciPy and winsorisation against
//! a transcription of COINr's Treat() on the ASEM data (reference values in
//! `fixtures/construction.json`, written by `fixtures/record_construction.py`),
//! the dimension tree, coupling and obstacle identities, and every rejected
//! input.

use ndarray::{Array2, Array3, array};
use rurban_core::Direction::{self, Negative, Positive};
use rurban_core::Panel;
use rurban_core::Scope;
use rurban_index::*;
use serde_json::Value;

fn names(n: &[&str]) -> Vec<String> {
    n.iter().map(ToString::to_string).collect()
}

fn close(a: f64, b: f64, rtol: f64) -> bool {
    (a - b).abs() <= rtol * b.abs().max(1e-300) || a == b
}

fn assert_close(a: f64, b: f64, what: &str) {
    assert!(close(a, b, 1e-12), "{what}: {a} != {b}");
}

fn fixture() -> Value {
    rurban_test_support::fixture_json(env!("CARGO_MANIFEST_DIR"), "construction.json")
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap_or(f64::NAN))
        .collect()
}

fn col(n: &rurban_weighting::Normalized, j: usize) -> Vec<f64> {
    n.z.column(j).to_vec()
}

// ---------------------------------------------------------------- normalise

#[test]
fn minmax_onto_a_range_by_hand() {
    let raw = array![[1.0, 1.0, 7.0], [3.0, 3.0, 7.0], [2.0, f64::NAN, 7.0]];
    let mm = MinMaxRange::new(10.0, 20.0).unwrap();
    let n = mm
        .try_normalise(
            &names(&["a", "b", "c"]),
            raw.view(),
            &[Positive, Negative, Positive],
        )
        .unwrap();
    assert_eq!(col(&n, 0), [10.0, 20.0, 15.0]);
    // '-': (max - x); the missing value stays missing and is not a bound
    assert_eq!(n.z[[0, 1]], 20.0);
    assert_eq!(n.z[[1, 1]], 10.0);
    assert!(n.z[[2, 1]].is_nan());
    // constant: l, and a warning naming it
    assert_eq!(col(&n, 2), [10.0, 10.0, 10.0]);
    assert_eq!(n.constant, [false, false, true]);
    let w = constant_warnings(&names(&["a", "b", "c"]), &n, "minmax");
    assert_eq!(w.len(), 1);
    assert!(w[0].contains("'c'") && w[0].contains("constant"), "{w:?}");
}

#[test]
fn minmax_on_the_unit_range_is_bit_identical_to_the_contract_minmax() {
    let mut s = 3u64;
    let raw = Array2::from_shape_fn((40, 4), |_| {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (s >> 11) as f64 / (1u64 << 53) as f64 * 100.0 - 30.0
    });
    let dirs = [Positive, Negative, Negative, Positive];
    let a = MinMaxRange::default().normalise(raw.view(), &dirs);
    let b = MinMax.normalise(raw.view(), &dirs);
    assert_eq!(a.z.mapv(f64::to_bits), b.z.mapv(f64::to_bits));
}

#[test]
fn zscore_by_hand() {
    // x = 1..5: mean 3, s = sqrt(10 / 4)
    let raw = array![
        [1.0, 1.0, 4.0],
        [2.0, 2.0, 4.0],
        [3.0, 3.0, 4.0],
        [4.0, 4.0, 4.0],
        [5.0, 5.0, 4.0]
    ];
    let n = ZScore.normalise(raw.view(), &[Positive, Negative, Positive]);
    let s = (10.0f64 / 4.0).sqrt();
    for i in 0..5 {
        let x = (i + 1) as f64;
        assert_close(n.z[[i, 0]], (x - 3.0) / s, "zscore +");
        assert_close(n.z[[i, 1]], -(x - 3.0) / s, "zscore -");
        assert_eq!(n.z[[i, 2]], 0.0);
    }
    assert_eq!(n.constant, [false, false, true]);
}

#[test]
fn rank_by_hand_with_ties_and_direction() {
    let raw = array![[3.0, 3.0], [1.0, 1.0], [3.0, 3.0], [2.0, 2.0]];
    let n = Rank.normalise(raw.view(), &[Positive, Negative]);
    assert_eq!(col(&n, 0), [3.5, 1.0, 3.5, 2.0]);
    assert_eq!(col(&n, 1), [1.5, 4.0, 1.5, 3.0]);
    // all tied: the average rank
    assert_eq!(normalise::average_ranks(&[5.0, 5.0, 5.0]), [2.0; 3]);
}

#[test]
fn goalposts_by_hand_clamped_and_direction_aware() {
    let raw = array![
        [-10.0, -10.0, 3.0],
        [0.0, 0.0, 3.0],
        [250.0, 250.0, 3.0],
        [500.0, 500.0, 3.0],
        [600.0, 600.0, 3.0]
    ];
    let g = Goalposts::new(
        (0.0, 100.0),
        &names(&["a", "b", "c"]),
        &[Some((0.0, 500.0)), Some((0.0, 500.0)), Some((0.0, 10.0))],
    )
    .unwrap();
    let n = g
        .try_normalise(
            &names(&["a", "b", "c"]),
            raw.view(),
            &[Positive, Negative, Positive],
        )
        .unwrap();
    assert_eq!(col(&n, 0), [0.0, 0.0, 50.0, 100.0, 100.0]);
    assert_eq!(col(&n, 1), [100.0, 100.0, 50.0, 0.0, 0.0]);
    // constant: l
    assert_eq!(col(&n, 2), [0.0; 5]);
}

#[test]
fn target_by_hand() {
    let raw = array![[100.0, 100.0], [200.0, 200.0], [400.0, 400.0]];
    let t = Target::new(&names(&["a", "b"]), &[Some(200.0), Some(200.0)]).unwrap();
    let n = t
        .try_normalise(&names(&["a", "b"]), raw.view(), &[Positive, Negative])
        .unwrap();
    assert_eq!(col(&n, 0), [0.5, 1.0, 1.0]);
    assert_eq!(col(&n, 1), [1.0, 1.0, 0.5]);
}

#[test]
fn normalisation_settings_are_checked() {
    let e = MinMaxRange::new(1.0, 1.0).unwrap_err();
    assert!(matches!(e, StageError::Range { .. }), "{e}");
    assert!(e.to_string().contains("range = [1, 1]"), "{e}");
    assert!(MinMaxRange::new(2.0, 1.0).is_err());
    let n2 = names(&["Flights", "Bord"]);
    let e = Goalposts::new((1.0, 0.0), &n2, &[Some((0.0, 1.0)); 2]).unwrap_err();
    assert!(matches!(e, StageError::Range { .. }), "{e}");
    let e = Goalposts::new((0.0, 1.0), &n2, &[Some((0.0, 1.0)), None]).unwrap_err();
    assert!(
        e.to_string().contains("'Bord'") && e.to_string().contains("goalposts"),
        "{e}"
    );
    let e = Goalposts::new((0.0, 1.0), &n2, &[Some((5.0, 5.0)), Some((0.0, 1.0))]).unwrap_err();
    assert!(
        matches!(e, StageError::Goalposts { .. }) && e.to_string().contains("'Flights'"),
        "{e}"
    );
    let e = Target::new(&n2, &[Some(1.0), None]).unwrap_err();
    assert!(
        e.to_string().contains("'Bord'") && e.to_string().contains("target"),
        "{e}"
    );
    for bad in [0.0, -2.0] {
        let e = Target::new(&n2, &[Some(bad), Some(1.0)]).unwrap_err();
        assert!(
            matches!(e, StageError::Target { .. }) && e.to_string().contains("'Flights'"),
            "{e}"
        );
    }
    // target needs x > 0: the error names the indicator and the row
    let t = Target::new(&n2, &[Some(1.0), Some(1.0)]).unwrap();
    let e = t
        .try_normalise(
            &n2,
            array![[1.0, 2.0], [3.0, 0.0]].view(),
            &[Positive, Negative],
        )
        .unwrap_err();
    assert!(e.to_string().contains("'Bord', row 2"), "{e}");
}

// ---------------------------------------------------------------- aggregate

#[test]
fn means_by_hand() {
    // arithmetic skips the missing child: (.2 + 3 * .8) / 4
    assert_close(
        Mean::Arithmetic
            .of(&[0.2, 0.8, f64::NAN], &[1.0, 3.0, 5.0])
            .unwrap()
            .unwrap(),
        0.65,
        "arithmetic",
    );
    assert_close(
        Mean::Geometric
            .of(&[1.0, 4.0], &[1.0, 1.0])
            .unwrap()
            .unwrap(),
        2.0,
        "geometric",
    );
    // exp((ln 2 + 2 ln 8) / 3) = 2^(7/3)
    assert_close(
        Mean::Geometric
            .of(&[2.0, 8.0], &[1.0, 2.0])
            .unwrap()
            .unwrap(),
        2f64.powf(7.0 / 3.0),
        "weighted geometric",
    );
    // 2 / (1 / 1 + 1 / 4)
    assert_close(
        Mean::Harmonic
            .of(&[1.0, 4.0], &[1.0, 1.0])
            .unwrap()
            .unwrap(),
        1.6,
        "harmonic",
    );
    // (1 + 3) / (1 / 2 + 3 / 6)
    assert_close(
        Mean::Harmonic
            .of(&[2.0, 6.0], &[1.0, 3.0])
            .unwrap()
            .unwrap(),
        4.0,
        "weighted harmonic",
    );
    assert_eq!(Mean::Arithmetic.of(&[f64::NAN], &[1.0]).unwrap(), None);
    // the flat aggregators: dimension = mean of its indicators, composite of all
    let mut dims = ndarray::Array1::<f64>::zeros(2);
    let c = Geometric.aggregate(
        array![1.0, 4.0, 9.0].view(),
        &[1.0, 1.0, 2.0],
        &[0, 0, 1],
        dims.view_mut(),
    );
    assert_close(dims[0], 2.0, "geometric dimension");
    assert_close(dims[1], 9.0, "geometric dimension");
    assert_close(
        c,
        (4.0f64.ln() + 2.0 * 9.0f64.ln()).exp().powf(0.25),
        "geometric composite",
    );
    let c = Harmonic.aggregate(
        array![1.0, 4.0, 9.0].view(),
        &[1.0, 1.0, 2.0],
        &[0, 0, 1],
        dims.view_mut(),
    );
    assert_close(dims[0], 1.6, "harmonic dimension");
    assert_close(c, 4.0 / (1.0 + 0.25 + 2.0 / 9.0), "harmonic composite");
}

#[test]
fn geometric_and_harmonic_reject_values_not_above_zero() {
    for mean in [Mean::Geometric, Mean::Harmonic] {
        let e = mean.of(&[1.0, 0.0], &[1.0, 1.0]).unwrap_err();
        assert_eq!((e.index, e.value), (1, 0.0));
        let err = require_positive(
            mean,
            &names(&["a", "b"]),
            array![[1.0, 2.0], [0.5, 0.0]].view(),
            &[1.0, 1.0],
        )
        .unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("'b', row 2") && msg.contains("range = [1, 100]"),
            "{msg}"
        );
    }
    assert!(
        require_positive(
            Mean::Arithmetic,
            &names(&["a"]),
            array![[0.0]].view(),
            &[1.0]
        )
        .is_ok()
    );
}

#[test]
fn topsis_by_hand() {
    // w = (3, 1): v = (0, 1), (3, 0), (1.5, .5); A+ = (3, 1), A- = (0, 0)
    let z = array![[0.0, 1.0], [1.0, 0.0], [0.5, 0.5]];
    let c = topsis(z.view(), &[3.0, 1.0]);
    assert_close(c[0].unwrap(), 0.25, "row 1");
    assert_close(c[1].unwrap(), 0.75, "row 2");
    assert_close(c[2].unwrap(), 0.5, "row 3");
    // every column constant: no closeness
    assert_eq!(topsis(array![[0.0], [0.0]].view(), &[1.0]), [None, None]);
}

#[test]
fn topsis_equals_pymcdm_with_minmax_normalisation() {
    let f = fixture();
    let t = &f["topsis"];
    let inds: Vec<String> = t["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    let neg: Vec<&str> = t["negative"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let rows: Vec<Vec<f64>> = t["x"].as_array().unwrap().iter().map(floats).collect();
    let x = Array2::from_shape_fn((rows.len(), inds.len()), |(i, j)| rows[i][j]);
    let dirs: Vec<Direction> = inds
        .iter()
        .map(|i| {
            if neg.contains(&i.as_str()) {
                Negative
            } else {
                Positive
            }
        })
        .collect();
    let w = floats(&t["weights"]);
    let z = MinMax.normalise(x.view(), &dirs).z;
    for (a, b) in topsis(z.view(), &w).iter().zip(floats(&t["closeness"])) {
        assert!(close(a.unwrap(), b, 1e-9), "{a:?} != {b}");
    }
    let subset: Vec<usize> = t["subset"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap() as usize)
        .collect();
    let sub = aggregate::topsis_columns(z.view(), &w, &subset);
    for (a, b) in sub.iter().zip(floats(&t["subset_closeness"])) {
        assert!(close(a.unwrap(), b, 1e-9), "{a:?} != {b}");
    }
}

// ---------------------------------------------------------------- treat

#[test]
fn skewness_and_kurtosis_equal_scipy_unbiased() {
    let f = fixture();
    for case in f["skew_kurtosis"].as_array().unwrap() {
        let (g1, g2) = skew_kurtosis(&floats(&case["x"]));
        let name = case["name"].as_str().unwrap();
        assert!(
            close(g1, case["skew"].as_f64().unwrap(), 1e-9),
            "{name}: skew {g1}"
        );
        assert!(
            close(g2, case["kurtosis"].as_f64().unwrap(), 1e-9),
            "{name}: kurtosis {g2}"
        );
    }
}

#[test]
fn winsorisation_equals_coinr_treat_on_asem() {
    let f = fixture();
    let (mut logs, mut wins) = (0, 0);
    for case in f["winsorise"].as_array().unwrap() {
        let s = &case["settings"];
        let winmax = match &s["winmax"] {
            Value::String(t) => Winmax::parse(t).unwrap(),
            v => Winmax::Steps(v.as_u64().unwrap() as usize),
        };
        let t = Treatment {
            skew: s["skew"].as_f64().unwrap(),
            kurtosis: s["kurtosis"].as_f64().unwrap(),
            winmax,
            switch: s["switch"].as_bool().unwrap(),
            log: s["log"].as_bool().unwrap(),
        };
        let out = winsorise(&floats(&case["x"]), &t);
        let what = format!("{} {s}", case["name"]);
        assert_eq!(
            out.report.steps as u64,
            case["steps"].as_u64().unwrap(),
            "{what}: steps"
        );
        assert_eq!(
            out.report.cells as u64,
            case["cells"].as_u64().unwrap(),
            "{what}: cells"
        );
        assert_eq!(
            out.report.log,
            case["log"].as_bool().unwrap(),
            "{what}: log"
        );
        for (a, b) in out.values.iter().zip(floats(&case["treated"])) {
            assert!(
                a.is_nan() && b.is_nan() || close(*a, b, 1e-9),
                "{what}: {a} != {b}"
            );
        }
        logs += usize::from(out.report.log);
        wins += usize::from(!out.report.log && out.report.cells > 0);
    }
    // the cases exercise both outcomes
    assert!(logs >= 5 && wins >= 20, "{logs} logs, {wins} winsorised");
}

#[test]
fn winsorisation_by_hand() {
    // one far outlier: the first step moves 100 to 4, the column is then
    // no longer an outlier column (|G1| of 1, 2, 3, 4, 4 is below 2)
    let x = [1.0, 2.0, 3.0, 4.0, 100.0, 1.0, 2.0, 3.0, 2.0, 1.0];
    let g = skew_kurtosis(&x);
    assert!(g.0 > 2.0 && g.1 > 3.5, "{g:?}");
    let t = Treatment {
        winmax: Winmax::Steps(5),
        ..Treatment::default()
    };
    let out = winsorise(&x, &t);
    assert_eq!(
        out.values,
        [1.0, 2.0, 3.0, 4.0, 4.0, 1.0, 2.0, 3.0, 2.0, 1.0]
    );
    assert_eq!(
        (out.report.steps, out.report.cells, out.report.log),
        (1, 1, false)
    );
    // no step allowed: the log transform ln(x - min + 0.01 (max - min))
    let out = winsorise(
        &x,
        &Treatment {
            winmax: Winmax::Steps(0),
            ..t
        },
    );
    assert!(out.report.log && out.report.cells == 0 && out.report.steps == 0);
    assert_close(out.values[4], (99.0 + 0.99f64).ln(), "log");
    assert_close(out.values[0], 0.99f64.ln(), "log");
    // ... or kept as it is without the log
    let out = winsorise(
        &x,
        &Treatment {
            winmax: Winmax::Steps(0),
            log: false,
            ..t
        },
    );
    assert_eq!(out.values, x);
    // column by column over a matrix: the same as one by one
    let m = Array2::from_shape_fn((10, 2), |(i, j)| if j == 0 { x[i] } else { i as f64 });
    let (tm, reports) = winsorise_columns(m.view(), &t);
    assert_eq!(tm.column(0).to_vec(), winsorise(&x, &t).values);
    assert_eq!(tm.column(1).to_vec(), m.column(1).to_vec());
    assert_eq!((reports[0].steps, reports[1].steps), (1, 0));
    // fewer than 4 values, and constant columns, are not treated
    let strict = Treatment {
        skew: -1.0,
        kurtosis: -100.0,
        ..t
    };
    let few = [1.0, f64::NAN, 50.0, 2.0];
    let out = winsorise(&few, &strict);
    assert_eq!(out.report.steps, 0);
    assert_eq!(out.values[2], 50.0);
    let out = winsorise(&[3.0; 8], &strict);
    assert_eq!((out.report.steps, out.values), (0, vec![3.0; 8]));
}

#[test]
fn winmax_reads_integers_and_percentages() {
    assert_eq!(Winmax::parse("10%").unwrap().steps(51), 6);
    assert_eq!(Winmax::parse("10%").unwrap().steps(50), 5);
    assert_eq!(Winmax::parse(" 3 ").unwrap().steps(1000), 3);
    assert_eq!(Winmax::parse("0").unwrap().steps(10), 0);
    for bad in ["abc", "-1", "-5%", "1.5", "%", "inf%"] {
        let e = Winmax::parse(bad).unwrap_err();
        assert!(e.to_string().contains("winmax"), "{bad}: {e}");
    }
}

// ---------------------------------------------------------------- denominate, impute

#[test]
fn denominate_by_hand() {
    let d = denominate(
        &[10.0, 20.0, 30.0, 40.0, f64::NAN],
        &[2.0, 0.0, f64::NAN, 4.0, 1.0],
    )
    .unwrap();
    assert_eq!(d.values[0], 5.0);
    assert!(d.values[1].is_nan() && d.values[2].is_nan() && d.values[4].is_nan());
    assert_eq!(d.values[3], 10.0);
    assert_eq!(d.zero_rows, [1]);
    assert!(matches!(denominate(&[1.0], &[]), Err(StageError::Shape(_))));
}

#[test]
fn group_mean_imputation_by_hand() {
    let nan = f64::NAN;
    let g = |s: &str| Some(s.to_string());
    let groups = vec![g("a"), g("a"), g("a"), g("b"), g("b"), g("c")];
    let x = [1.0, nan, 4.0, nan, 5.0, nan];
    let out = group_mean_impute("x", &x, &groups, None).unwrap();
    assert_eq!(out.values[1], 2.5);
    assert_eq!(out.values[3], 5.0);
    assert!(out.values[5].is_nan());
    assert_eq!(out.left_missing, [5]);
    assert_eq!(
        out.cells
            .iter()
            .map(|c| (c.row, c.group.as_str(), c.value))
            .collect::<Vec<_>>(),
        [(1, "a", 2.5), (3, "b", 5.0)]
    );
    // by year: group a in 2001 has only row 2
    let years = [2000, 2001, 2001, 2000, 2001, 2000];
    let out = group_mean_impute("x", &x, &groups, Some(&years)).unwrap();
    assert_eq!(out.values[1], 4.0);
    assert!(out.values[3].is_nan(), "group b has no value in 2000");
    // a missing group cell
    let mut bad = groups.clone();
    bad[4] = None;
    let e = group_mean_impute("x", &x, &bad, None).unwrap_err();
    assert!(
        e.to_string().contains("row 5") && e.to_string().contains("group"),
        "{e}"
    );
}

// ---------------------------------------------------------------- hierarchy

fn dim(id: &str, parent: Option<&str>, weight: f64) -> DimensionDef {
    DimensionDef {
        id: id.into(),
        parent: parent.map(String::from),
        weight,
    }
}

fn ind(id: &str, dimension: &str, weight: f64) -> IndicatorDef {
    IndicatorDef {
        id: id.into(),
        dimension: dimension.into(),
        weight,
    }
}

/// Index > (Conn (w 2) > (Phys > a, b (w 3); Pol > c; e (w 2)), Sust > d);
/// the root is defined last.
fn tree() -> Hierarchy {
    Hierarchy::new(
        &[
            dim("Phys", Some("Conn"), 1.0),
            dim("Pol", Some("Conn"), 1.0),
            dim("Conn", Some("Index"), 2.0),
            dim("Sust", Some("Index"), 1.0),
            dim("Index", None, 1.0),
        ],
        &[
            ind("a", "Phys", 1.0),
            ind("b", "Phys", 3.0),
            ind("c", "Pol", 1.0),
            ind("d", "Sust", 1.0),
            ind("e", "Conn", 2.0),
        ],
    )
    .unwrap()
}

#[test]
fn effective_weights_by_hand_sum_to_one() {
    let h = tree();
    // Conn 2/3, Sust 1/3; in Conn: Phys 1/4, Pol 1/4, e 2/4; in Phys: a 1/4, b 3/4
    let w = h.effective_weights().unwrap();
    let expect = [1.0 / 24.0, 1.0 / 8.0, 1.0 / 6.0, 1.0 / 3.0, 1.0 / 3.0];
    for (a, b) in w.iter().zip(expect) {
        assert_close(*a, b, "effective weight");
    }
    assert_close(w.iter().sum(), 1.0, "sum");
    assert_eq!(h.order(), [0, 1, 2, 3, 4]);
    assert_eq!(h.roots(), [4]);
    assert_eq!(h.indicators_below(2), [0, 1, 2, 4]);
    // several roots, uneven weights
    let h = Hierarchy::new(
        &[
            dim("p", None, 1.0),
            dim("q", None, 3.0),
            dim("r", Some("q"), 1.0),
        ],
        &[
            ind("x", "p", 1.0),
            ind("y", "q", 1.0),
            ind("z", "r", 2.0),
            ind("v", "r", 5.0),
        ],
    )
    .unwrap();
    let w = h.effective_weights().unwrap();
    assert_close(w.iter().sum(), 1.0, "sum");
    assert_close(w[0], 0.25, "x");
    assert_close(w[2], 0.75 * 0.5 * 2.0 / 7.0, "z");
    assert_eq!(h.order(), [0, 2, 1]);
}

#[test]
fn given_weights_aggregate_bottom_up() {
    let h = tree();
    let z = [0.2, 0.6, 0.5, 0.9, 0.1];
    let s = h.aggregate_given(&z, Mean::Arithmetic, 0).unwrap();
    // Phys (.2 + 1.8) / 4, Pol .5, Conn (.5 + .5 + .2) / 4, Sust .9, Index (.6 + .9) / 3
    let expect = [0.5, 0.5, 0.3, 0.9, 0.5];
    for (a, b) in s.dimensions.iter().zip(expect) {
        assert_close(a.unwrap(), b, "node");
    }
    assert_close(s.composite.unwrap(), 0.5, "composite");
    // complete and arithmetic: the composite is sum of effective w z
    let w = h.effective_weights().unwrap();
    assert_close(w.iter().zip(&z).map(|(w, z)| w * z).sum(), 0.5, "effective");
    // a missing child is skipped: Pol missing, Conn = (.5 + 2 * .1) / 3
    let s = h
        .aggregate_given(&[0.2, 0.6, f64::NAN, 0.9, 0.1], Mean::Arithmetic, 0)
        .unwrap();
    assert_eq!(s.dimensions[1], None);
    assert_close(s.dimensions[2].unwrap(), 0.7 / 3.0, "Conn");
    // geometric
    let s = h.aggregate_given(&z, Mean::Geometric, 0).unwrap();
    assert_close(
        s.dimensions[0].unwrap(),
        0.2f64.powf(0.25) * 0.6f64.powf(0.75),
        "Phys",
    );
    // x <= 0 names the child and the row
    let e = h
        .aggregate_given(&[0.2, 0.6, 0.0, 0.9, 0.1], Mean::Harmonic, 6)
        .unwrap_err();
    assert!(
        e.to_string().contains("indicator 'c', row 7")
            && e.to_string().contains("range = [1, 100]"),
        "{e}"
    );
}

#[test]
fn objective_aggregation_by_hand_and_topsis_per_dimension() {
    let h = tree();
    let w = [0.1, 0.2, 0.3, 0.25, 0.15];
    let z = [0.2, 0.6, 0.5, 0.9, 0.1];
    let s = h.aggregate_objective(&z, &w, Mean::Arithmetic, 0).unwrap();
    let terms: Vec<f64> = w.iter().zip(&z).map(|(w, z)| w * z).collect();
    assert_close(
        s.dimensions[2].unwrap(),
        terms[0] + terms[1] + terms[2] + terms[4],
        "Conn",
    );
    assert_close(s.composite.unwrap(), terms.iter().sum(), "composite");
    assert_close(
        s.dimensions[4].unwrap(),
        s.composite.unwrap(),
        "root = composite",
    );
    let s = h.aggregate_objective(&z, &w, Mean::Geometric, 0).unwrap();
    assert_close(
        s.dimensions[0].unwrap(),
        ((0.1 * 0.2f64.ln() + 0.2 * 0.6f64.ln()) / 0.3).exp(),
        "Phys geometric",
    );
    let e = h
        .aggregate_objective(&[0.2, f64::NAN, 0.5, 0.9, 0.1], &w, Mean::Arithmetic, 2)
        .unwrap_err();
    assert!(e.to_string().contains("indicator 'b', row 3"), "{e}");
    // TOPSIS: each dimension is the closeness over the indicators below it
    let zm = array![
        [0.0, 1.0, 0.0, 1.0, 0.5],
        [1.0, 0.0, 1.0, 0.0, 0.5],
        [0.5, 0.5, 0.5, 0.5, 0.5]
    ];
    let t = h.topsis(zm.view(), &[3.0, 1.0, 1.0, 1.0, 1.0]).unwrap();
    assert_close(t.dimensions[0][0].unwrap(), 0.25, "Phys row 1");
    assert_close(t.dimensions[0][1].unwrap(), 0.75, "Phys row 2");
    // Sust holds d alone: z = 1, 0, .5 gives closeness 1, 0, .5
    for (got, want) in t.dimensions[3].iter().zip([1.0, 0.0, 0.5]) {
        assert_close(got.unwrap(), want, "Sust");
    }
    assert_eq!(t.composite.len(), 3);
    let e = h
        .topsis(array![[f64::NAN, 1.0, 1.0, 1.0, 1.0]].view(), &[1.0; 5])
        .unwrap_err();
    assert!(e.to_string().contains("indicator 'a', row 1"), "{e}");
}

#[test]
fn objective_arithmetic_keeps_todays_scores_bit_for_bit() {
    let (nr, ny, m) = (6, 3, 5);
    let mut s = 17u64;
    let values = Array3::from_shape_fn((nr, ny, m), |_| {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        1.0 + (s >> 11) as f64 / (1u64 << 53) as f64
    });
    let panel = Panel::from_values(
        "t.csv",
        (0..nr).map(|r| format!("r{r}")).collect(),
        (0..ny as i64).map(|y| 2000 + y).collect(),
        (0..m).map(|j| format!("x{j}")).collect(),
        values,
    );
    let model = IndexModel {
        indicators: panel.indicators.clone(),
        directions: vec![Positive, Negative, Positive, Positive, Negative],
        dimension_of: vec![0, 1, 0, 2, 1],
        dimensions: names(&["a", "b", "c"]),
    };
    let h = Hierarchy::flat(&model).unwrap();
    for scope in [Scope::Panel, Scope::Year] {
        let res = build(&panel, &model, &rurban_weighting::Entropy, scope, 0.0, "{}").unwrap();
        for r in 0..nr {
            for y in 0..ny {
                let w = &res.weight_sets[if scope == Scope::Year { y } else { 0 }].weights;
                let z: Vec<f64> = (0..m).map(|j| res.z[[r, y, j]]).collect();
                let sc = h.aggregate_objective(&z, w, Mean::Arithmetic, 0).unwrap();
                assert_eq!(
                    sc.composite.unwrap().to_bits(),
                    res.composite[[r, y]].to_bits()
                );
                for d in 0..3 {
                    assert_eq!(
                        sc.dimensions[d].unwrap().to_bits(),
                        res.dimension_scores[[r, y, d]].to_bits()
                    );
                }
            }
        }
    }
}

#[test]
fn hierarchy_errors_name_the_culprits() {
    let msg =
        |d: &[DimensionDef], i: &[IndicatorDef]| Hierarchy::new(d, i).unwrap_err().to_string();
    let e = msg(&[dim("Conn", Some("Index"), 1.0)], &[ind("a", "Conn", 1.0)]);
    assert!(e.contains("'Conn'") && e.contains("parent 'Index'"), "{e}");
    let e = msg(
        &[
            dim("A", Some("B"), 1.0),
            dim("B", Some("C"), 1.0),
            dim("C", Some("A"), 1.0),
            dim("R", None, 1.0),
        ],
        &[ind("a", "A", 1.0), ind("r", "R", 1.0)],
    );
    assert!(e.contains("cycle") && e.contains("A -> B -> C -> A"), "{e}");
    let e = msg(&[dim("A", Some("A"), 1.0)], &[ind("a", "A", 1.0)]);
    assert!(e.contains("cycle") && e.contains("A -> A"), "{e}");
    let e = msg(&[dim("A", None, 1.0)], &[ind("a", "B", 1.0)]);
    assert!(e.contains("indicator 'a'") && e.contains("'B'"), "{e}");
    let e = msg(
        &[dim("A", None, 1.0), dim("A", None, 1.0)],
        &[ind("a", "A", 1.0)],
    );
    assert!(e.contains("'A' is defined twice"), "{e}");
    let e = msg(
        &[dim("A", None, 1.0), dim("E", None, 1.0)],
        &[ind("a", "A", 1.0)],
    );
    assert!(e.contains("'E' holds no indicator"), "{e}");
    let e = msg(&[dim("A", None, -1.0)], &[ind("a", "A", 1.0)]);
    assert!(e.contains("dimension 'A'") && e.contains("weight"), "{e}");
    let h = Hierarchy::new(&[dim("A", None, 1.0)], &[ind("a", "A", 0.0)]).unwrap();
    let e = h.effective_weights().unwrap_err().to_string();
    assert!(e.contains("children of dimension 'A' sum to 0"), "{e}");
}

// ---------------------------------------------------------------- coupling, obstacle

#[test]
fn coupling_by_hand() {
    let a = coupling::alpha(2, None).unwrap().0;
    // U = (.25, 1): C = .5 / .625 = .8, T = .625, D = sqrt(.5)
    let c = coupling(&[0.25, 1.0], &a);
    assert_close(c.c, 0.8, "C");
    assert_close(c.t, 0.625, "T");
    assert_close(c.d, 0.5f64.sqrt(), "D");
    assert_eq!(
        (c.level, c.level_name, c.level_name_zh()),
        (8, "intermediate coordination", "中级协调")
    );
    let c = coupling(&[0.0, 0.7, 0.4], &coupling::alpha(3, None).unwrap().0);
    assert_eq!(
        (c.c, c.d, c.level, c.level_name),
        (0.0, 0.0, 1, "extreme imbalance")
    );
    let c = coupling(&[1.0, 1.0, 1.0], &coupling::alpha(3, None).unwrap().0);
    assert_close(c.d, 1.0, "D");
    assert_eq!((c.level, c.level_name_zh()), (10, "优质协调"));
    assert_eq!(
        LEVEL_NAMES_ZH,
        [
            "极度失调",
            "严重失调",
            "中度失调",
            "轻度失调",
            "濒临失调",
            "勉强协调",
            "初级协调",
            "中级协调",
            "良好协调",
            "优质协调"
        ]
    );
    for (d, l) in [
        (0.0, 1),
        (0.0999, 1),
        (0.1, 2),
        (0.55, 6),
        (0.999, 10),
        (1.0, 10),
    ] {
        assert_eq!(coupling::level(d), l, "{d}");
    }
    // U_d: the weighted mean of the dimension's z
    assert_close(
        dimension_u(&[0.5, 1.0, 0.0], &[1.0, 3.0, 9.0], &[0, 1]),
        3.5 / 4.0,
        "U",
    );
}

#[test]
fn coupling_d_stays_in_the_unit_interval() {
    let mut s = 5u64;
    let mut next = || {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (s >> 11) as f64 / (1u64 << 53) as f64
    };
    for n in 2..=7 {
        let a = coupling::alpha(n, None).unwrap().0;
        for _ in 0..500 {
            let u: Vec<f64> = (0..n).map(|_| next()).collect();
            let c = coupling(&u, &a);
            assert!((0.0..=1.0 + 1e-15).contains(&c.c), "{u:?}: C {}", c.c);
            assert!((0.0..=1.0 + 1e-15).contains(&c.d), "{u:?}: D {}", c.d);
            assert!((1..=10).contains(&c.level));
        }
    }
}

#[test]
fn coupling_alpha_is_checked() {
    let e = coupling::alpha(3, Some(&[0.5, 0.5])).unwrap_err();
    assert!(
        e.to_string().contains("2 values") && e.to_string().contains("3 top-level"),
        "{e}"
    );
    let (_, w) = coupling::alpha(2, Some(&[0.7, 0.7])).unwrap();
    assert_eq!(w.len(), 1);
    let (a, w) = coupling::alpha(2, Some(&[0.3, 0.7])).unwrap();
    assert!(w.is_empty());
    assert_eq!(a, [0.3, 0.7]);
}

#[test]
fn obstacle_degree_by_hand_and_identities() {
    // I = (0, .5, 1), w I = (0, .125, .25)
    let o = obstacle(&[1.0, 0.5, 0.0], &[0.5, 0.25, 0.25]);
    assert_close(o[0].unwrap(), 0.0, "O1");
    assert_close(o[1].unwrap(), 1.0 / 3.0, "O2");
    assert_close(o[2].unwrap(), 2.0 / 3.0, "O3");
    assert_eq!(obstacle(&[1.0, 1.0], &[0.5, 0.5]), [None, None]);
    let h = tree();
    let w = h.effective_weights().unwrap();
    let mut s = 9u64;
    for _ in 0..200 {
        let z: Vec<f64> = (0..5)
            .map(|_| {
                s = s
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (s >> 11) as f64 / (1u64 << 53) as f64
            })
            .collect();
        let o = obstacle(&z, &w);
        let total: f64 = o.iter().map(|v| v.unwrap()).sum();
        assert!((total - 1.0).abs() < 1e-12, "{total}");
        let d = dimension_obstacles(&h, &o);
        // Phys = a + b, Conn = Phys + Pol + e, Index = everything
        assert_close(d[0].unwrap(), o[0].unwrap() + o[1].unwrap(), "Phys");
        assert_close(
            d[2].unwrap(),
            d[0].unwrap() + d[1].unwrap() + o[4].unwrap(),
            "Conn",
        );
        assert!((d[4].unwrap() - 1.0).abs() < 1e-12);
    }
    assert_eq!(dimension_obstacles(&h, &[None; 5]), [None; 5]);
}

#[test]
fn arithmetic_mean_aggregator_and_shape_errors() {
    // given-weight arithmetic over flat dimensions: (1 * .2 + 3 * .6) / 4 and .9
    let mut dims = ndarray::Array1::<f64>::zeros(2);
    let c = Arithmetic.aggregate(
        array![0.2, 0.6, 0.9].view(),
        &[1.0, 3.0, 1.0],
        &[0, 0, 1],
        dims.view_mut(),
    );
    assert_close(dims[0], 0.5, "dimension");
    assert_eq!(dims[1], 0.9);
    assert_close(c, 2.9 / 5.0, "composite");
    // one name and one direction per column, else an error (not a panic)
    let e = ZScore
        .try_normalise(
            &names(&["a"]),
            array![[1.0, 2.0]].view(),
            &[Positive, Positive],
        )
        .unwrap_err();
    assert!(matches!(e, StageError::Shape(_)), "{e}");
    let t = Target::new(&names(&["a"]), &[Some(1.0)]).unwrap();
    let e = t
        .try_normalise(
            &names(&["a", "b"]),
            array![[1.0, 2.0]].view(),
            &[Positive, Positive],
        )
        .unwrap_err();
    assert!(matches!(e, StageError::Shape(_)), "{e}");
    assert!(Treatment::default().check().is_ok());
    let bad = Treatment {
        skew: f64::NAN,
        ..Treatment::default()
    };
    assert!(bad.check().unwrap_err().to_string().contains("skew"));
}
