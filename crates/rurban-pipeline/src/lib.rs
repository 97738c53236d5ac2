//! The `rurban run` pipeline: from an index specification to weights, scores,
//! the analysis chain and its findings.
//!
//! Data flow: read the table named by the spec (or `--data`) -> keep the
//! indicators the spec needs -> impute by the spec's rule -> compute derived
//! indicators -> check completeness -> weigh and score ([`rurban_index`]) ->
//! run the analysis chain -> collect everything into a [`RunOutput`], which
//! [`output`] renders as CSV and JSON files and [`outdir`] commits into the
//! output directory.
//!
//! Weighting schemes and derived indicators are found through a [`Resolve`]
//! implementation, so the pipeline does not care whether a method is built in
//! or comes from a plugin.

pub mod analysis;
pub mod construction;
pub mod findings;
pub mod outdir;
pub mod output;
pub mod robustness;
pub mod spatial;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use ndarray::Array2;
use rurban_core::impute::{Coverage, ImputedCell, impute_in};
use rurban_core::{CoreError, Panel, PanelColumns, ReadOptions, Table};
use rurban_index::{IndexModel, IndexResult};
use rurban_spec::DerivedSpec;
use rurban_spec::Spec;
use rurban_weighting::Weighting;

/// Looks up weighting schemes and derived-indicator kinds by name.
pub trait Resolve {
    /// A weighting scheme by name.
    fn weighting(&self, name: &str) -> Option<Arc<dyn Weighting>>;
    /// Names of every known weighting scheme (for messages).
    fn weighting_names(&self) -> Vec<String>;
    /// Computes a derived indicator: `None` when the kind is unknown. `columns`
    /// are the input columns (region-year rows, NaN = missing) in the spec's order.
    fn derive(
        &self,
        spec: &DerivedSpec,
        columns: &[Vec<f64>],
        regions: &[String],
        years: &[i64],
        params: &str,
    ) -> Option<Result<Vec<f64>, String>>;
    /// A normalisation by name, beyond the built-in ones (from plugins).
    fn normaliser(&self, name: &str) -> Option<Arc<dyn rurban_index::Normaliser>> {
        let _ = name;
        None
    }
    /// An aggregation by name, beyond the built-in ones (from plugins).
    fn aggregator(&self, name: &str) -> Option<Arc<dyn rurban_index::Aggregator>> {
        let _ = name;
        None
    }
}

/// Built-in weighting schemes only, no derived kinds.
#[derive(Debug, Default, Clone, Copy)]
pub struct Builtins;

impl Resolve for Builtins {
    fn weighting(&self, name: &str) -> Option<Arc<dyn Weighting>> {
        rurban_weighting::builtin(name).map(Arc::from)
    }
    fn weighting_names(&self) -> Vec<String> {
        rurban_weighting::builtin_names()
            .iter()
            .map(ToString::to_string)
            .collect()
    }
    fn derive(
        &self,
        _: &DerivedSpec,
        _: &[Vec<f64>],
        _: &[String],
        _: &[i64],
        _: &str,
    ) -> Option<Result<Vec<f64>, String>> {
        None
    }
}

/// The steps of a run, reported to a progress callback as each begins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Reading, imputing and deriving the panel.
    Load,
    /// Weights and scores.
    Index,
    /// Clustering the regions.
    Cluster,
    /// Kernel density per year.
    Kde,
    /// Disparity per year.
    Disparity,
    /// Convergence.
    Convergence,
    /// Grey relational analysis.
    Grey,
    /// The spatial chain of `[geo]` (Moran's I, LISA, spatial Markov,
    /// centre of gravity).
    Spatial,
}

impl Step {
    /// Every step, in order.
    pub const ALL: [Step; 8] = [
        Step::Load,
        Step::Index,
        Step::Cluster,
        Step::Kde,
        Step::Disparity,
        Step::Convergence,
        Step::Grey,
        Step::Spatial,
    ];

    /// What the step does, for a progress line.
    pub fn label(self) -> &'static str {
        match self {
            Step::Load => "reading the panel",
            Step::Index => "weights and scores",
            Step::Cluster => "clustering regions",
            Step::Kde => "kernel density",
            Step::Disparity => "disparity",
            Step::Convergence => "convergence",
            Step::Grey => "grey relational analysis",
            Step::Spatial => "spatial statistics",
        }
    }
}

/// Errors of a run.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    /// Input or specification problem.
    #[error(transparent)]
    Core(#[from] CoreError),
    /// Index construction problem.
    #[error("{path}: {cause}")]
    Index {
        /// The input file the index was built from.
        path: PathBuf,
        /// What went wrong in the construction.
        cause: Box<rurban_index::IndexError>,
    },
    /// Anything else, already phrased for the user.
    #[error("{0}")]
    Other(String),
}

/// Options that override the specification.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Use this data file instead of the spec's.
    pub data: Option<PathBuf>,
    /// Use this study period instead of the spec's `[data] years`.
    pub years: Option<rurban_spec::YearRange>,
}

/// Everything a run computes. [`output::summary`] turns it into the typed
/// summary that `summary.json`, the tables and the report are made from.
#[derive(Debug, Clone)]
pub struct RunOutput {
    /// The specification that was run.
    pub spec: Spec,
    /// The data file read.
    pub data_file: PathBuf,
    /// The panel after imputation and derivation, indicators in spec order:
    /// its `source`, `regions`, `years` and `indicators`. Its cubes
    /// (`values`, `observed`, `rows`) are released once the construction
    /// has read them (they are `regions x years x 0`): the values the run
    /// computed with are in [`RunOutput::construction`] and
    /// [`RunOutput::index`].
    pub panel: Panel,
    /// Indicators, directions and dimensions.
    pub model: IndexModel,
    /// Weights and scores.
    pub index: IndexResult,
    /// Cells filled by imputation.
    pub imputed: Vec<ImputedCell>,
    /// Each indicator's coverage in the study period, before imputation.
    pub coverage: Vec<Coverage>,
    /// The study period, when `[data] years` or `--years` chose one.
    pub period: Option<rurban_spec::YearRange>,
    /// The construction's stages, coupling coordination and obstacles.
    pub construction: construction::Built,
    /// The uncertainty and sensitivity analysis (with `[uncertainty]`).
    pub robustness: Option<rurban_robust::RobustnessReport>,
    /// Warnings collected along the way.
    pub warnings: Vec<String>,
    /// Statistics of the composite for each year.
    pub yearly: Vec<rurban_results::YearStats>,
    /// Results of the analysis chain.
    pub analysis: analysis::Analysis,
    /// The findings in words.
    pub findings: findings::Findings,
    /// The input of the report's maps (with `[geo]`; built here, where the
    /// geometry is at hand).
    pub maps: Option<rurban_results::maps::MapsInput>,
}

/// The data file of a spec, `--data` first.
pub fn data_path(spec: &Spec, opts: &RunOptions) -> Result<PathBuf, PipelineError> {
    if let Some(p) = &opts.data {
        return Ok(p.clone());
    }
    match spec.data.as_ref().and_then(|d| d.file.as_deref()) {
        Some(f) => Ok(spec.resolve(f)),
        None => Err(PipelineError::Other(format!(
            "{}: no data file: set `data = \"panel.csv\"` (or [data] file = ...) in the spec, or pass --data",
            spec.path.display()
        ))),
    }
}

/// What [`load_panel`] read: the data file, the panel (imputed, derived,
/// in spec order), the imputed cells, the coverage and the warnings.
pub type Loaded = (PathBuf, Panel, Vec<ImputedCell>, Vec<Coverage>, Vec<String>);

/// The study period of a run: `--years`, else the spec's `[data] years`.
pub fn period(spec: &Spec, opts: &RunOptions) -> Option<rurban_spec::YearRange> {
    opts.years
        .or_else(|| spec.data.as_ref().and_then(|d| d.years))
}

/// Keeps the study period's years of `panel`; the error names where the
/// period came from.
fn select_period(panel: &Panel, spec: &Spec, opts: &RunOptions) -> Result<Panel, PipelineError> {
    let Some(p) = period(spec, opts) else {
        return Ok(panel.clone());
    };
    let origin = if opts.years.is_some() {
        format!("--years {p}")
    } else {
        format!(
            "{}: [data] years = [{}, {}]",
            spec.path.display(),
            p.first,
            p.last
        )
    };
    panel
        .select_years(p.first, p.last)
        .map_err(|e| PipelineError::Other(format!("{origin}: {e}")))
}

/// Reads the panel a spec needs, keeps the study period, imputes, derives
/// and checks completeness.
pub fn load_panel(
    spec: &Spec,
    opts: &RunOptions,
    resolver: &dyn Resolve,
) -> Result<Loaded, PipelineError> {
    let (loaded, _) = load_data(spec, opts, resolver, false)?;
    Ok(loaded)
}

/// [`load_panel`] that also reads the data columns of the construction
/// (denominators, the group column) and, with `allow_missing`, leaves
/// missing cells for the construction to fill, skip or name.
pub fn load_data(
    spec: &Spec,
    opts: &RunOptions,
    resolver: &dyn Resolve,
    allow_missing: bool,
) -> Result<(Loaded, construction::Extras), PipelineError> {
    let path = data_path(spec, opts)?;
    let data = spec.data.clone().unwrap_or_default();
    let read_opts = ReadOptions {
        encoding: data.encoding.clone(),
        sheet: data.sheet.clone(),
    };
    let derived_ids: Vec<&str> = spec.derived.iter().map(|d| d.id.as_str()).collect();
    let mut wanted: Vec<String> = Vec::new();
    let mut push = |name: &str| {
        if !derived_ids.contains(&name) && !wanted.iter().any(|w| w == name) {
            wanted.push(name.to_string());
        }
    };
    for d in &spec.derived {
        for i in &d.inputs {
            push(i);
        }
    }
    for (_, ind) in spec.indicators() {
        push(&ind.id);
    }
    for d in construction::denominator_columns(spec) {
        push(&d);
    }
    let cols = PanelColumns {
        region: data.region.as_deref(),
        year: data.year.as_deref(),
    };
    // A plain wide CSV is read straight into the panel, keeping only the
    // header: enough for everything below but the group column of
    // impute = "group-mean", which needs the table's cells. Anything the
    // fast reading leaves is read the general way, with its errors. The
    // denominators are checked on the header either way (the fast reading
    // only succeeds when the general one would).
    let fast = if spec.method.impute == rurban_core::Impute::GroupMean {
        None
    } else {
        rurban_core::wide::read_wide(&path, &read_opts, &cols, Some(&wanted))
    };
    let (table, mut panel) = match fast {
        Some((table, panel)) => {
            construction::check_denominators(spec, &table)?;
            (table, panel)
        }
        None => {
            let table = Table::read(&path, &read_opts)?;
            construction::check_denominators(spec, &table)?;
            let panel = Panel::from_table(&table, &cols, Some(&wanted))?;
            (table, panel)
        }
    };
    // The period is checked before anything is imputed; observations
    // outside it still bound the interpolations inside it.
    let period = period(spec, opts);
    if period.is_some() {
        select_period(&panel, spec, opts)?;
    }
    let imputation = if allow_missing && spec.method.impute == rurban_core::Impute::None {
        // the construction fills, skips or names the missing cells
        rurban_core::impute::Imputation {
            cells: Vec::new(),
            coverage: rurban_core::impute::coverage_in(
                &panel,
                spec.method.impute,
                period.map(|p| (p.first, p.last)),
            ),
        }
    } else {
        impute_in(
            &mut panel,
            spec.method.impute,
            spec.method.extrapolate,
            period.map(|p| (p.first, p.last)),
        )?
    };
    let mut panel = match period {
        Some(_) => select_period(&panel, spec, opts)?,
        None => panel,
    };
    let (imputed, coverage) = (imputation.cells, imputation.coverage);
    let mut warnings = Vec::new();
    if let Some(yc) = table.id_column(rurban_core::IdColumn::Year, cols.year)? {
        warnings.extend(table.date_year_warning(yc));
    }
    for d in &spec.derived {
        // A derived id that is also a column would silently replace it.
        if let Some(c) = table.find(&d.id) {
            return Err(PipelineError::Other(format!(
                "{}: derived indicator '{}' has the name of column '{}' of {}; rename the derived indicator",
                spec.path.display(),
                rurban_core::clip(&d.id),
                rurban_core::clip(&table.headers[c]),
                path.display()
            )));
        }
        derive_into(&mut panel, d, spec, resolver)?;
    }
    let order: Vec<String> = spec
        .indicators()
        .iter()
        .map(|(_, i)| i.id.clone())
        .collect();
    let extras = construction::extras(spec, &panel, &table)?;
    let panel = panel.into_selected(&order)?;
    if !allow_missing {
        panel.require_complete()?;
    }
    Ok(((path, panel, imputed, coverage, warnings), extras))
}

fn derive_into(
    panel: &mut Panel,
    d: &DerivedSpec,
    spec: &Spec,
    resolver: &dyn Resolve,
) -> Result<(), PipelineError> {
    let (nr, ny, _) = panel.values.dim();
    let mut columns = Vec::new();
    for name in &d.inputs {
        let k = panel
            .indicators
            .iter()
            .position(|i| i == name)
            .ok_or_else(|| {
                PipelineError::Other(format!(
                    "{}: derived indicator '{}': input '{}' is not an indicator of the data{}",
                    spec.path.display(),
                    d.id,
                    name,
                    rurban_core::suggest::did_you_mean(name, &panel.indicators)
                ))
            })?;
        let mut col = Vec::with_capacity(nr * ny);
        for r in 0..nr {
            for y in 0..ny {
                col.push(if panel.observed[[r, y, k]] {
                    panel.values[[r, y, k]]
                } else {
                    f64::NAN
                });
            }
        }
        columns.push(col);
    }
    let mut regions = Vec::with_capacity(nr * ny);
    let mut years = Vec::with_capacity(nr * ny);
    for r in &panel.regions {
        for y in &panel.years {
            regions.push(r.clone());
            years.push(*y);
        }
    }
    let params = d
        .params
        .as_ref()
        .map(|t| serde_json::to_string(t).unwrap_or_else(|_| "{}".into()))
        .unwrap_or_else(|| "{}".into());
    let out = resolver
        .derive(d, &columns, &regions, &years, &params)
        .ok_or_else(|| {
            PipelineError::Other(format!(
                "{}: derived indicator '{}': unknown kind '{}' (built-in: ratio, difference, per_capita; or load a plugin)",
                spec.path.display(),
                d.id,
                d.kind
            ))
        })?
        .map_err(|e| PipelineError::Other(format!("{}: derived indicator '{}': {e}", spec.path.display(), d.id)))?;
    if out.len() != nr * ny {
        return Err(PipelineError::Other(format!(
            "derived indicator '{}': {} values returned for {} region-years",
            d.id,
            out.len(),
            nr * ny
        )));
    }
    let data =
        Array2::from_shape_vec((nr, ny), out).map_err(|e| PipelineError::Other(e.to_string()))?;
    panel.push_indicator(&d.id, &data);
    Ok(())
}

/// The index model of a spec.
pub fn model_of(spec: &Spec) -> IndexModel {
    let inds = spec.indicators();
    IndexModel {
        indicators: inds.iter().map(|(_, i)| i.id.clone()).collect(),
        directions: inds.iter().map(|(_, i)| i.direction).collect(),
        dimension_of: inds.iter().map(|(d, _)| *d).collect(),
        dimensions: spec.dimension.iter().map(|d| d.id.clone()).collect(),
    }
}

/// Runs a specification.
pub fn run(
    spec: &Spec,
    opts: &RunOptions,
    resolver: &dyn Resolve,
) -> Result<RunOutput, PipelineError> {
    run_with_progress(spec, opts, resolver, &|_| {})
}

/// Runs a specification, calling `progress` as each [`Step`] begins.
pub fn run_with_progress(
    spec: &Spec,
    opts: &RunOptions,
    resolver: &dyn Resolve,
    progress: &dyn Fn(Step),
) -> Result<RunOutput, PipelineError> {
    let plan = construction::plan(spec, resolver)?;
    let scheme = if plan.given {
        None
    } else {
        Some(resolver.weighting(&spec.method.weighting).ok_or_else(|| {
            PipelineError::Other(format!(
                "{}: [method] weighting = \"{}\" is not a known scheme{} (known: {})",
                spec.path.display(),
                spec.method.weighting,
                rurban_core::suggest::did_you_mean(
                    &spec.method.weighting,
                    &resolver.weighting_names()
                ),
                resolver.weighting_names().join(", ")
            ))
        })?)
    };
    // The built-in schemes take no parameters: ignoring them would hide a typo
    // or a scheme mix-up. Plugins receive theirs.
    if (plan.given || rurban_weighting::builtin(&spec.method.weighting).is_some())
        && let Some(key) = spec.method.params.as_ref().and_then(|t| t.keys().next())
    {
        return Err(PipelineError::Other(format!(
            "{}: [method] params: key '{}' is given, but weighting \"{}\" is a built-in scheme and takes no parameters; remove [method] params",
            spec.path.display(),
            rurban_core::clip(key),
            spec.method.weighting
        )));
    }
    progress(Step::Load);
    let ((data_file, panel, imputed, coverage, mut warnings), extras) =
        load_data(spec, opts, resolver, plan.allows_missing())?;
    // The boundaries and weights are read before anything is computed, so
    // an error of the [geo] table stops the run before it writes anything.
    let geo = match &spec.geo {
        Some(g) => Some(spatial::setup(g, spec, &panel.regions)?),
        None => None,
    };
    let model = model_of(spec);
    let params = spec
        .method
        .params
        .as_ref()
        .map(|t| serde_json::to_string(t).unwrap_or_else(|_| "{}".into()))
        .unwrap_or_else(|| "{}".into());
    progress(Step::Index);
    let mut panel = panel;
    let (index, built) =
        construction::build(spec, &plan, &mut panel, extras, scheme.as_deref(), &params)?;
    release_cubes(&mut panel);
    for ws in &index.weight_sets {
        warnings.extend(ws.warnings.iter().cloned());
    }
    warnings.extend(built.warnings.iter().cloned());
    if !imputed.is_empty() {
        warnings.push(format!(
            "{} missing cell(s) imputed by rule '{}'",
            imputed.len(),
            impute_name(spec)
        ));
    }
    let extrapolated = imputed.iter().filter(|c| c.method == "constant").count();
    if extrapolated > 0 {
        warnings.push(format!(
            "{extrapolated} cell(s) outside their region's observed years were filled with the nearest observed value (extrapolate = \"constant\"); see the coverage table"
        ));
    }
    let groups = analysis::read_groups(spec, &panel.regions)?;
    let yearly = rurban_results::stats::yearly(&panel.years, panel.regions.len(), |r, y| {
        index.composite[[r, y]]
    });
    let mut out = RunOutput {
        spec: spec.clone(),
        data_file,
        panel,
        model,
        index,
        imputed,
        coverage,
        period: period(spec, opts),
        construction: built,
        robustness: None,
        warnings,
        yearly,
        analysis: analysis::Analysis::default(),
        findings: findings::Findings::default(),
        maps: None,
    };
    let mut warnings = std::mem::take(&mut out.warnings);
    if spec.uncertainty.is_some() {
        let (report, w) = robustness::report(spec, opts, resolver, &|_, _| {})?;
        warnings.extend(w);
        out.robustness = Some(report);
    }
    out.analysis = analysis::analyse(&out, groups, geo.as_ref(), &mut warnings, progress);
    out.findings = findings::findings(&out, &out.analysis);
    if let (Some(setup), Some(a)) = (&geo, &out.analysis.spatial) {
        out.maps = Some(maps_of(&out, setup, a));
    }
    out.warnings = warnings;
    Ok(out)
}

/// Frees the panel's cubes, which nothing reads after the construction
/// (about 45 MB on a panel of 2,851 regions x 30 years x 40 indicators),
/// keeping its labels.
fn release_cubes(panel: &mut Panel) {
    let (nr, ny, _) = panel.values.dim();
    panel.values = ndarray::Array3::zeros((nr, ny, 0));
    panel.observed = ndarray::Array3::from_elem((nr, ny, 0), false);
    panel.rows = ndarray::Array3::zeros((nr, ny, 0));
}

/// The maps input of a run: the composite on the run's geometry, with the
/// cluster tiers when the cluster step ran.
fn maps_of(
    out: &RunOutput,
    setup: &spatial::SpatialSetup,
    a: &spatial::SpatialAnalysis,
) -> rurban_results::maps::MapsInput {
    let tiers = out.analysis.cluster.as_ref().map(|c| {
        c.labels
            .iter()
            .map(|l| (l.label.clone(), l.tier as u32))
            .collect()
    });
    spatial::maps_input(
        a,
        &setup.geography,
        &out.panel.regions,
        &out.panel.years,
        |r, y| out.index.composite[[r, y]],
        tiers.as_ref(),
    )
}

fn impute_name(spec: &Spec) -> &'static str {
    match spec.method.impute {
        rurban_core::Impute::None => "none",
        rurban_core::Impute::Linear => "linear",
        rurban_core::Impute::YearMean => "year-mean",
        rurban_core::Impute::GroupMean => "group-mean",
    }
}

/// Reads a spec file.
pub fn read_spec(path: &Path) -> Result<Spec, PipelineError> {
    Ok(Spec::from_file(path)?)
}
