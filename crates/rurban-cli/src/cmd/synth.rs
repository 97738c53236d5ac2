//! `rurban synth`: write a seeded synthetic panel with known structure.
//!
//! The configuration is built in layers: a preset, then a TOML file
//! (`--config`, keys replace the preset's), then the individual flags. The
//! panel goes to `--out` or stdout; `--spec` and `--groups-out` write a
//! matching index specification and the region groups. Files are written to
//! a temporary name first and renamed when complete.

use std::io::Write;
use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use rurban_synth::{SynthConfig, SynthPanel};

/// Arguments of `rurban synth`.
#[derive(clap::Args, Debug)]
pub struct SynthArgs {
    /// Preset to start from: 13 x 10 x 20 (small), the Heilongjiang example,
    /// 31 x 20 x 30 (province) or 2,851 x 30 x 40 (county).
    #[arg(long, default_value = "small", value_parser = ["heilongjiang", "small", "province", "county"])]
    pub preset: String,
    /// A synth configuration (TOML); its keys replace the preset's.
    #[arg(long, value_name = "FILE.toml")]
    pub config: Option<PathBuf>,
    /// Seed of the random generator (0 ..= 2^63 - 1).
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Number of regions (named R01, R02, ...).
    #[arg(long, value_name = "N")]
    pub regions: Option<usize>,
    /// Years as a range, e.g. 2011-2020.
    #[arg(long, value_name = "A-B", conflicts_with_all = ["first_year", "last_year"])]
    pub years: Option<String>,
    /// First year.
    #[arg(long, value_name = "YEAR", allow_negative_numbers = true)]
    pub first_year: Option<i32>,
    /// Last year (inclusive).
    #[arg(long, value_name = "YEAR", allow_negative_numbers = true)]
    pub last_year: Option<i32>,
    /// Number of indicators (generated from the built-in catalogue).
    #[arg(long, value_name = "N")]
    pub indicators: Option<usize>,
    /// Share of cells left empty, in [0, 1).
    #[arg(long, value_name = "SHARE", allow_negative_numbers = true)]
    pub missing: Option<f64>,
    /// Number of region groups along the gradient.
    #[arg(long, value_name = "N")]
    pub groups: Option<usize>,
    /// Name the regions after the features of these boundaries (GeoJSON), one
    /// region per feature in file order, so the panel fits real geometry.
    #[arg(long, value_name = "FILE.geojson", conflicts_with = "regions")]
    pub geo: Option<PathBuf>,
    /// The feature property that names the regions (default: the first of
    /// name, short, name_en, adcode that every feature has); its values must be
    /// unique (for counties use adcode: county names repeat).
    #[arg(long, value_name = "PROPERTY", requires = "geo")]
    pub key: Option<String>,
    /// Panel CSV to write (default: stdout; needed with --format json).
    #[arg(long, value_name = "FILE", required_if_eq("format", "json"))]
    pub out: Option<PathBuf>,
    /// What is printed once the files are written: a line on stderr, or
    /// with `json` one JSON document on stdout (`{panel, regions, years,
    /// indicators, missing, spec, groups, warnings}`).
    #[arg(long, value_enum, default_value_t = crate::output::Format::Human, conflicts_with = "print_config")]
    pub format: crate::output::Format,
    /// Write the long form `region,year,indicator,value` instead of the wide form.
    #[arg(long)]
    pub long: bool,
    /// Also write a matching index specification (TOML); its `data` key
    /// points at the panel file, relative to the specification.
    #[arg(long, value_name = "FILE")]
    pub spec: Option<PathBuf>,
    /// Also write the region groups as `region,group`.
    #[arg(long = "groups-out", value_name = "FILE")]
    pub groups_out: Option<PathBuf>,
    /// Print the effective configuration as TOML on stdout and write nothing else.
    #[arg(long)]
    pub print_config: bool,
}

/// Runs `rurban synth`.
pub fn run(a: SynthArgs) -> Result<()> {
    let cfg = build_config(&a)?;
    if a.print_config {
        let text = cfg.to_toml()?;
        return write_stdout(text.as_bytes());
    }
    check_distinct(&a)?;
    let panel = rurban_synth::generate(&cfg)?;

    let mut csv = Vec::new();
    if a.long {
        panel.write_long_csv(&mut csv)?;
    } else {
        panel.write_wide_csv(&mut csv)?;
    }
    let spec = a.spec.as_ref().map(|spec_path| {
        let data = a.out.as_ref().map(|out| relative_to(spec_path, out));
        if data.is_none() {
            eprintln!(
                "warning: --spec without --out: the specification has no data key; \
                 give the panel to `rurban run` with --data"
            );
        }
        let name = format!("Synthetic panel ({} preset, seed {})", a.preset, cfg.seed);
        panel.spec_toml_with_data(&name, data.as_deref())
    });
    let mut groups = Vec::new();
    if a.groups_out.is_some() {
        panel.write_groups_csv(&mut groups)?;
    }

    match &a.out {
        Some(path) => write_file(path, &csv)?,
        None => write_stdout(&csv)?,
    }
    if let (Some(path), Some(text)) = (&a.spec, &spec) {
        write_file(path, text.as_bytes())?;
    }
    if let Some(path) = &a.groups_out {
        write_file(path, &groups)?;
    }
    if let Some(path) = &a.out {
        if a.format == crate::output::Format::Json {
            crate::output::emit_json(summary_json(&panel, path, &a), &[])?;
        } else {
            eprintln!("{}", summary(&panel, path));
        }
    }
    Ok(())
}

/// What `--format json` prints: the files written and the panel's shape.
fn summary_json(p: &SynthPanel, path: &Path, a: &SynthArgs) -> serde_json::Value {
    let shown = |f: &Option<PathBuf>| f.as_ref().map(|f| f.display().to_string());
    serde_json::json!({
        "panel": path.display().to_string(),
        "regions": p.regions.len(),
        "years": [p.years.first(), p.years.last()],
        "indicators": p.indicators.len(),
        "missing": p.missing_count(),
        "spec": shown(&a.spec),
        "groups": shown(&a.groups_out),
    })
}

/// Preset, then `--config`, then the flags.
fn build_config(a: &SynthArgs) -> Result<SynthConfig> {
    let mut cfg = SynthConfig::preset(&a.preset).ok_or_else(|| {
        anyhow!(
            "unknown preset '{}': expected heilongjiang, small, province or county",
            a.preset
        )
    })?;
    if let Some(path) = &a.config {
        let bytes = rurban_core::table::read_input(path, rurban_spec::MAX_SPEC_BYTES)?;
        let text = String::from_utf8(bytes)
            .with_context(|| format!("cannot read synth config {}", path.display()))?;
        cfg = SynthConfig::from_toml_over(&cfg, &text)
            .with_context(|| format!("synth config {} is not valid", path.display()))?;
    }
    if let Some(seed) = a.seed {
        cfg.seed = seed;
    }
    if let Some(n) = a.regions {
        if n == 0 {
            bail!("--regions 0: there must be at least 1 region");
        }
        cfg.set_region_count(n);
        if cfg.regions.groups > n && a.groups.is_none() {
            eprintln!(
                "warning: {n} regions: using {n} groups instead of {}",
                cfg.regions.groups
            );
            cfg.set_group_count(n);
        }
    }
    if let Some(path) = &a.geo {
        let geo = rurban_geo::Geography::open(path, a.key.as_deref(), &[])?;
        let n = geo.len();
        if n == 0 {
            bail!("{}: no features to name the regions after", path.display());
        }
        cfg.set_region_count(n);
        cfg.regions.names = geo.ids;
        if cfg.regions.groups > n && a.groups.is_none() {
            cfg.set_group_count(n);
        }
    }
    if let Some(range) = &a.years {
        let (first, last) = parse_years(range)?;
        cfg.first_year = first;
        cfg.last_year = last;
    }
    if let Some(y) = a.first_year {
        cfg.first_year = y;
    }
    if let Some(y) = a.last_year {
        cfg.last_year = y;
    }
    if let Some(n) = a.indicators {
        if n == 0 {
            bail!("--indicators 0: there must be at least 1 indicator");
        }
        cfg.set_indicator_count(n);
    }
    if let Some(m) = a.missing {
        if !(0.0..1.0).contains(&m) {
            bail!("--missing {m} is not a share in [0, 1)");
        }
        cfg.indicators.missing_share = m;
    }
    if let Some(g) = a.groups {
        if g == 0 {
            bail!("--groups 0: there must be at least 1 group");
        }
        cfg.set_group_count(g);
    }
    let resized = a.regions.is_some()
        || a.geo.is_some()
        || a.years.is_some()
        || a.first_year.is_some()
        || a.last_year.is_some();
    if resized {
        let before = cfg.latent.shocks;
        cfg.cap_shocks();
        if cfg.latent.shocks < before && cfg.last_year >= cfg.first_year {
            eprintln!(
                "warning: only {n} region-years after the first year: using {n} random shocks instead of {before}",
                n = cfg.latent.shocks
            );
        }
    }
    cfg.validate()?;
    Ok(cfg)
}

/// `A-B` (also `A..B` or `A:B`) to two years.
fn parse_years(s: &str) -> Result<(i32, i32)> {
    let t = s.trim();
    let parts = t
        .split_once("..")
        .or_else(|| t.split_once(':'))
        .or_else(|| {
            t.char_indices()
                .skip(1)
                .find(|&(_, c)| c == '-')
                .map(|(i, _)| (&t[..i], &t[i + 1..]))
        });
    let bad = || anyhow!("--years '{s}' is not a range of years A-B (e.g. 2011-2020)");
    let (a, b) = parts.ok_or_else(bad)?;
    let a: i32 = a.trim().parse().map_err(|_| bad())?;
    let b: i32 = b.trim().parse().map_err(|_| bad())?;
    if b < a {
        bail!("--years '{s}': the last year {b} is before the first year {a}");
    }
    Ok((a, b))
}

/// The output files must be different files.
fn check_distinct(a: &SynthArgs) -> Result<()> {
    let files: Vec<(&str, &PathBuf)> = [
        ("--out", &a.out),
        ("--spec", &a.spec),
        ("--groups-out", &a.groups_out),
    ]
    .into_iter()
    .filter_map(|(flag, p)| p.as_ref().map(|p| (flag, p)))
    .collect();
    for (i, (fa, pa)) in files.iter().enumerate() {
        for (fb, pb) in &files[i + 1..] {
            if absolute(pa) == absolute(pb) {
                bail!("{fa} and {fb} name the same file {}", pa.display());
            }
        }
    }
    Ok(())
}

/// A path made absolute against the current directory, with `.` and `..`
/// resolved lexically.
fn absolute(p: &Path) -> PathBuf {
    let joined = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(p))
            .unwrap_or_else(|_| p.to_path_buf())
    };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// The path of `target` relative to the directory holding `spec`, with `/`
/// separators (the absolute path when they share no root).
fn relative_to(spec: &Path, target: &Path) -> String {
    let spec_abs = absolute(spec);
    let from = spec_abs.parent().map(Path::to_path_buf).unwrap_or_default();
    let to = absolute(target);
    let fc: Vec<Component> = from.components().collect();
    let tc: Vec<Component> = to.components().collect();
    let common = fc.iter().zip(&tc).take_while(|(a, b)| a == b).count();
    if common == 0 {
        return to.to_string_lossy().replace('\\', "/");
    }
    let mut parts: Vec<String> = vec!["..".to_string(); fc.len() - common];
    parts.extend(
        tc[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

/// Writes `bytes` to a temporary file next to `path`, then renames it.
fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let name = path
        .file_name()
        .ok_or_else(|| anyhow!("output path {} does not name a file", path.display()))?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create directory {}", dir.display()))?;
    }
    let tmp = path.with_file_name(format!(
        ".{}.tmp-{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    let result = std::fs::write(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, path));
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(e).with_context(|| format!("cannot write {}", path.display()));
    }
    Ok(())
}

/// Writes to stdout; a closed pipe (e.g. `| head`) is not an error.
fn write_stdout(bytes: &[u8]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => r.map_err(crate::output::stdout_error),
    }
}

fn summary(p: &SynthPanel, path: &Path) -> String {
    let years = match (p.years.first(), p.years.last()) {
        (Some(a), Some(b)) => format!("{a}-{b}"),
        _ => String::new(),
    };
    format!(
        "wrote {} regions x {} years ({}) x {} indicators, {} missing cells, to {}",
        p.regions.len(),
        p.years.len(),
        years,
        p.indicators.len(),
        p.missing_count(),
        path.display()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_ranges() {
        assert_eq!(parse_years("2011-2020").unwrap(), (2011, 2020));
        assert_eq!(parse_years(" 2011 .. 2020 ").unwrap(), (2011, 2020));
        assert_eq!(parse_years("2011:2011").unwrap(), (2011, 2011));
        assert!(
            parse_years("2011")
                .unwrap_err()
                .to_string()
                .starts_with("--years '2011' is not a range")
        );
        assert!(
            parse_years("2020-2011")
                .unwrap_err()
                .to_string()
                .contains("before the first year")
        );
        assert!(parse_years("a-b").is_err());
    }

    #[test]
    fn spec_data_paths_are_relative() {
        assert_eq!(
            relative_to(Path::new("/a/b/index.toml"), Path::new("/a/b/panel.csv")),
            "panel.csv"
        );
        assert_eq!(
            relative_to(Path::new("/a/spec/index.toml"), Path::new("/a/data/p.csv")),
            "../data/p.csv"
        );
        assert_eq!(
            relative_to(Path::new("/a/index.toml"), Path::new("/a/d/e/p.csv")),
            "d/e/p.csv"
        );
        assert_eq!(
            relative_to(Path::new("x/./index.toml"), Path::new("x/y/../p.csv")),
            "p.csv"
        );
    }
}
