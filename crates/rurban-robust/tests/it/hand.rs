//! Hand-computed designs, realisations, ranks, the runner's determinism,
//! the writers and every rejected input.

use rurban_robust::*;

fn names(v: &[&str]) -> Vec<String> {
    v.iter().map(ToString::to_string).collect()
}

#[track_caller]
fn close(a: f64, b: f64) {
    assert!(rurban_test_support::close_scaled(a, b, 1e-12), "{a} vs {b}");
}

/// One factor (weighting over three schemes), N = 2, A = [0.1, 0.7],
/// B = [0.5, 0.95]: A picks entropy, equal; B picks critic, equal.
fn weighting_case() -> (Factors, Design, Layout) {
    let opts = UncertaintyOptions {
        replications: Some(2),
        weighting: Some(names(&["entropy", "critic", "equal"])),
        ..Default::default()
    };
    let f = Factors::new(&opts, &names(&["x1", "x2"])).unwrap();
    let d = Design::from_matrices(&f, vec![0.1, 0.7], vec![0.5, 0.95]).unwrap();
    let l = Layout::full(names(&["r0", "r1", "r2"]), vec![2020, 2021]).unwrap();
    (f, d, l)
}

/// Scores per region: nominal and entropy [3, 2, 1], critic [1, 2, 3],
/// equal [1, 1, 0] (a tie at the top), the same in both years.
fn weighting_model(run: &Realisation<'_>, out: &mut Output<'_>) -> Result<(), ModelError> {
    let s = match run.name(FactorKind::Weighting) {
        None | Some("entropy") => [3.0, 2.0, 1.0],
        Some("critic") => [1.0, 2.0, 3.0],
        Some("equal") => [1.0, 1.0, 0.0],
        Some(other) => return Err(format!("unexpected {other}").into()),
    };
    for (i, x) in out.scores().iter_mut().enumerate() {
        *x = s[i / 2];
    }
    Ok(())
}

#[test]
fn one_factor_design_by_hand() {
    let (f, d, l) = weighting_case();
    assert_eq!(f.runs(), 6);
    assert_eq!(f.dims(), 1);
    let runs = run_design(&f, &d, &l, &weighting_model, false, &|_, _| {}).unwrap();
    assert_eq!(runs.nominal, vec![1, 1, 2, 2, 3, 3]);
    // y: entropy 0; critic (2 + 0 + 2) / 3; equal (0 + 1 + 0) / 3.
    let want = [0.0, 1.0 / 3.0, 4.0 / 3.0, 1.0 / 3.0, 4.0 / 3.0, 1.0 / 3.0];
    assert_eq!(runs.y.len(), 6);
    for (a, b) in runs.y.iter().zip(want) {
        close(*a, b);
    }
    // Ranks of run B row 0 (critic) and A row 1 (equal: r0 and r1 tie at 1).
    assert_eq!(&runs.ranks[12..18], &[3, 3, 2, 2, 1, 1]);
    assert_eq!(&runs.ranks[6..12], &[1, 1, 1, 1, 3, 3]);

    let r = analyse(&f, &l, &runs);
    assert_eq!((r.replications, r.runs), (2, 6));
    // V = var(0, 1/3, 4/3, 1/3) = 1/4; S = mean(4/3 * 4/3, 0) / V = 32/9;
    // ST = mean(16/9, 0) / (2 V) = 16/9.
    close(r.sensitivity[0].first_order.unwrap(), 32.0 / 9.0);
    close(r.sensitivity[0].total_order.unwrap(), 16.0 / 9.0);
    close(r.y.mean, 0.5);
    // r0 in 2020: ranks [1, 1, 3, 1] -> sorted [1, 1, 1, 3].
    let r0 = &r.ranks[0];
    assert_eq!((r0.region.as_str(), r0.year, r0.nominal), ("r0", 2020, 1));
    close(r0.median, 1.0);
    close(r0.q05, 1.0);
    close(r0.q95, 2.7);
    close(r0.mean_abs_shift, 0.5);
    // r1: [1, 1, 2, 2]; r2: [1, 3, 3, 3].
    close(r.ranks[2].median, 1.5);
    close(r.ranks[4].q05, 1.3);
    close(r.ranks[4].q95, 3.0);
}

#[test]
fn writers_print_the_contract_columns() {
    let (f, d, l) = weighting_case();
    let runs = run_design(&f, &d, &l, &weighting_model, true, &|_, _| {}).unwrap();
    let r = analyse(&f, &l, &runs);
    let mut buf = Vec::new();
    write_robustness(&mut buf, &r).unwrap();
    let text = String::from_utf8(buf).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "region,year,nominal,median,q05,q95,mean_abs_shift"
    );
    // numpy.percentile([1, 1, 1, 3], 95) is 2.6999999999999993 (the
    // virtual index 3 * 0.95 is 2.8499999999999996).
    assert_eq!(lines[1], "r0,2020,1,1,1,2.6999999999999993,0.5");
    assert_eq!(lines.len(), 7);
    let mut buf = Vec::new();
    write_sensitivity(&mut buf, &r).unwrap();
    let text = String::from_utf8(buf).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "factor,first_order,total_order");
    let cells: Vec<&str> = lines[1].split(',').collect();
    assert_eq!(cells[0], "weighting");
    close(cells[1].parse().unwrap(), 32.0 / 9.0);
    close(cells[2].parse().unwrap(), 16.0 / 9.0);
    assert_eq!(lines.len(), 2);
    let mut buf = Vec::new();
    write_samples(&mut buf, &f, &d, &runs).unwrap();
    let text = String::from_utf8(buf).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "block,row,u:weighting,weighting,y");
    assert_eq!(lines[1], "A,0,0.1,entropy,0");
    assert_eq!(lines[2], format!("A,1,0.7,equal,{}", 1.0f64 / 3.0));
    assert_eq!(lines[3], format!("B,0,0.5,critic,{}", 4.0f64 / 3.0));
    assert_eq!(
        lines[5],
        format!("AB:weighting,0,0.5,critic,{}", 4.0f64 / 3.0)
    );
    assert_eq!(lines.len(), 7);
}

#[test]
fn json_has_the_contract_fields_and_null_indices_when_nothing_moves() {
    let (f, d, l) = weighting_case();
    let constant = |_: &Realisation<'_>, out: &mut Output<'_>| -> Result<(), ModelError> {
        for (i, x) in out.scores().iter_mut().enumerate() {
            *x = i as f64;
        }
        Ok(())
    };
    let runs = run_design(&f, &d, &l, &constant, false, &|_, _| {}).unwrap();
    let r = analyse(&f, &l, &runs);
    assert_eq!(r.warnings.len(), 1);
    let v = serde_json::to_value(&r).unwrap();
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "replications",
            "runs",
            "factors",
            "ranks",
            "sensitivity",
            "y"
        ]
    );
    assert_eq!(
        v["sensitivity"][0],
        serde_json::json!({"factor": "weighting", "first_order": null, "total_order": null})
    );
    let row = v["ranks"][0].as_object().unwrap();
    let keys: Vec<&str> = row.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "region",
            "year",
            "nominal",
            "median",
            "q05",
            "q95",
            "mean_abs_shift"
        ]
    );
    assert_eq!(
        v["y"],
        serde_json::json!({"mean": 0.0, "q05": 0.0, "q95": 0.0})
    );
    let back: Robustness = serde_json::from_value(v).unwrap();
    assert_eq!(back.ranks, r.ranks);
}

#[test]
fn ranks_share_the_smallest_rank_on_ties() {
    let l = Layout::full(names(&["a", "b", "c", "d", "e"]), vec![1]).unwrap();
    assert_eq!(
        ranks_of(&l, &[2.0, 5.0, 2.0, 7.0, -0.0]),
        vec![3, 2, 3, 1, 5]
    );
    assert_eq!(
        ranks_of(&l, &[0.0, -0.0, 1.0, 1.0, 1.0]),
        vec![4, 4, 1, 1, 1]
    );
    // Cells in any order, two years.
    let l = Layout::new(
        names(&["a", "b"]),
        vec![2001, 2000],
        vec![(1, 0), (0, 1), (0, 0), (1, 1)],
    )
    .unwrap();
    assert_eq!(ranks_of(&l, &[1.0, 1.0, 2.0, 3.0]), vec![2, 2, 1, 1]);
    assert_eq!(mean_abs_shift(&[1, 3, 2], &[3, 1, 2]), 4.0 / 3.0);
}

#[test]
fn realisation_of_weights_noise_and_exclusion_by_hand() {
    let opts = UncertaintyOptions {
        replications: Some(1),
        weights_noise: Some(0.5),
        exclude: Some(true),
        ..Default::default()
    };
    let f = Factors::new(&opts, &names(&["x1", "x2", "x3"])).unwrap();
    assert_eq!(f.dims(), 4);
    assert_eq!(f.names(), ["weights", "exclude"]);
    // u = [0, 0.5, 0.9 | 0.3]: multipliers 0.5, 1, 1.4; floor(0.3 * 4) = 1
    // leaves out x1.
    let u = [0.0, 0.5, 0.9, 0.3];
    let run = Realisation::from_row(&f, &u);
    close(run.multiplier(2), 1.4);
    assert_eq!(run.excluded(), Some(0));
    assert_eq!(run.name(FactorKind::Exclude), Some("x1"));
    let mut w = [0.2, 0.3, 0.5];
    run.apply_weights(&mut w).unwrap();
    // noisy [0.1, 0.3, 0.7] / 1.1, then x1 dropped: [0, 3/10, 7/10].
    close(w[0], 0.0);
    close(w[1], 0.3);
    close(w[2], 0.7);
    // u = 0.1 for exclude: floor(0.4) = 0, none left out.
    let u = [0.0, 0.5, 0.9, 0.1];
    let run = Realisation::from_row(&f, &u);
    assert_eq!(run.excluded(), None);
    let mut w = [0.2, 0.3, 0.5];
    run.apply_weights(&mut w).unwrap();
    close(w[0], 1.0 / 11.0);
    close(w[2], 7.0 / 11.0);
    // The nominal run changes nothing.
    let mut w = [0.2, 0.3, 0.5];
    Realisation::nominal(&f).apply_weights(&mut w).unwrap();
    assert_eq!(w, [0.2, 0.3, 0.5]);
}

#[test]
fn design_blocks_take_the_factor_columns_from_b() {
    let opts = UncertaintyOptions {
        replications: Some(2),
        weights_noise: Some(0.1),
        normalisation: Some(names(&["minmax", "rank"])),
        ..Default::default()
    };
    let f = Factors::new(&opts, &names(&["x1", "x2"])).unwrap();
    let a = vec![0.1, 0.2, 0.3, 0.4, 0.5, 0.6];
    let b = vec![0.7, 0.8, 0.9, 0.15, 0.25, 0.35];
    let d = Design::from_matrices(&f, a, b).unwrap();
    let mut u = [0.0; 3];
    assert_eq!(d.locate(4), (Block::AB(0), 0));
    d.row_into(&f, Block::AB(0), 1, &mut u);
    assert_eq!(u, [0.15, 0.25, 0.6]);
    d.row_into(&f, Block::AB(1), 0, &mut u);
    assert_eq!(u, [0.1, 0.2, 0.9]);
    assert_eq!(
        Realisation::from_row(&f, &u).name(FactorKind::Normalisation),
        Some("rank")
    );
    assert_eq!(Block::AB(1).label(&f), "AB:normalisation");
    // The seeded design: uniforms in [0, 1), A != B, the same for a seed,
    // and its first rows do not depend on N.
    let opts = UncertaintyOptions {
        replications: Some(50),
        ..opts
    };
    let f = Factors::new(&opts, &names(&["x1", "x2"])).unwrap();
    let d1 = Design::new(&f);
    assert_eq!(d1, Design::new(&f));
    assert_ne!(d1.a_row(0), d1.b_row(0));
    assert!((0..50).all(|r| d1.a_row(r).iter().all(|u| (0.0..1.0).contains(u))));
    let d2 = Design::new(&f.clone().with_replications(60).unwrap());
    assert_eq!(d1.a_row(49), d2.a_row(49));
    assert_ne!(Design::new(&f.clone().with_seed(2)).a_row(0), d1.a_row(0));
}

#[test]
fn pick_and_alone() {
    assert_eq!(pick(0.0, 3), 0);
    assert_eq!(pick(0.3333, 3), 0);
    assert_eq!(pick(0.3334, 3), 1);
    assert_eq!(pick(1.0 - f64::EPSILON / 2.0, 3), 2);
    let (f, _, _) = weighting_case();
    let r = Realisation::alone(&f, FactorKind::Weighting, 1).unwrap();
    assert_eq!(r.name(FactorKind::Weighting), Some("critic"));
    assert!(Realisation::alone(&f, FactorKind::Weighting, 3).is_none());
    assert!(Realisation::alone(&f, FactorKind::Exclude, 0).is_none());
}

#[test]
fn scheme_correlations_take_each_alternative_alone() {
    let (f, _, l) = weighting_case();
    let rows = scheme_correlations(&f, &l, &weighting_model).unwrap();
    let alts: Vec<&str> = rows.iter().map(|r| r.alternative.as_str()).collect();
    assert_eq!(alts, ["entropy", "critic", "equal"]);
    close(rows[0].spearman.unwrap(), 1.0);
    close(rows[1].spearman.unwrap(), -1.0);
    close(rows[1].kendall.unwrap(), -1.0);
    // equal [1, 1, 0] against [3, 2, 1]: concordant 2, discordant 0, one
    // tie in y: tau-b = 2 / sqrt(3 * 2).
    close(rows[2].kendall.unwrap(), 2.0 / 6f64.sqrt());
}

/// Every factor; the scores depend on every choice and on the weights.
fn six_factor_case() -> (Factors, Layout) {
    let opts = UncertaintyOptions {
        replications: Some(64),
        seed: Some(9),
        weights_noise: Some(0.3),
        weighting: Some(names(&["entropy", "critic", "equal"])),
        normalisation: Some(names(&["minmax", "rank"])),
        aggregation: Some(names(&["arithmetic", "geometric"])),
        impute: Some(names(&["linear", "year-mean"])),
        exclude: Some(true),
    };
    let f = Factors::new(&opts, &names(&["x1", "x2", "x3", "x4"])).unwrap();
    let regions = (0..9).map(|r| format!("r{r}")).collect();
    let l = Layout::full(regions, vec![2000, 2001, 2002]).unwrap();
    (f, l)
}

fn six_factor_model(run: &Realisation<'_>, out: &mut Output<'_>) -> Result<(), ModelError> {
    let mut w = [0.4, 0.3, 0.2, 0.1];
    if let Some(s) = run.choice(FactorKind::Weighting) {
        w.rotate_left(s);
    }
    run.apply_weights(&mut w)?;
    out.record_weights(&w)?;
    let p = 1.0 + run.choice(FactorKind::Normalisation).unwrap_or(0) as f64;
    let shift = run.choice(FactorKind::Impute).unwrap_or(0) as f64 * 0.05;
    let geo = run.choice(FactorKind::Aggregation) == Some(1);
    for (i, s) in out.scores().iter_mut().enumerate() {
        let x = |j: usize| (((i * 7 + j * 13) % 17) as f64 / 17.0 + 0.1 + shift).powf(p);
        *s = if geo {
            (0..4).map(|j| w[j] * x(j).ln()).sum::<f64>().exp()
        } else {
            (0..4).map(|j| w[j] * x(j)).sum()
        };
    }
    Ok(())
}

#[test]
fn results_do_not_depend_on_the_thread_count() {
    let (f, l) = six_factor_case();
    assert_eq!(f.dims(), 4 + 5);
    assert_eq!(f.runs(), 64 * 8);
    let d = Design::new(&f);
    let go = |threads| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            let runs = run_design(&f, &d, &l, &six_factor_model, true, &|_, _| {}).unwrap();
            let mut buf = Vec::new();
            write_samples(&mut buf, &f, &d, &runs).unwrap();
            (analyse(&f, &l, &runs), runs, buf)
        })
    };
    let (r1, runs1, s1) = go(1);
    let (r2, runs2, s2) = go(2);
    assert_eq!(runs1, runs2);
    assert_eq!(r1, r2);
    assert_eq!(s1, s2);
    assert!(r1.sensitivity.iter().all(|s| s.total_order.unwrap() >= 0.0));
    assert!(runs1.y.iter().any(|&y| y > 0.0));
    // Recorded weights are the realised ones: 0 for the left-out
    // indicator, summing to 1.
    let text = String::from_utf8(s1).unwrap();
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    assert_eq!(
        header,
        [
            "block",
            "row",
            "u:weights:x1",
            "u:weights:x2",
            "u:weights:x3",
            "u:weights:x4",
            "u:weighting",
            "u:normalisation",
            "u:aggregation",
            "u:impute",
            "u:exclude",
            "w:x1",
            "w:x2",
            "w:x3",
            "w:x4",
            "weighting",
            "normalisation",
            "aggregation",
            "impute",
            "exclude",
            "y"
        ]
    );
    let m = 4;
    let ws = runs1.weights.as_ref().unwrap();
    for i in 0..f.runs() {
        let (block, row) = d.locate(i);
        let mut u = vec![0.0; f.dims()];
        d.row_into(&f, block, row, &mut u);
        let run = Realisation::from_row(&f, &u);
        let w = &ws[i * m..(i + 1) * m];
        close(w.iter().sum(), 1.0);
        if let Some(x) = run.excluded() {
            assert_eq!(w[x], 0.0);
        }
    }
    assert_eq!(text.lines().count(), 1 + f.runs());
}

#[test]
fn progress_counts_every_run_in_chunks() {
    let (f, l) = six_factor_case();
    let d = Design::new(&f);
    let seen = std::sync::atomic::AtomicUsize::new(0);
    let max = std::sync::atomic::AtomicUsize::new(0);
    let progress = |done: usize, total: usize| {
        assert_eq!(total, 512);
        seen.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        max.fetch_max(done, std::sync::atomic::Ordering::Relaxed);
    };
    run_design(&f, &d, &l, &six_factor_model, false, &progress).unwrap();
    // N = 64: once per chunk of 16 runs, 128 / 16 of A and B, 384 / 16
    // of the six AB blocks
    assert_eq!(seen.into_inner(), 8 + 24);
    assert_eq!(max.into_inner(), 512);
}

#[test]
fn zero_noise_is_a_dummy_factor_with_zero_indices() {
    let opts = UncertaintyOptions {
        replications: Some(40),
        weights_noise: Some(0.0),
        weighting: Some(names(&["entropy", "critic", "equal"])),
        ..Default::default()
    };
    let f = Factors::new(&opts, &names(&["x1", "x2", "x3", "x4"])).unwrap();
    let (_, l) = six_factor_case();
    let (r, _) = robustness(&f, &l, &six_factor_model, false, &|_, _| {}).unwrap();
    assert_eq!(r.sensitivity[0].factor, "weights");
    assert_eq!(r.sensitivity[0].first_order, Some(0.0));
    assert_eq!(r.sensitivity[0].total_order, Some(0.0));
    assert!(r.sensitivity[1].total_order.unwrap() > 0.0);
}

#[test]
fn the_first_failing_run_is_reported_whatever_the_threads() {
    let (f, l) = six_factor_case();
    let d = Design::new(&f);
    let failing = |run: &Realisation<'_>, out: &mut Output<'_>| -> Result<(), ModelError> {
        if run.name(FactorKind::Aggregation) == Some("geometric") {
            return Err("geometric needs x > 0".into());
        }
        six_factor_model(run, out)
    };
    // The first run of the design that picks geometric.
    let first = (0..f.runs())
        .find(|&i| {
            let (b, r) = d.locate(i);
            let mut u = vec![0.0; f.dims()];
            d.row_into(&f, b, r, &mut u);
            Realisation::from_row(&f, &u).choice(FactorKind::Aggregation) == Some(1)
        })
        .unwrap();
    let (block, row) = d.locate(first);
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let e = pool
            .install(|| run_design(&f, &d, &l, &failing, false, &|_, _| {}))
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            format!("run {} row {row}: geometric needs x > 0", block.label(&f))
        );
    }
}

#[test]
fn non_finite_and_unwritten_scores_are_errors() {
    let (f, d, l) = weighting_case();
    let nan = |run: &Realisation<'_>, out: &mut Output<'_>| -> Result<(), ModelError> {
        weighting_model(run, out)?;
        if run.name(FactorKind::Weighting) == Some("critic") {
            out.scores()[3] = f64::INFINITY;
        }
        Ok(())
    };
    let e = run_design(&f, &d, &l, &nan, false, &|_, _| {}).unwrap_err();
    assert_eq!(
        e.to_string(),
        "run B row 0: the score of region 'r1' in 2021 is inf, not a finite number"
    );
    let unwritten = |_: &Realisation<'_>, _: &mut Output<'_>| -> Result<(), ModelError> { Ok(()) };
    let e = run_design(&f, &d, &l, &unwritten, false, &|_, _| {}).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("run nominal row 0: the score of region 'r0' in 2020 is NaN")
    );
}

fn err(opts: UncertaintyOptions, inds: &[&str]) -> String {
    Factors::new(&opts, &names(inds)).unwrap_err().to_string()
}

#[test]
fn every_bad_setting_is_an_error_naming_its_key() {
    let base = UncertaintyOptions {
        exclude: Some(true),
        ..Default::default()
    };
    let two = ["a", "b"];
    for n in [0, -3] {
        let o = UncertaintyOptions {
            replications: Some(n),
            ..base.clone()
        };
        assert_eq!(
            err(o, &two),
            format!("[uncertainty] replications: must be an integer >= 1, got {n}")
        );
    }
    for a in [1.0, -0.1, f64::NAN, 2.5] {
        let o = UncertaintyOptions {
            weights_noise: Some(a),
            ..base.clone()
        };
        assert_eq!(
            err(o, &two),
            format!("[uncertainty] weights_noise: must be in [0, 1), got {a}")
        );
    }
    let o = UncertaintyOptions {
        aggregation: Some(vec![]),
        ..base.clone()
    };
    assert_eq!(
        err(o, &two),
        "[uncertainty] aggregation: the list of alternatives is empty"
    );
    let o = UncertaintyOptions {
        weighting: Some(names(&["Entropy", "entropy"])),
        ..base.clone()
    };
    assert_eq!(
        err(o, &two),
        "[uncertainty] weighting: 'entropy' is listed twice"
    );
    let o = UncertaintyOptions {
        normalisation: Some(names(&["minmax", "log"])),
        ..base.clone()
    };
    assert_eq!(
        err(o, &two),
        "[uncertainty] normalisation: unknown normalisation 'log' \
         (known: minmax, zscore, rank, goalposts, target)"
    );
    let o = UncertaintyOptions {
        impute: Some(names(&["mean"])),
        ..base.clone()
    };
    assert!(err(o, &two).starts_with("[uncertainty] impute: unknown impute 'mean'"));
    let o = UncertaintyOptions {
        exclude: Some(false),
        ..Default::default()
    };
    assert!(err(o, &two).starts_with("[uncertainty] names no uncertain factor"));
    assert!(err(UncertaintyOptions::default(), &two).starts_with("[uncertainty] names no"));
    assert_eq!(
        err(base.clone(), &["a"]),
        "[uncertainty] exclude: needs at least 2 indicator(s), the index has 1"
    );
    let o = UncertaintyOptions {
        weights_noise: Some(0.2),
        ..Default::default()
    };
    assert_eq!(
        err(o, &[]),
        "[uncertainty] weights_noise: needs at least 1 indicator(s), the index has 0"
    );
    assert_eq!(
        err(base.clone(), &["a", "a"]),
        "indicator 'a' is named twice"
    );
    let f = Factors::new(&base, &names(&two)).unwrap();
    assert_eq!(
        f.clone().with_replications(0).unwrap_err().to_string(),
        "[uncertainty] replications: must be an integer >= 1, got 0"
    );
    // Defaults.
    assert_eq!((f.replications(), f.seed()), (1000, 1));
}

#[test]
fn unknown_schemes_and_impossible_combinations_are_errors_up_front() {
    let o = UncertaintyOptions {
        weighting: Some(names(&["entropy", "merec"])),
        normalisation: Some(names(&["minmax", "zscore"])),
        impute: Some(names(&["none", "linear"])),
        ..Default::default()
    };
    let f = Factors::new(&o, &names(&["a", "b"])).unwrap();
    assert_eq!(
        f.check_weighting(&["entropy", "critic"])
            .unwrap_err()
            .to_string(),
        "[uncertainty] weighting: unknown weighting 'merec' (known: entropy, critic)"
    );
    f.check_weighting(&["entropy", "MEREC"]).unwrap();
    let nominal = |agg: &str, missing| Nominal {
        normalisation: "minmax".into(),
        aggregation: agg.into(),
        has_missing: missing,
    };
    f.check_combinations(&nominal("arithmetic", false)).unwrap();
    assert_eq!(
        f.check_combinations(&nominal("harmonic", false))
            .unwrap_err()
            .to_string(),
        "[uncertainty] normalisation: normalisation 'zscore' cannot run under harmonic \
         aggregation (it needs values > 0)"
    );
    assert_eq!(
        f.check_combinations(&nominal("arithmetic", true))
            .unwrap_err()
            .to_string(),
        "[uncertainty] impute: 'none' cannot run: the data have missing cells"
    );
    let o = UncertaintyOptions {
        aggregation: Some(names(&["arithmetic", "geometric"])),
        ..Default::default()
    };
    let f = Factors::new(&o, &names(&["a", "b"])).unwrap();
    let mut n = nominal("arithmetic", false);
    n.normalisation = "zscore".into();
    assert!(
        f.check_combinations(&n)
            .unwrap_err()
            .to_string()
            .starts_with(
                "[uncertainty] aggregation: normalisation 'zscore' cannot run under geometric"
            )
    );
}

#[test]
fn bad_layouts_weights_and_matrices_are_errors() {
    assert_eq!(
        Layout::full(vec![], vec![2000]).unwrap_err().to_string(),
        "layout: no region-year to rank"
    );
    assert_eq!(
        Layout::full(names(&["a"]), vec![2000, 2000])
            .unwrap_err()
            .to_string(),
        "layout: year 2000 is listed twice"
    );
    assert_eq!(
        Layout::new(names(&["a"]), vec![2000], vec![(0, 0), (0, 0)])
            .unwrap_err()
            .to_string(),
        "layout: region 'a' in 2000 is listed twice"
    );
    assert!(
        Layout::new(names(&["a"]), vec![2000], vec![(1, 0)])
            .unwrap_err()
            .to_string()
            .contains("out of range")
    );
    let (f, _, _) = weighting_case();
    assert!(Design::from_matrices(&f, vec![0.1], vec![0.1, 0.2]).is_err());
    assert!(
        Design::from_matrices(&f, vec![0.1, 1.0], vec![0.1, 0.2])
            .unwrap_err()
            .to_string()
            .contains("holds 1, not a uniform")
    );
    let o = UncertaintyOptions {
        exclude: Some(true),
        ..Default::default()
    };
    let f = Factors::new(&o, &names(&["a", "b"])).unwrap();
    let u = [0.4]; // floor(0.4 * 3) = 1: leaves out a
    let run = Realisation::from_row(&f, &u);
    assert_eq!(
        run.apply_weights(&mut [1.0, 0.0]).unwrap_err().to_string(),
        "the weights left when 'a' is left out sum to 0; they cannot be renormalised"
    );
    assert_eq!(
        run.apply_weights(&mut [1.0]).unwrap_err().to_string(),
        "1 weights given for 2 indicators"
    );
}

#[test]
fn options_read_from_toml_keys() {
    let o: UncertaintyOptions = serde_json::from_value(serde_json::json!({
        "replications": 10, "seed": 3, "weights_noise": 0.25,
        "weighting": ["entropy"], "exclude": true
    }))
    .unwrap();
    let f = Factors::new(&o, &names(&["a", "b"])).unwrap();
    assert_eq!(f.names(), ["weights", "weighting", "exclude"]);
    assert_eq!((f.replications(), f.seed(), f.runs()), (10, 3, 50));
    let e = serde_json::from_value::<UncertaintyOptions>(serde_json::json!({"sed": 1}));
    assert!(e.unwrap_err().to_string().contains("unknown field `sed`"));
}
