//! Configuration: TOML round trips, overlays, and every rejected value.

use rurban_synth::{MAX_CELLS, PRESETS, ShockAt, SynthConfig, SynthError, generate};

#[test]
fn presets_round_trip_through_toml() {
    for name in PRESETS {
        let cfg = SynthConfig::preset(name).unwrap();
        let text = cfg.to_toml().unwrap();
        assert_eq!(SynthConfig::from_toml(&text).unwrap(), cfg, "{name}");
        cfg.validate().unwrap();
    }
    assert!(SynthConfig::preset("Heilongjiang").is_some());
    assert!(SynthConfig::preset("nation").is_none());
    assert_eq!(SynthConfig::from_toml("").unwrap(), SynthConfig::small());
    assert_eq!(SynthConfig::default(), SynthConfig::small());
}

#[test]
fn partial_toml_keeps_defaults() {
    let cfg = SynthConfig::from_toml("seed = 7\n[latent]\ntrend = 0.2\n").unwrap();
    let mut want = SynthConfig::small();
    want.seed = 7;
    want.latent.trend = 0.2;
    assert_eq!(cfg, want);
}

#[test]
fn overlay_replaces_only_what_it_names() {
    let base = SynthConfig::heilongjiang();
    let cfg = SynthConfig::from_toml_over(&base, "seed = 5\n[latent]\nshock_size = 0.5\n").unwrap();
    let mut want = base.clone();
    want.seed = 5;
    want.latent.shock_size = 0.5;
    assert_eq!(cfg, want);
}

#[test]
fn overlay_region_count_drops_named_regions() {
    let base = SynthConfig::heilongjiang();
    let cfg = SynthConfig::from_toml_over(&base, "[regions]\ncount = 20\n").unwrap();
    assert_eq!(cfg.regions.count, 20);
    assert!(
        cfg.regions.names.is_empty() && cfg.regions.base.is_empty() && cfg.regions.group.is_empty()
    );
    assert!(cfg.latent.shock_at.is_empty());
    // The explicit dimensions stay.
    assert_eq!(cfg.dimension, base.dimension);
    let p = generate(&cfg).unwrap();
    assert_eq!(p.regions.len(), 20);
    // Names given together with the count are kept.
    let cfg = SynthConfig::from_toml_over(&base, "[regions]\ncount = 2\nnames = [\"A\", \"B\"]\nbase = []\ngroup = []\ngroups = 2\n[latent]\nshock_at = []\n").unwrap();
    assert_eq!(cfg.region_names(), ["A", "B"]);
    generate(&cfg).unwrap();
}

#[test]
fn overlay_reshaping_caps_random_shocks() {
    let base = SynthConfig::county();
    // 5 regions x (2020 - 2011) = 45 region-years after the first year.
    let cfg =
        SynthConfig::from_toml_over(&base, "first_year = 2011\n[regions]\ncount = 5\n").unwrap();
    assert_eq!(cfg.latent.shocks, 45);
    // The county preset's 8 groups become 5, one region each.
    assert_eq!(cfg.regions.groups, 5);
    assert_eq!(
        generate(&cfg).unwrap().groups,
        ["g1", "g2", "g3", "g4", "g5"]
    );
    // An explicit number is kept, and then rejected if it does not fit.
    let cfg = SynthConfig::from_toml_over(&base, "[regions]\ncount = 5\n[latent]\nshocks = 300\n")
        .unwrap();
    assert_eq!(cfg.latent.shocks, 300);
    assert!(
        cfg.validate()
            .unwrap_err()
            .to_string()
            .contains("latent.shocks")
    );
    // Not reshaped: untouched.
    let cfg = SynthConfig::from_toml_over(&base, "seed = 1\n").unwrap();
    assert_eq!(cfg.latent.shocks, 300);
}

#[test]
fn overlay_indicator_count_drops_explicit_dimensions() {
    let base = SynthConfig::heilongjiang();
    let cfg =
        SynthConfig::from_toml_over(&base, "[indicators]\ncount = 12\ndimensions = 3\n").unwrap();
    assert!(cfg.dimension.is_empty());
    let p = generate(&cfg).unwrap();
    assert_eq!(p.indicators.len(), 12);
    assert_eq!(p.dimensions.len(), 3);
    // Noise settings alone keep the explicit dimensions.
    let cfg = SynthConfig::from_toml_over(&base, "[indicators]\nnoise_sd = 0.1\n").unwrap();
    assert_eq!(cfg.dimension, base.dimension);
}

#[test]
fn overlay_group_count_drops_explicit_groups() {
    let base = SynthConfig::heilongjiang();
    let cfg = SynthConfig::from_toml_over(&base, "[regions]\ngroups = 2\n").unwrap();
    let p = generate(&cfg).unwrap();
    // Ranked by base level: the top 7 (floor(rank * 2 / 13) = 0 for rank <= 6) are g1.
    // Top 7 bases: Harbin 0.6, Daqing 0.5, Qiqihar 0.25, Mudanjiang 0.2, Suihua 0.15, Jiamusi 0, Jixi -0.1.
    for r in [
        "Harbin",
        "Daqing",
        "Qiqihar",
        "Mudanjiang",
        "Suihua",
        "Jiamusi",
        "Jixi",
    ] {
        assert_eq!(p.group_of(r), Some("g1"), "{r}");
    }
    for r in [
        "Heihe",
        "Shuangyashan",
        "Qitaihe",
        "Hegang",
        "Yichun",
        "Daxing'anling",
    ] {
        assert_eq!(p.group_of(r), Some("g2"), "{r}");
    }
}

#[test]
fn setters_for_the_command_line() {
    let mut cfg = SynthConfig::heilongjiang();
    cfg.set_indicator_count(3);
    assert_eq!(cfg.indicators.dimensions, 3);
    assert!(cfg.dimension.is_empty());
    cfg.set_region_count(4);
    cfg.set_group_count(2);
    let p = generate(&cfg).unwrap();
    assert_eq!((p.regions.len(), p.indicators.len()), (4, 3));
    assert_eq!(p.groups, ["g1", "g1", "g2", "g2"]);
}

fn toml_err(text: &str) -> String {
    match SynthConfig::from_toml(text) {
        Err(e @ SynthError::Toml(_)) => e.to_string(),
        other => panic!("expected a TOML error for {text:?}, got {other:?}"),
    }
}

#[test]
fn bad_toml_is_rejected_with_the_key() {
    assert!(toml_err("sead = 1\n").contains("sead"));
    assert!(toml_err("[regions]\ncolor = 1\n").contains("color"));
    assert!(
        toml_err("seed = \"x\"\n").contains("seed")
            || toml_err("seed = \"x\"\n").contains("integer")
    );
    assert!(toml_err("seed = \n").contains("TOML"));
    let e = toml_err(
        "[[dimension]]\nid = \"a\"\nname = \"A\"\n[[dimension.indicator]]\nid = \"x\"\nname = \"X\"\ndirection = \"up\"\nunit = \"\"\nlow = 1.0\nhigh = 2.0\n",
    );
    assert!(e.contains("invalid direction 'up'"), "{e}");
    assert!(
        SynthConfig::from_toml_over(&SynthConfig::small(), "[latent]\nfoo = 1\n")
            .unwrap_err()
            .to_string()
            .contains("foo")
    );
    assert!(SynthConfig::from_toml_over(&SynthConfig::small(), "[[[").is_err());
}

/// Applies `f` to the small preset and expects an error naming `key` and `what`.
fn rejects(key: &str, what: &str, f: impl FnOnce(&mut SynthConfig)) {
    let mut cfg = SynthConfig::small();
    f(&mut cfg);
    let err = cfg.validate().expect_err(key);
    let msg = err.to_string();
    assert!(matches!(err, SynthError::Invalid { .. }), "{msg}");
    assert!(
        msg.contains(key) && msg.contains(what),
        "expected {key} / {what}, got: {msg}"
    );
    assert!(generate(&cfg).is_err());
}

#[test]
fn every_bad_value_is_rejected() {
    rejects("seed", "2^63", |c| c.seed = u64::MAX);
    rejects("last_year", "before first_year 2011", |c| {
        c.last_year = 2010;
    });
    rejects("regions.count", "at least 1", |c| c.regions.count = 0);
    rejects("regions.names", "'A' appears twice", |c| {
        c.regions.names = vec!["A".into(), "A".into(), "B".into()];
    });
    rejects("regions.names", "empty", |c| {
        c.regions.names = vec![String::new(), "B".into(), "C".into()];
    });
    rejects("regions.names", "spaces", |c| {
        c.regions.names = vec![" A".into(), "B".into(), "C".into()];
    });
    rejects("regions.names", "control", |c| {
        c.regions.names = vec!["A\nB".into(), "B".into(), "C".into()];
    });
    rejects("regions.base", "2 values for 13 regions", |c| {
        c.regions.base = vec![0.0, 1.0];
    });
    rejects("regions.base", "'R02' is not a finite", |c| {
        c.regions.base = vec![0.0; 13];
        c.regions.base[1] = f64::NAN;
    });
    rejects("regions.group", "1 labels for 13 regions", |c| {
        c.regions.group = vec!["a".into()];
    });
    rejects("regions.groups", "14 is not between 1 and 13", |c| {
        c.regions.groups = 14;
    });
    rejects("regions.groups", "0 is not between", |c| {
        c.regions.groups = 0;
    });
    rejects("regions.group_names", "2 labels for 3 groups", |c| {
        c.regions.group_names = vec!["a".into(), "b".into()];
    });
    rejects("latent.gradient", "finite", |c| {
        c.latent.gradient = f64::INFINITY;
    });
    rejects("latent.base_sd", ">= 0", |c| c.latent.base_sd = -0.1);
    rejects("latent.trend_sd", ">= 0", |c| c.latent.trend_sd = f64::NAN);
    rejects("latent.shock_size", ">= 0", |c| c.latent.shock_size = -1.0);
    rejects("indicators.noise_sd", ">= 0", |c| {
        c.indicators.noise_sd = -0.01;
    });
    rejects("indicators.region_sd", ">= 0", |c| {
        c.indicators.region_sd = f64::INFINITY;
    });
    rejects("latent.convergence", "[0, 1)", |c| {
        c.latent.convergence = 1.0;
    });
    rejects("latent.shock_persistence", "[0, 1]", |c| {
        c.latent.shock_persistence = 1.5;
    });
    rejects(
        "latent.shocks",
        "118 shocks do not fit in 117 region-years",
        |c| c.latent.shocks = 118,
    );
    rejects("latent.shocks", "0 region-years", |c| {
        c.last_year = c.first_year;
    });
    rejects(
        "latent.shock_at",
        "'Nowhere' is not one of the regions",
        |c| {
            c.latent.shock_at = vec![ShockAt {
                region: "Nowhere".into(),
                year: 2015,
            }];
        },
    );
    rejects("latent.shock_at", "year 2011 for 'R01'", |c| {
        c.latent.shock_at = vec![ShockAt {
            region: "R01".into(),
            year: 2011,
        }];
    });
    rejects("latent.shock_at", "year 2021", |c| {
        c.latent.shock_at = vec![ShockAt {
            region: "R01".into(),
            year: 2021,
        }];
    });
    rejects("latent.shock_at", "listed twice", |c| {
        c.latent.shock_at = vec![
            ShockAt {
                region: "R01".into(),
                year: 2015
            };
            2
        ];
    });
    rejects("indicators.missing_share", "[0, 1)", |c| {
        c.indicators.missing_share = 1.0;
    });
    rejects("indicators.missing_share", "[0, 1)", |c| {
        c.indicators.missing_share = -0.1;
    });
    rejects("indicators.count", "at least 1", |c| c.indicators.count = 0);
    rejects("indicators.dimensions", "6 is not between 1 and 5", |c| {
        c.indicators.count = 5;
        c.indicators.dimensions = 6;
    });
    rejects("indicators.dimensions", "0 is not between", |c| {
        c.indicators.dimensions = 0;
    });
    rejects("indicators.negative_share", "[0, 1]", |c| {
        c.indicators.negative_share = Some(1.5);
    });

    let hlj = |f: fn(&mut SynthConfig)| {
        move |c: &mut SynthConfig| {
            *c = SynthConfig::heilongjiang();
            f(c);
        }
    };
    rejects(
        "dimension.id",
        "'economy' appears twice",
        hlj(|c| c.dimension[1].id = "economy".into()),
    );
    rejects(
        "dimension.id",
        "reserved",
        hlj(|c| c.dimension[1].id = "composite".into()),
    );
    rejects(
        "dimension.id",
        "empty",
        hlj(|c| c.dimension[1].id = String::new()),
    );
    rejects(
        "dimension.indicator",
        "'social' has no indicators",
        hlj(|c| c.dimension[1].indicator.clear()),
    );
    rejects(
        "dimension.indicator.id",
        "'pm25' appears twice",
        hlj(|c| c.dimension[0].indicator[0].id = "pm25".into()),
    );
    rejects(
        "dimension.indicator.id",
        "region or year",
        hlj(|c| c.dimension[0].indicator[0].id = "Year".into()),
    );
    rejects(
        "dimension.indicator.id",
        "region or year",
        hlj(|c| c.dimension[0].indicator[0].id = "城市".into()),
    );
    rejects(
        "dimension.indicator.low",
        "0 for 'income_ratio' is not a number > 0",
        hlj(|c| c.dimension[0].indicator[0].low = 0.0),
    );
    rejects(
        "dimension.indicator.high",
        "1 for 'income_ratio' is not a number > low (1.6)",
        hlj(|c| c.dimension[0].indicator[0].high = 1.0),
    );
    rejects(
        "dimension.indicator.ceiling",
        "100 for 'nonfarm_share' is not a number > high (120)",
        hlj(|c| c.dimension[0].indicator[2].high = 120.0),
    );
    rejects(
        "dimension.indicator.ceiling",
        "2.5 for 'income_ratio'",
        hlj(|c| c.dimension[0].indicator[0].ceiling = Some(2.5)),
    );
}

#[test]
fn too_large_is_rejected() {
    let mut cfg = SynthConfig::small();
    cfg.set_region_count(1_000_000);
    cfg.indicators.count = 21;
    // 1,000,000 x 10 x 21 = 210,000,000 cells.
    match cfg.validate() {
        Err(SynthError::TooLarge { cells, limit }) => {
            assert_eq!(cells, 210_000_000);
            assert_eq!(limit, MAX_CELLS);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn one_region_one_year_is_fine() {
    let mut cfg = SynthConfig::small();
    cfg.set_region_count(1);
    cfg.set_group_count(1);
    cfg.last_year = cfg.first_year;
    cfg.latent.shocks = 0;
    cfg.indicators.noise_sd = 0.0;
    cfg.indicators.region_sd = 0.0;
    let p = generate(&cfg).unwrap();
    assert_eq!(p.n_rows(), 1);
    assert_eq!(p.latent, [[p.base[0]]]);
    // A constant latent level maps to the middle of each range, s = 1/2:
    // income_ratio (-, 1.6..2.9): 2.9 - 1.3 / 2 = 2.25; nonfarm_share (+, 55..92): 73.5.
    assert_eq!(p.values[0][0], 2.25);
    assert_eq!(p.values[0][2], 73.5);
}

#[test]
fn a_billion_regions_are_rejected_before_any_name_is_built() {
    let mut cfg = SynthConfig::small();
    cfg.set_region_count(1_000_000_000);
    let n = cfg
        .dimensions()
        .iter()
        .map(|d| d.indicator.len())
        .sum::<usize>() as u128;
    // Building 10^9 region names first took tens of gigabytes.
    match cfg.validate() {
        Err(SynthError::TooLarge { cells, limit }) => {
            assert_eq!(cells, 1_000_000_000 * 10 * n);
            assert_eq!(limit, MAX_CELLS);
        }
        other => panic!("{other:?}"),
    }
}
