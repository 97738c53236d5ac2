//! The generated panels have the structure the model puts in.

use rurban_synth::{Direction, SynthConfig, SynthPanel, generate};

fn wide(p: &SynthPanel) -> Vec<u8> {
    let mut v = Vec::new();
    p.write_wide_csv(&mut v).unwrap();
    v
}

fn long(p: &SynthPanel) -> Vec<u8> {
    let mut v = Vec::new();
    p.write_long_csv(&mut v).unwrap();
    v
}

fn pearson(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let sxy: f64 = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum();
    let sxx: f64 = x.iter().map(|a| (a - mx).powi(2)).sum();
    let syy: f64 = y.iter().map(|b| (b - my).powi(2)).sum();
    sxy / (sxx * syy).sqrt()
}

fn sd(x: &[f64]) -> f64 {
    let n = x.len() as f64;
    let m = x.iter().sum::<f64>() / n;
    (x.iter().map(|a| (a - m).powi(2)).sum::<f64>() / n).sqrt()
}

/// The same configuration gives the same bytes; another seed does not.
#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let cfg = SynthConfig::small();
    let (a, b) = (generate(&cfg).unwrap(), generate(&cfg).unwrap());
    assert_eq!(wide(&a), wide(&b));
    assert_eq!(long(&a), long(&b));
    let mut other = cfg.clone();
    other.seed += 1;
    let c = generate(&other).unwrap();
    assert_ne!(wide(&a), wide(&c));
    // Same header and shape, different numbers.
    assert_eq!(a.indicators, c.indicators);
    assert_eq!(a.n_rows(), c.n_rows());
}

/// Missing cells come from their own random stream: adding them leaves every
/// other value as it was.
#[test]
fn missing_cells_do_not_move_other_values() {
    let full = generate(&SynthConfig::small()).unwrap();
    let mut cfg = SynthConfig::small();
    cfg.indicators.missing_share = 0.2;
    let holed = generate(&cfg).unwrap();
    for (rf, rh) in full.values.iter().zip(&holed.values) {
        for (f, h) in rf.iter().zip(rh) {
            assert!(h.is_nan() || f == h);
        }
    }
}

#[test]
fn preset_shapes() {
    // (preset, regions, years, indicators, distinct groups, first year)
    let cases = [
        (SynthConfig::small(), 13, 10, 20, 3, 2011),
        (SynthConfig::heilongjiang(), 13, 10, 20, 3, 2011),
        (SynthConfig::province(), 31, 20, 30, 3, 2001),
    ];
    for (cfg, nr, nt, nm, ng, y0) in cases {
        let p = generate(&cfg).unwrap();
        assert_eq!(
            (p.regions.len(), p.years.len(), p.indicators.len()),
            (nr, nt, nm)
        );
        assert_eq!(p.years[0], y0);
        assert_eq!(p.n_rows(), nr * nt);
        assert!(p.values.iter().all(|r| r.len() == nm));
        let mut g = p.groups.clone();
        g.sort();
        g.dedup();
        assert_eq!(g.len(), ng);
        assert_eq!(p.dimensions.len(), 5);
        let text = String::from_utf8(wide(&p)).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), nr * nt + 1);
        assert!(lines.iter().all(|l| l.split(',').count() == nm + 2));
        let ids: Vec<&str> = p.indicators.iter().map(|x| x.id.as_str()).collect();
        assert_eq!(lines[0], format!("region,year,{}", ids.join(",")));
        let long_text = String::from_utf8(long(&p)).unwrap();
        assert_eq!(long_text.lines().count(), nr * nt * nm + 1);
    }
    let p = generate(&SynthConfig::province()).unwrap();
    assert_eq!(p.group_of("R01"), Some("east"));
    assert_eq!(p.group_of("R31"), Some("west"));
    assert_eq!(p.group_of("R16"), Some("central"));
}

/// The county preset: 2,851 x 30 x 40, 8 groups, 2% of cells missing.
#[test]
fn county_preset_shape_and_missing_share() {
    let p = generate(&SynthConfig::county()).unwrap();
    assert_eq!(
        (p.regions.len(), p.years.len(), p.indicators.len()),
        (2851, 30, 40)
    );
    assert_eq!(p.regions[0], "R0001");
    assert_eq!(p.regions[2850], "R2851");
    // floor(rank * 8 / 2851): R0001..R0357 are g1 (356 * 8 / 2851 = 0.999), R2851 is g8.
    assert_eq!(p.group_of("R0357"), Some("g1"));
    assert_eq!(p.group_of("R0358"), Some("g2"));
    assert_eq!(p.group_of("R2851"), Some("g8"));
    // round(0.02 * 2851 * 30 * 40) = round(68424) = 68424.
    assert_eq!(p.missing_count(), 68_424);
    assert_eq!(p.shocks.len(), 300);
    assert!(p.values.iter().flatten().all(|v| v.is_nan() || *v > 0.0));
}

/// The number of missing cells is `round(share * cells)`, spread evenly
/// over indicators and years, and they are empty in the CSV.
#[test]
fn missing_share_is_exact_and_spread() {
    let mut cfg = SynthConfig::small();
    cfg.set_region_count(100);
    cfg.indicators.missing_share = 0.1;
    let p = generate(&cfg).unwrap();
    // 100 regions x 10 years x 20 indicators = 20,000 cells; 10% = 2,000.
    assert_eq!(p.missing_count(), 2000);
    for j in 0..20 {
        let m = p.values.iter().filter(|r| r[j].is_nan()).count() as f64 / 1000.0;
        // Binomial sd of a share over 1,000 cells: sqrt(0.1 * 0.9 / 1000) = 0.0095.
        assert!((m - 0.1).abs() < 0.04, "indicator {j}: share {m}");
    }
    for t in 0..10 {
        let m = (0..100)
            .map(|i| p.row(i, t).unwrap().iter().filter(|v| v.is_nan()).count())
            .sum::<usize>();
        assert!(
            (m as f64 / 2000.0 - 0.1).abs() < 0.04,
            "year {t}: {m} missing"
        );
    }
    let text = String::from_utf8(wide(&p)).unwrap();
    let empty = text
        .lines()
        .skip(1)
        .flat_map(|l| l.split(',').skip(2).collect::<Vec<_>>())
        .filter(|f| f.is_empty())
        .count();
    assert_eq!(empty, 2000);
    let long_text = String::from_utf8(long(&p)).unwrap();
    assert_eq!(long_text.lines().filter(|l| l.ends_with(',')).count(), 2000);
}

/// Positive indicators rise from the first to the last year on average,
/// negative ones fall; each correlates with the latent level with its sign.
#[test]
fn trend_and_direction_are_visible() {
    for cfg in [
        SynthConfig::small(),
        SynthConfig::heilongjiang(),
        SynthConfig::province(),
    ] {
        let p = generate(&cfg).unwrap();
        let nt = p.years.len();
        let latent: Vec<f64> = p.latent.iter().flatten().copied().collect();
        for (j, ind) in p.indicators.iter().enumerate() {
            let year_mean = |t: usize| {
                let v: Vec<f64> = (0..p.regions.len())
                    .map(|i| p.row(i, t).unwrap()[j])
                    .filter(|v| !v.is_nan())
                    .collect();
                v.iter().sum::<f64>() / v.len() as f64
            };
            let (first, last) = (year_mean(0), year_mean(nt - 1));
            let pairs: Vec<(f64, f64)> = p
                .values
                .iter()
                .zip(&latent)
                .filter(|(r, _)| !r[j].is_nan())
                .map(|(r, l)| (r[j], *l))
                .collect();
            let (x, l): (Vec<f64>, Vec<f64>) = pairs.into_iter().unzip();
            let r = pearson(&x, &l);
            match ind.direction {
                Direction::Positive => {
                    assert!(last > first, "{}: {first} -> {last}", ind.id);
                    assert!(r > 0.7, "{}: r = {r}", ind.id);
                }
                Direction::Negative => {
                    assert!(last < first, "{}: {first} -> {last}", ind.id);
                    assert!(r < -0.7, "{}: r = {r}", ind.id);
                }
            }
        }
    }
}

/// No value is ever <= 0, percentages stay below 100, even with huge noise.
#[test]
fn values_stay_positive_and_percentages_below_100() {
    let mut noisy = SynthConfig::small();
    noisy.indicators.noise_sd = 2.0;
    noisy.indicators.region_sd = 1.0;
    for cfg in [SynthConfig::small(), SynthConfig::province(), noisy] {
        let p = generate(&cfg).unwrap();
        for (j, ind) in p.indicators.iter().enumerate() {
            for r in &p.values {
                let v = r[j];
                if v.is_nan() {
                    continue;
                }
                assert!(v > 0.0, "{} = {v}", ind.id);
                if ind.unit == "%" {
                    assert!(v < 100.0, "{} = {v}", ind.id);
                }
                // A multiple of 0.0001.
                assert!(((v * 1e4).round() / 1e4 - v).abs() < 1e-12);
            }
        }
    }
}

/// Without noise, an indicator is exactly the affine map of the scaled
/// latent level: the lowest level gives `low` (`high` for a `-` indicator),
/// the highest gives `high` (`low`).
#[test]
fn noiseless_indicators_span_low_to_high() {
    let mut cfg = SynthConfig::small();
    cfg.indicators.noise_sd = 0.0;
    cfg.indicators.region_sd = 0.0;
    let p = generate(&cfg).unwrap();
    let dims = cfg.dimensions();
    let specs: Vec<_> = dims.iter().flat_map(|d| d.indicator.clone()).collect();
    let latent: Vec<f64> = p.latent.iter().flatten().copied().collect();
    let (lmin, lmax) = latent
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| {
            (a.min(x), b.max(x))
        });
    for (j, spec) in specs.iter().enumerate() {
        let col: Vec<f64> = p.values.iter().map(|r| r[j]).collect();
        let min = col.iter().copied().fold(f64::INFINITY, f64::min);
        let max = col.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        assert_eq!((min, max), (spec.low, spec.high), "{}", spec.id);
        for (x, l) in col.iter().zip(&latent) {
            let s = (l - lmin) / (lmax - lmin);
            let want = match spec.direction {
                Direction::Positive => spec.low + (spec.high - spec.low) * s,
                Direction::Negative => spec.high - (spec.high - spec.low) * s,
            };
            assert!(
                (x - want).abs() <= 0.00005 + 1e-9 * want,
                "{}: {x} vs {want}",
                spec.id
            );
        }
    }
}

/// Base levels follow the gradient exactly when nothing random is added:
/// `b_i = level + gradient (1/2 - i/(n-1))`.
#[test]
fn gradient_without_randomness() {
    let mut cfg = SynthConfig::small();
    cfg.set_region_count(5);
    cfg.latent.level = 1.0;
    cfg.latent.gradient = 2.0;
    cfg.latent.base_sd = 0.0;
    let p = generate(&cfg).unwrap();
    // 1 + 2 (0.5 - i/4) for i = 0..4: 2, 1.5, 1, 0.5, 0.
    assert_eq!(p.base, [2.0, 1.5, 1.0, 0.5, 0.0]);
    // Groups by position: floor(i * 3 / 5) = 0, 0, 1, 1, 2.
    assert_eq!(p.groups, ["g1", "g1", "g2", "g2", "g3"]);
}

/// With equal growth and no shocks, the cross-region standard deviation of
/// the level shrinks by exactly `(1 - c)` a year: `L_it - mean_t = (b_i - b̄)(1 - c)^t`.
#[test]
fn convergence_shrinks_gaps_geometrically() {
    let mut cfg = SynthConfig::small();
    cfg.latent.trend_sd = 0.0;
    cfg.latent.shocks = 0;
    cfg.latent.convergence = 0.1;
    let p = generate(&cfg).unwrap();
    let col = |t: usize| p.latent.iter().map(|r| r[t]).collect::<Vec<f64>>();
    let s0 = sd(&col(0));
    assert!(s0 > 0.1);
    for t in 1..p.years.len() {
        let want = s0 * 0.9f64.powi(t as i32);
        assert!((sd(&col(t)) - want).abs() < 1e-12, "year {t}");
    }
    // And the default presets converge too (sigma falls from first to last year).
    for cfg in [
        SynthConfig::small(),
        SynthConfig::heilongjiang(),
        SynthConfig::province(),
    ] {
        let p = generate(&cfg).unwrap();
        let last = p.years.len() - 1;
        let s = |t: usize| sd(&p.latent.iter().map(|r| r[t]).collect::<Vec<f64>>());
        assert!(s(last) < 0.8 * s(0));
    }
}

/// Every shock year shows a decline of the latent level.
#[test]
fn shocks_are_declines() {
    for cfg in [
        SynthConfig::small(),
        SynthConfig::heilongjiang(),
        SynthConfig::province(),
    ] {
        let p = generate(&cfg).unwrap();
        let expected = cfg.latent.shocks + cfg.latent.shock_at.len();
        assert_eq!(p.shocks.len(), expected);
        for s in &p.shocks {
            let i = p.regions.iter().position(|r| *r == s.region).unwrap();
            let t = p.years.iter().position(|y| *y == s.year).unwrap();
            assert!(t >= 1);
            assert!(
                p.latent[i][t] < p.latent[i][t - 1],
                "{} {}",
                s.region,
                s.year
            );
        }
    }
}

/// The latent level is the stated formula; checked by hand for Hegang
/// (shock 2015, size 0.25, persistence 0.4) in 2016, t = 5:
/// `L = b̄ + (b - b̄) 0.95^5 + g 5 - 0.25 * 0.4`.
#[test]
fn latent_formula_by_hand() {
    let p = generate(&SynthConfig::heilongjiang()).unwrap();
    // b̄ = (0.6 + 0.25 - 0.1 - 0.3 - 0.2 + 0.5 - 0.4 + 0 - 0.25 + 0.2 - 0.15 + 0.15 - 0.45) / 13 = -0.15 / 13.
    let bbar = p.base.iter().sum::<f64>() / 13.0;
    assert!((bbar + 0.15 / 13.0).abs() < 1e-15);
    let i = 3;
    assert_eq!(p.regions[i], "Hegang");
    assert_eq!(p.base[i], -0.3);
    let want = bbar + (-0.3 - bbar) * 0.95f64.powi(5) + p.growth[i] * 5.0 - 0.25 * 0.4;
    assert!((p.latent[i][5] - want).abs() < 1e-12);
    // Harbin leads in every year; Daxing'anling starts last.
    for t in 0..10 {
        let col: Vec<f64> = p.latent.iter().map(|r| r[t]).collect();
        assert!(col.iter().all(|&x| x <= col[0]), "year {t}");
    }
    assert!(p.latent.iter().all(|r| r[0] >= p.latent[12][0]));
    // Growth is around the trend.
    assert!(p.growth.iter().all(|g| (g - 0.09).abs() < 0.03));
}

/// `negative_share` makes exactly round(p M) indicators negative.
#[test]
fn negative_share_sets_directions() {
    let mut cfg = SynthConfig::small();
    cfg.indicators.negative_share = Some(0.25);
    let p = generate(&cfg).unwrap();
    let neg = p
        .indicators
        .iter()
        .filter(|x| x.direction == Direction::Negative)
        .count();
    assert_eq!(neg, 5);
    // Positions floor((2q + 1) 20 / 10) = 2, 6, 10, 14, 18.
    let pos: Vec<usize> = (0..20)
        .filter(|&j| p.indicators[j].direction == Direction::Negative)
        .collect();
    assert_eq!(pos, [2, 6, 10, 14, 18]);
    assert_eq!(p.indicators[0].id, "economy_1");
    cfg.indicators.negative_share = Some(0.0);
    assert!(
        generate(&cfg)
            .unwrap()
            .indicators
            .iter()
            .all(|x| x.direction == Direction::Positive)
    );
}

/// More indicators and dimensions than the catalogue holds still give
/// distinct ids, spread as evenly as possible.
#[test]
fn large_generated_catalogue_is_unique() {
    let mut cfg = SynthConfig::small();
    cfg.indicators.count = 103;
    cfg.indicators.dimensions = 7;
    let p = generate(&cfg).unwrap();
    let mut ids: Vec<&str> = p.indicators.iter().map(|x| x.id.as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 103);
    // 103 = 7 * 14 + 5: the first five dimensions get 15, the last two 14.
    let sizes: Vec<usize> = p
        .dimensions
        .iter()
        .map(|d| p.indicators.iter().filter(|x| x.dimension == d.id).count())
        .collect();
    assert_eq!(sizes, [15, 15, 15, 15, 15, 14, 14]);
    assert_eq!(p.dimensions[5].id, "economy_2");
}

/// Region names with commas or quotes are quoted in the CSV files.
#[test]
fn csv_quotes_awkward_names() {
    let mut cfg = SynthConfig::small();
    cfg.regions.names = vec!["A, north".into(), "B \"old\"".into()];
    cfg.regions.groups = 2;
    let p = generate(&cfg).unwrap();
    let text = String::from_utf8(wide(&p)).unwrap();
    assert!(
        text.lines()
            .nth(1)
            .unwrap()
            .starts_with("\"A, north\",2011,")
    );
    assert!(text.contains("\n\"B \"\"old\"\"\",2011,"));
    let mut g = Vec::new();
    p.write_groups_csv(&mut g).unwrap();
    assert_eq!(
        String::from_utf8(g).unwrap(),
        "region,group\n\"A, north\",g1\n\"B \"\"old\"\"\",g2\n"
    );
}

/// The long form holds exactly the wide form's values.
#[test]
fn long_form_matches_wide_form() {
    let mut cfg = SynthConfig::small();
    cfg.indicators.missing_share = 0.05;
    let p = generate(&cfg).unwrap();
    let wide_text = String::from_utf8(wide(&p)).unwrap();
    let long_text = String::from_utf8(long(&p)).unwrap();
    let header: Vec<&str> = wide_text.lines().next().unwrap().split(',').collect();
    let mut from_wide = Vec::new();
    for line in wide_text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        for (k, v) in f.iter().enumerate().skip(2) {
            from_wide.push(format!("{},{},{},{}", f[0], f[1], header[k], v));
        }
    }
    let from_long: Vec<String> = long_text.lines().skip(1).map(String::from).collect();
    assert_eq!(
        long_text.lines().next(),
        Some("region,year,indicator,value")
    );
    assert_eq!(from_wide, from_long);
}
