//! The index construction of a run in `summary.json`: the stages that ran
//! with their values (`stages/*.csv`), the treatment of each indicator
//! (`treatment.csv`), coupling coordination (`coupling.csv`) and the
//! obstacle degree (`obstacles.csv`).

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::table::{Cell, Table};

/// `"construction"`: how the index was built.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Construction {
    /// The stages that ran, in order (`denominate`, `impute`, `treat`,
    /// `normalise`).
    pub stages: Vec<String>,
    /// The normalisation.
    pub normalisation: String,
    /// Its range `[l, u]` (minmax and goalposts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub range: Option<[f64; 2]>,
    /// The aggregation.
    pub aggregation: String,
    /// The weighting (`given` or a scheme).
    pub weighting: String,
    /// Indicators in spec order (the columns of the stage tables).
    pub indicators: Vec<String>,
    /// Dimension ids, every parent after its children (the order of the
    /// dimension columns of `scores.csv`).
    pub dimension_order: Vec<String>,
    /// The parent of each dimension (spec order of `dimension_order`'s ids
    /// is not assumed: pairs of id and parent).
    #[serde(default)]
    pub parents: Vec<(String, Option<String>)>,
    /// The values after each stage that ran, in stage order (the
    /// `stages/*.csv` files; not in `summary.json`, which keeps `trace`).
    #[serde(skip)]
    pub values: Vec<StageValues>,
    /// One indicator through the stages, for the report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace: Option<StageTrace>,
    /// Per indicator (and year, for scope = year), when treatment ran.
    #[serde(default)]
    pub treatment: Vec<TreatmentRecord>,
    /// Cells filled by group-mean imputation.
    #[serde(default)]
    pub group_imputed: Vec<GroupImputedRecord>,
}

/// The values of the panel after one stage: one row per region-year
/// (region-major, as `scores`), one value per indicator, held densely
/// (`rows x width` floats, NaN where a value is missing or not finite) with
/// each row's region as an index into a table of names.
#[derive(Debug, Clone, Default)]
pub struct StageValues {
    /// `denominated`, `imputed`, `treated` or `normalised`.
    pub stage: String,
    regions: Vec<String>,
    region: Vec<u32>,
    year: Vec<i64>,
    width: usize,
    values: Floats,
}

/// A buffer of floats shared with whoever made it (e.g. a run's normalised
/// scores), read as a slice.
pub type SharedFloats = Arc<dyn AsRef<[f64]> + Send + Sync>;

/// The floats of a [`StageValues`]: its own, or a buffer it shares.
#[derive(Clone)]
enum Floats {
    Own(Vec<f64>),
    Shared(SharedFloats),
}

impl Default for Floats {
    fn default() -> Self {
        Floats::Own(Vec::new())
    }
}

impl std::fmt::Debug for Floats {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Floats")
            .field("len", &self.as_slice().len())
            .finish()
    }
}

impl Floats {
    fn as_slice(&self) -> &[f64] {
        match self {
            Floats::Own(v) => v,
            Floats::Shared(s) => (**s).as_ref(),
        }
    }
}

impl StageValues {
    /// The values of a `regions x years` grid, region-major: row
    /// `r * years.len() + y` holds `values[row * width..][..width]`.
    /// Non-finite values are missing.
    ///
    /// # Errors
    /// When `values` does not hold `regions x years x width` floats.
    pub fn from_grid(
        stage: &str,
        regions: &[String],
        years: &[i64],
        width: usize,
        mut values: Vec<f64>,
    ) -> Result<StageValues, String> {
        let rows = regions.len() * years.len();
        if values.len() != rows * width {
            return Err(format!(
                "stage '{stage}': {} values for {rows} rows of {width}",
                values.len()
            ));
        }
        for v in &mut values {
            if !v.is_finite() {
                *v = f64::NAN;
            }
        }
        Ok(Self::grid(
            stage,
            regions,
            years,
            width,
            Floats::Own(values),
        ))
    }

    /// [`from_grid`](Self::from_grid) over a buffer shared with its maker,
    /// without a copy when every value is finite or NaN (else the values
    /// are copied, the non-finite ones made missing).
    ///
    /// # Errors
    /// When `values` does not hold `regions x years x width` floats.
    pub fn from_shared(
        stage: &str,
        regions: &[String],
        years: &[i64],
        width: usize,
        values: SharedFloats,
    ) -> Result<StageValues, String> {
        let all = (*values).as_ref();
        if all.iter().any(|v| v.is_infinite()) {
            return Self::from_grid(stage, regions, years, width, all.to_vec());
        }
        let rows = regions.len() * years.len();
        if all.len() != rows * width {
            return Err(format!(
                "stage '{stage}': {} values for {rows} rows of {width}",
                all.len()
            ));
        }
        Ok(Self::grid(
            stage,
            regions,
            years,
            width,
            Floats::Shared(values),
        ))
    }

    fn grid(
        stage: &str,
        regions: &[String],
        years: &[i64],
        width: usize,
        values: Floats,
    ) -> StageValues {
        let rows = regions.len() * years.len();
        let ny = years.len();
        StageValues {
            stage: stage.into(),
            regions: regions.to_vec(),
            region: (0..rows).map(|i| index_u32(i / ny.max(1))).collect(),
            year: (0..rows).map(|i| years[i % ny]).collect(),
            width,
            values,
        }
    }

    /// The values row by row (`(region, year, values)`, `None` where
    /// missing): what the older representation held; rows may differ in
    /// length.
    pub fn from_rows<'a>(
        stage: &str,
        rows: impl IntoIterator<Item = (&'a str, i64, &'a [Option<f64>])>,
    ) -> StageValues {
        let rows: Vec<_> = rows.into_iter().collect();
        let width = rows.iter().map(|r| r.2.len()).max().unwrap_or(0);
        let mut names = Labels::default();
        let mut s = StageValues {
            stage: stage.into(),
            width,
            ..StageValues::default()
        };
        let mut values = Vec::new();
        for (r, y, v) in rows {
            s.region.push(names.get(r));
            s.year.push(y);
            values.extend((0..width).map(|j| v.get(j).copied().flatten().unwrap_or(f64::NAN)));
        }
        s.regions = names.names;
        s.values = Floats::Own(values);
        s
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.year.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.year.is_empty()
    }

    /// Values per row (the indicators).
    pub fn width(&self) -> usize {
        self.width
    }

    /// Region and year of row `i`.
    pub fn cell(&self, i: usize) -> (&str, i64) {
        (&self.regions[self.region[i] as usize], self.year[i])
    }

    /// The values of row `i` (NaN where missing).
    pub fn row(&self, i: usize) -> &[f64] {
        &self.values.as_slice()[i * self.width..(i + 1) * self.width]
    }

    /// The value of row `i`, indicator `j` (`None` where missing).
    pub fn get(&self, i: usize, j: usize) -> Option<f64> {
        if j >= self.width {
            return None;
        }
        let v = self.values.as_slice()[i * self.width + j];
        (!v.is_nan()).then_some(v)
    }

    /// Indicator `j` down the rows (`None` where missing).
    pub fn column(&self, j: usize) -> impl Iterator<Item = Option<f64>> + '_ {
        (0..self.len()).map(move |i| self.get(i, j))
    }
}

impl PartialEq for StageValues {
    fn eq(&self, o: &StageValues) -> bool {
        self.stage == o.stage
            && self.len() == o.len()
            && self.width == o.width
            && (0..self.len()).all(|i| {
                self.cell(i) == o.cell(i) && (0..self.width).all(|j| self.get(i, j) == o.get(i, j))
            })
    }
}

fn index_u32(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

/// A table of names interned while reading rows.
#[derive(Default)]
struct Labels {
    names: Vec<String>,
    index: std::collections::HashMap<String, u32>,
}

impl Labels {
    fn get(&mut self, name: &str) -> u32 {
        if let Some(&i) = self.index.get(name) {
            return i;
        }
        let i = index_u32(self.names.len());
        self.names.push(name.to_string());
        self.index.insert(name.to_string(), i);
        i
    }
}

/// One indicator's values after each stage that ran (rows as
/// [`StageValues`]).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct StageTrace {
    /// The indicator.
    pub indicator: String,
    /// Per stage (`denominated`, ..., `normalised`): its name and values.
    pub stages: Vec<(String, Vec<Option<f64>>)>,
}

impl Construction {
    /// The indicator to follow through the stages: the first one the
    /// treatment changed, else the first with a group-imputed cell, else
    /// the first one that a stage changed, else the first indicator.
    pub fn traced_indicator(&self) -> Option<usize> {
        if self.indicators.is_empty() {
            return None;
        }
        let pos = |name: &str| self.indicators.iter().position(|i| i == name);
        let treated = self
            .treatment
            .iter()
            .find(|t| t.steps > 0 || t.log)
            .and_then(|t| pos(&t.indicator));
        let imputed = self.group_imputed.first().and_then(|g| pos(&g.indicator));
        let changed = || {
            let mut stages = self.values.iter().filter(|v| v.stage != "normalised");
            let first = stages.next()?;
            let last = self
                .values
                .iter()
                .rfind(|v| v.stage != "normalised")
                .unwrap_or(first);
            (0..self.indicators.len()).find(|&j| {
                (0..first.len().min(last.len())).any(|i| first.get(i, j) != last.get(i, j))
            })
        };
        treated.or(imputed).or_else(changed).or(Some(0))
    }

    /// [`traced_indicator`](Self::traced_indicator)'s values after every
    /// stage.
    pub fn trace_of(&self) -> Option<StageTrace> {
        let j = self.traced_indicator()?;
        Some(StageTrace {
            indicator: self.indicators[j].clone(),
            stages: self
                .values
                .iter()
                .map(|s| (s.stage.clone(), s.column(j).collect()))
                .collect(),
        })
    }
}

/// The treatment of one indicator.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct TreatmentRecord {
    /// The year, for scope = year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<i64>,
    /// The indicator.
    pub indicator: String,
    /// Winsorisation steps taken.
    pub steps: usize,
    /// Cells the kept winsorisation changed (0 when the log was applied).
    pub cells: usize,
    /// Whether the log transform replaced the column.
    pub log: bool,
    /// G1 before.
    pub skew_before: Option<f64>,
    /// G2 before.
    pub kurtosis_before: Option<f64>,
    /// G1 after.
    pub skew_after: Option<f64>,
    /// G2 after.
    pub kurtosis_after: Option<f64>,
}

/// A cell filled by group-mean imputation.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct GroupImputedRecord {
    /// Region.
    pub region: String,
    /// Year.
    pub year: i64,
    /// Indicator.
    pub indicator: String,
    /// The row's group.
    pub group: String,
    /// The value written.
    pub value: f64,
}

/// `"coupling"`: coupling coordination of the top-level dimensions.
///
/// Held by columns (a row's region and level name are indices into tables
/// of names); serialised row by row as
/// `{"dimensions":[..],"alpha":[..],"rows":[{"region":..,"year":..,"C":..,
/// "T":..,"D":..,"level":..,"level_name":..}, ..]}` and read back from
/// that shape.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CouplingSummary {
    /// The top-level dimensions, in spec order.
    pub dimensions: Vec<String>,
    /// Their weights alpha.
    pub alpha: Vec<f64>,
    regions: Vec<String>,
    names: Vec<String>,
    rows: Vec<CouplingCell>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct CouplingCell {
    region: u32,
    name: u32,
    year: i64,
    c: f64,
    t: f64,
    d: f64,
    level: u8,
}

/// Coupling coordination of one region-year (the owned row of the JSON
/// shape; [`CouplingSummary::rows`] gives [`CouplingRowRef`]s).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct CouplingRow {
    /// Region.
    pub region: String,
    /// Year.
    pub year: i64,
    /// Coupling degree C.
    #[serde(rename = "C")]
    pub c: f64,
    /// Comprehensive development T.
    #[serde(rename = "T")]
    pub t: f64,
    /// Coordination degree D.
    #[serde(rename = "D")]
    pub d: f64,
    /// Class 1..10 of D.
    pub level: u8,
    /// The class's English name.
    pub level_name: String,
}

/// Coupling coordination of one region-year, borrowed from a
/// [`CouplingSummary`]; serialises as a [`CouplingRow`].
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct CouplingRowRef<'a> {
    /// Region.
    pub region: &'a str,
    /// Year.
    pub year: i64,
    /// Coupling degree C.
    #[serde(rename = "C")]
    pub c: f64,
    /// Comprehensive development T.
    #[serde(rename = "T")]
    pub t: f64,
    /// Coordination degree D.
    #[serde(rename = "D")]
    pub d: f64,
    /// Class 1..10 of D.
    pub level: u8,
    /// The class's English name.
    pub level_name: &'a str,
}

impl CouplingSummary {
    /// An empty summary of these dimensions and weights; rows are added by
    /// [`push`](Self::push).
    pub fn new(dimensions: Vec<String>, alpha: Vec<f64>) -> CouplingSummary {
        CouplingSummary {
            dimensions,
            alpha,
            ..CouplingSummary::default()
        }
    }

    /// Adds a row.
    pub fn push(&mut self, r: CouplingRowRef<'_>) {
        let region = match self.regions.last() {
            Some(last) if last == r.region => index_u32(self.regions.len() - 1),
            _ => match self.regions.iter().rposition(|x| x == r.region) {
                Some(i) => index_u32(i),
                None => {
                    self.regions.push(r.region.to_string());
                    index_u32(self.regions.len() - 1)
                }
            },
        };
        let name = match self.names.iter().position(|x| x == r.level_name) {
            Some(i) => index_u32(i),
            None => {
                self.names.push(r.level_name.to_string());
                index_u32(self.names.len() - 1)
            }
        };
        self.rows.push(CouplingCell {
            region,
            name,
            year: r.year,
            c: r.c,
            t: r.t,
            d: r.d,
            level: r.level,
        });
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Row `i`.
    pub fn row(&self, i: usize) -> CouplingRowRef<'_> {
        let c = &self.rows[i];
        CouplingRowRef {
            region: &self.regions[c.region as usize],
            year: c.year,
            c: c.c,
            t: c.t,
            d: c.d,
            level: c.level,
            level_name: &self.names[c.name as usize],
        }
    }

    /// The rows in order.
    pub fn rows(&self) -> impl ExactSizeIterator<Item = CouplingRowRef<'_>> + '_ {
        (0..self.rows.len()).map(|i| self.row(i))
    }
}

impl Serialize for CouplingSummary {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("CouplingSummary", 3)?;
        st.serialize_field("dimensions", &self.dimensions)?;
        st.serialize_field("alpha", &self.alpha)?;
        st.serialize_field("rows", &Rows(|| self.rows()))?;
        st.end()
    }
}

impl<'de> Deserialize<'de> for CouplingSummary {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(rename = "CouplingSummary")]
        struct Wire {
            dimensions: Vec<String>,
            alpha: Vec<f64>,
            rows: Collect<CouplingRow, CouplingSummary>,
        }
        let w = Wire::deserialize(d)?;
        let mut c = w.rows.0;
        c.dimensions = w.dimensions;
        c.alpha = w.alpha;
        Ok(c)
    }
}

impl Extend<CouplingRow> for CouplingSummary {
    fn extend<I: IntoIterator<Item = CouplingRow>>(&mut self, rows: I) {
        for r in rows {
            self.push(CouplingRowRef {
                region: &r.region,
                year: r.year,
                c: r.c,
                t: r.t,
                d: r.d,
                level: r.level,
                level_name: &r.level_name,
            });
        }
    }
}

/// A sequence serialised from an iterator made on demand.
struct Rows<F>(F);

impl<F, I> Serialize for Rows<F>
where
    F: Fn() -> I,
    I: Iterator,
    I::Item: Serialize,
{
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq((self.0)())
    }
}

/// A sequence of `R` read one element at a time into a `T`.
struct Collect<R, T>(T, std::marker::PhantomData<R>);

impl<'de, R: Deserialize<'de>, T: Default + Extend<R>> Deserialize<'de> for Collect<R, T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<R, T>(std::marker::PhantomData<(R, T)>);
        impl<'de, R: Deserialize<'de>, T: Default + Extend<R>> serde::de::Visitor<'de> for V<R, T> {
            type Value = T;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a sequence of rows")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<T, A::Error> {
                let mut out = T::default();
                while let Some(r) = seq.next_element::<R>()? {
                    out.extend(std::iter::once(r));
                }
                Ok(out)
            }
        }
        d.deserialize_seq(V(std::marker::PhantomData))
            .map(|t| Collect(t, std::marker::PhantomData))
    }
}

/// `"obstacle"`: the obstacle degree of each indicator and dimension.
///
/// Held by columns: rows come in blocks, one per region-year (region-major
/// as written by a run, so a region-year is one slice); each row has a
/// kind (an indicator with its own dimension, or a dimension) from a small
/// table of kinds and an `f64` obstacle, NaN where it is null. When every
/// block lists the kinds in the same order (always, for a run) a row's
/// kind is its place in its block and no per-row kind is stored: on the
/// county panel 3.8 million rows take 8 bytes each. Serialised row by row
/// as `{"rows":[{"region":..,"year":..,"indicator":..,"dimension":..,
/// "obstacle":..}, ..]}` and read back from that shape.
#[derive(Debug, Clone, Default)]
pub struct ObstacleSummary {
    regions: Vec<String>,
    indicators: Vec<String>,
    dimensions: Vec<String>,
    kinds: Vec<ObstacleKind>,
    blocks: Vec<Block>,
    /// Per row, when the blocks do not all list `kinds` in order.
    kind: Vec<u32>,
    obstacle: Vec<f64>,
    /// Whether the blocks are sorted by region (index) and year.
    sorted: bool,
}

/// What a row of the obstacle table is about: an indicator (index into
/// [`ObstacleSummary::indicators`]) and its own dimension, or a dimension
/// alone (index into [`ObstacleSummary::dimensions`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ObstacleKind {
    /// The indicator, `None` on a dimension's row.
    pub indicator: Option<u32>,
    /// The dimension.
    pub dimension: u32,
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Block {
    region: u32,
    year: i64,
    start: usize,
}

/// One obstacle degree (the owned row of the JSON shape;
/// [`ObstacleSummary::rows`] gives [`ObstacleRowRef`]s).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct ObstacleRow {
    /// Region.
    pub region: String,
    /// Year.
    pub year: i64,
    /// The indicator; `None` on a dimension's row.
    pub indicator: Option<String>,
    /// The indicator's own dimension, or the dimension of the row.
    pub dimension: String,
    /// The obstacle degree (null when every weighted indicator is at its
    /// best).
    pub obstacle: Option<f64>,
}

/// One obstacle degree, borrowed from an [`ObstacleSummary`]; serialises
/// as an [`ObstacleRow`].
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct ObstacleRowRef<'a> {
    /// Region.
    pub region: &'a str,
    /// Year.
    pub year: i64,
    /// The indicator; `None` on a dimension's row.
    pub indicator: Option<&'a str>,
    /// The indicator's own dimension, or the dimension of the row.
    pub dimension: &'a str,
    /// The obstacle degree (`None` when null).
    pub obstacle: Option<f64>,
}

impl ObstacleSummary {
    /// The obstacles of a `regions x years` grid: one block of
    /// `kinds.len()` rows per region-year, region-major, the block of
    /// region `r` and year `y` at `values[(r * years.len() + y) *
    /// kinds.len()..]`, row `k` of a block of kind `kinds[k]`. Non-finite
    /// values are null.
    ///
    /// # Errors
    /// When `values` does not hold `regions x years x kinds` floats or a
    /// kind names an indicator or dimension that is not there.
    pub fn from_grid(
        regions: Vec<String>,
        years: &[i64],
        indicators: Vec<String>,
        dimensions: Vec<String>,
        kinds: Vec<ObstacleKind>,
        mut values: Vec<f64>,
    ) -> Result<ObstacleSummary, String> {
        let per = kinds.len();
        let cells = regions.len() * years.len();
        if values.len() != cells * per {
            return Err(format!(
                "{} obstacle values for {cells} region-years of {per}",
                values.len()
            ));
        }
        if kinds.iter().any(|k| {
            k.dimension as usize >= dimensions.len()
                || k.indicator.is_some_and(|i| i as usize >= indicators.len())
        }) {
            return Err("an obstacle kind out of range".into());
        }
        for v in &mut values {
            if !v.is_finite() {
                *v = f64::NAN;
            }
        }
        let ny = years.len();
        let blocks = (0..cells)
            .map(|b| Block {
                region: index_u32(b / ny),
                year: years[b % ny],
                start: b * per,
            })
            .collect();
        Ok(ObstacleSummary {
            regions,
            indicators,
            dimensions,
            kinds,
            blocks,
            kind: Vec::new(),
            obstacle: values,
            sorted: true,
        })
    }

    /// The obstacles row by row, in any order (what `summary.json` holds).
    pub fn from_rows(rows: impl IntoIterator<Item = ObstacleRow>) -> ObstacleSummary {
        let mut b = ObstacleBuilder::default();
        b.extend(rows);
        b.finish()
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.obstacle.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.obstacle.is_empty()
    }

    /// The regions, in the order they first appear.
    pub fn regions(&self) -> &[String] {
        &self.regions
    }

    /// The indicators the kinds name.
    pub fn indicators(&self) -> &[String] {
        &self.indicators
    }

    /// The dimensions the kinds name.
    pub fn dimensions(&self) -> &[String] {
        &self.dimensions
    }

    /// The kinds of row.
    pub fn kinds(&self) -> &[ObstacleKind] {
        &self.kinds
    }

    /// Number of blocks (runs of rows of one region-year).
    pub fn blocks(&self) -> usize {
        self.blocks.len()
    }

    /// Region (index into [`regions`](Self::regions)), year and rows of
    /// block `b`.
    pub fn block(&self, b: usize) -> (usize, i64, std::ops::Range<usize>) {
        let k = &self.blocks[b];
        let end = self
            .blocks
            .get(b + 1)
            .map_or(self.obstacle.len(), |n| n.start);
        (k.region as usize, k.year, k.start..end)
    }

    /// The kind of row `i`.
    pub fn kind(&self, i: usize) -> ObstacleKind {
        if self.kind.is_empty() {
            // every block lists the kinds in order
            self.kinds[i % self.kinds.len()]
        } else {
            self.kinds[self.kind[i] as usize]
        }
    }

    /// The obstacle of row `i` (`None` when null).
    pub fn obstacle(&self, i: usize) -> Option<f64> {
        let v = self.obstacle[i];
        (!v.is_nan()).then_some(v)
    }

    fn row_in(&self, b: &Block, i: usize) -> ObstacleRowRef<'_> {
        let k = self.kind(i);
        ObstacleRowRef {
            region: &self.regions[b.region as usize],
            year: b.year,
            indicator: k.indicator.map(|j| self.indicators[j as usize].as_str()),
            dimension: &self.dimensions[k.dimension as usize],
            obstacle: self.obstacle(i),
        }
    }

    /// The rows in order.
    pub fn rows(&self) -> impl Iterator<Item = ObstacleRowRef<'_>> + '_ {
        (0..self.blocks.len()).flat_map(move |b| {
            let (_, _, rows) = self.block(b);
            let blk = &self.blocks[b];
            rows.map(move |i| self.row_in(blk, i))
        })
    }

    /// The indicator obstacles of block `b`, `k` largest first (ties in row
    /// order), pushed onto `out`.
    fn top_of<'a>(&'a self, b: usize, out: &mut Vec<(&'a str, f64)>) {
        let (_, _, rows) = self.block(b);
        for i in rows {
            if let (Some(j), Some(v)) = (self.kind(i).indicator, self.obstacle(i)) {
                out.push((self.indicators[j as usize].as_str(), v));
            }
        }
    }

    /// The `k` largest indicator obstacles of `region` in `year`, largest
    /// first (ties in indicator order). Looks the region up among
    /// [`regions`](Self::regions) and its blocks by binary search when the
    /// blocks are region-major (as a run writes them), never scanning the
    /// rows of other region-years.
    pub fn largest(&self, region: &str, year: i64, k: usize) -> Vec<(&str, f64)> {
        let Some(r) = self.regions.iter().position(|x| x == region) else {
            return Vec::new();
        };
        let key = |b: &Block| (b.region, b.year);
        let want = (index_u32(r), year);
        let mut v = Vec::new();
        if self.sorted {
            let lo = self.blocks.partition_point(|b| key(b) < want);
            let hi = self.blocks.partition_point(|b| key(b) <= want);
            for b in lo..hi {
                self.top_of(b, &mut v);
            }
        } else {
            for b in 0..self.blocks.len() {
                if key(&self.blocks[b]) == want {
                    self.top_of(b, &mut v);
                }
            }
        }
        v.sort_by(|a, b| b.1.total_cmp(&a.1));
        v.truncate(k);
        v
    }

    /// [`largest`](Self::largest) for every region with an indicator
    /// obstacle that is not null in `year`, in one pass over the blocks.
    pub fn largest_in_year(
        &self,
        year: i64,
        k: usize,
    ) -> std::collections::HashMap<&str, Vec<(&str, f64)>> {
        let mut out: std::collections::HashMap<&str, Vec<(&str, f64)>> =
            std::collections::HashMap::new();
        for b in 0..self.blocks.len() {
            let blk = &self.blocks[b];
            if blk.year == year {
                let v = out
                    .entry(self.regions[blk.region as usize].as_str())
                    .or_default();
                self.top_of(b, v);
            }
        }
        out.retain(|_, v| !v.is_empty());
        for v in out.values_mut() {
            v.sort_by(|a, b| b.1.total_cmp(&a.1));
            v.truncate(k);
        }
        out
    }
}

impl PartialEq for ObstacleSummary {
    fn eq(&self, o: &ObstacleSummary) -> bool {
        self.len() == o.len() && self.rows().eq(o.rows())
    }
}

impl Serialize for ObstacleSummary {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("ObstacleSummary", 1)?;
        st.serialize_field("rows", &Rows(|| self.rows()))?;
        st.end()
    }
}

impl<'de> Deserialize<'de> for ObstacleSummary {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(rename = "ObstacleSummary")]
        struct Wire {
            rows: Collect<ObstacleRow, ObstacleBuilder>,
        }
        Ok(Wire::deserialize(d)?.rows.0.finish())
    }
}

/// Builds an [`ObstacleSummary`] from rows in any order.
#[derive(Default)]
struct ObstacleBuilder {
    s: ObstacleSummary,
    regions: Labels,
    indicators: Labels,
    dimensions: Labels,
    kinds: std::collections::HashMap<ObstacleKind, u32>,
}

impl Extend<ObstacleRow> for ObstacleBuilder {
    fn extend<I: IntoIterator<Item = ObstacleRow>>(&mut self, rows: I) {
        for r in rows {
            let region = self.regions.get(&r.region);
            let kind = ObstacleKind {
                indicator: r.indicator.as_deref().map(|i| self.indicators.get(i)),
                dimension: self.dimensions.get(&r.dimension),
            };
            let kinds = &mut self.s.kinds;
            let k = *self.kinds.entry(kind).or_insert_with(|| {
                kinds.push(kind);
                index_u32(kinds.len() - 1)
            });
            let s = &mut self.s;
            if s.blocks
                .last()
                .is_none_or(|b| b.region != region || b.year != r.year)
            {
                s.blocks.push(Block {
                    region,
                    year: r.year,
                    start: s.obstacle.len(),
                });
            }
            s.kind.push(k);
            s.obstacle
                .push(r.obstacle.filter(|x| x.is_finite()).unwrap_or(f64::NAN));
        }
    }
}

impl ObstacleBuilder {
    fn finish(mut self) -> ObstacleSummary {
        let mut s = self.s;
        s.regions = std::mem::take(&mut self.regions.names);
        s.indicators = std::mem::take(&mut self.indicators.names);
        s.dimensions = std::mem::take(&mut self.dimensions.names);
        // Every block listing the kinds in order: the kind is the place.
        let per = s.kinds.len();
        let regular = s.blocks.iter().enumerate().all(|(b, blk)| {
            let end = s.blocks.get(b + 1).map_or(s.kind.len(), |n| n.start);
            end - blk.start == per
                && s.kind[blk.start..end]
                    .iter()
                    .enumerate()
                    .all(|(i, &k)| k as usize == i)
        });
        if regular {
            s.kind = Vec::new();
        }
        let key = |b: &Block| (b.region, b.year);
        s.sorted = s.blocks.windows(2).all(|w| key(&w[0]) <= key(&w[1]));
        s
    }
}

fn opt(x: Option<f64>) -> Cell {
    x.map_or(Cell::Blank, Cell::Num)
}

/// `stages/<stage>.csv`: `region, year`, then the indicators (a table of
/// cells, for small panels and tests; a run writes the files straight from
/// the columns).
pub fn stage_tables(c: &Construction) -> Vec<Table> {
    c.values
        .iter()
        .map(|s| {
            let mut cols = vec!["region", "year"];
            cols.extend(c.indicators.iter().map(String::as_str));
            let mut t = Table::new(&format!("stages/{}", s.stage), &cols);
            for i in 0..s.len() {
                let (r, y) = s.cell(i);
                let mut row = vec![Cell::Text(r.to_string()), Cell::Int(y)];
                row.extend((0..s.width()).map(|j| opt(s.get(i, j))));
                t.rows.push(row);
            }
            t
        })
        .collect()
}

/// `treatment`: `[year,] indicator, steps, cells, log`, when treatment ran.
pub fn treatment(c: &Construction) -> Option<Table> {
    if !c.stages.iter().any(|s| s == "treat") {
        return None;
    }
    let by_year = c.treatment.iter().any(|t| t.year.is_some());
    let mut cols = Vec::new();
    if by_year {
        cols.push("year");
    }
    cols.extend(["indicator", "steps", "cells", "log"]);
    let mut t = Table::new("treatment", &cols);
    for r in &c.treatment {
        let mut row = Vec::new();
        if let Some(y) = r.year {
            row.push(Cell::Int(y));
        }
        row.push(Cell::Text(r.indicator.clone()));
        row.push(r.steps.into());
        row.push(r.cells.into());
        row.push(Cell::Text(r.log.to_string()));
        t.rows.push(row);
    }
    Some(t)
}

/// `coupling`: `region, year, C, T, D, level, level_name`.
pub fn coupling(c: &CouplingSummary) -> Table {
    let mut t = Table::new(
        "coupling",
        &["region", "year", "C", "T", "D", "level", "level_name"],
    );
    for r in c.rows() {
        t.rows.push(vec![
            Cell::Text(r.region.to_string()),
            Cell::Int(r.year),
            Cell::Num(r.c),
            Cell::Num(r.t),
            Cell::Num(r.d),
            Cell::Int(i64::from(r.level)),
            Cell::Text(r.level_name.to_string()),
        ]);
    }
    t
}

/// `obstacles`: `region, year, indicator, dimension, obstacle` (a table of
/// cells, for small panels and tests; a run writes `obstacles.csv` straight
/// from the columns).
pub fn obstacles(o: &ObstacleSummary) -> Table {
    let mut t = Table::new(
        "obstacles",
        &["region", "year", "indicator", "dimension", "obstacle"],
    );
    for r in o.rows() {
        t.rows.push(vec![
            Cell::Text(r.region.to_string()),
            Cell::Int(r.year),
            r.indicator
                .map_or(Cell::Blank, |i| Cell::Text(i.to_string())),
            Cell::Text(r.dimension.to_string()),
            opt(r.obstacle),
        ]);
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The derived types the columns replaced: the reference for the bytes
    /// of `summary.json`.
    #[derive(Serialize)]
    struct OldObstacleSummary {
        rows: Vec<ObstacleRow>,
    }

    #[derive(Serialize)]
    struct OldCouplingSummary {
        dimensions: Vec<String>,
        alpha: Vec<f64>,
        rows: Vec<CouplingRow>,
    }

    fn s(x: &str) -> String {
        x.to_string()
    }

    /// Two regions (one with a comma and a quote), two years, indicators
    /// `x` (of `c`) and `y` (of `p`), dimension `c` below `p`; the second
    /// region's first year is all null.
    fn grid() -> (ObstacleSummary, Vec<ObstacleRow>) {
        let regions = vec![s("a"), s("b, \"the\" second")];
        let years = [2000, 2001];
        let kinds = vec![
            ObstacleKind {
                indicator: Some(0),
                dimension: 0,
            },
            ObstacleKind {
                indicator: Some(1),
                dimension: 1,
            },
            ObstacleKind {
                indicator: None,
                dimension: 0,
            },
            ObstacleKind {
                indicator: None,
                dimension: 1,
            },
        ];
        let third = 1.0 / 3.0;
        #[rustfmt::skip]
        let values = vec![
            0.25, 0.75, 0.25, 1.0,
            third, 1.0 - third, third, 1.0,
            f64::NAN, f64::NAN, f64::NAN, f64::NAN,
            1e-7, 1.0 - 1e-7, 1e-7, 1.0,
        ];
        let o = ObstacleSummary::from_grid(
            regions.clone(),
            &years,
            vec![s("x"), s("y")],
            vec![s("c"), s("p")],
            kinds,
            values.clone(),
        )
        .unwrap();
        let mut rows = Vec::new();
        for (b, chunk) in values.chunks(4).enumerate() {
            let (region, year) = (&regions[b / 2], years[b % 2]);
            for (k, (ind, dim)) in [(Some("x"), "c"), (Some("y"), "p"), (None, "c"), (None, "p")]
                .into_iter()
                .enumerate()
            {
                rows.push(ObstacleRow {
                    region: region.clone(),
                    year,
                    indicator: ind.map(s),
                    dimension: s(dim),
                    obstacle: chunk[k].is_finite().then_some(chunk[k]),
                });
            }
        }
        (o, rows)
    }

    #[test]
    fn obstacles_serialise_as_the_derived_rows_did() {
        let (o, rows) = grid();
        assert_eq!(o.len(), 16);
        assert!(o.kind.is_empty());
        let old = OldObstacleSummary { rows };
        let want = serde_json::to_string(&old).unwrap();
        assert_eq!(serde_json::to_string(&o).unwrap(), want);
        assert_eq!(
            serde_json::to_string_pretty(&o).unwrap(),
            serde_json::to_string_pretty(&old).unwrap()
        );
        assert!(
            want.starts_with(r#"{"rows":[{"region":"a","year":2000,"indicator":"x","dimension":"c","obstacle":0.25},"#),
            "{want}"
        );
        assert!(want.contains(r#""indicator":null,"dimension":"c","obstacle":null}"#));
        // read back: the same rows, the same compact layout, the same bytes
        let back: ObstacleSummary = serde_json::from_str(&want).unwrap();
        assert_eq!(back, o);
        assert!(back.kind.is_empty() && back.sorted);
        assert_eq!(serde_json::to_string(&back).unwrap(), want);
        let v: ObstacleSummary = serde_json::from_value(serde_json::to_value(&o).unwrap()).unwrap();
        assert_eq!(v, o);
    }

    #[test]
    fn obstacles_in_any_order_read_back_in_that_order() {
        let (_, mut rows) = grid();
        rows.swap(0, 9);
        rows.reverse();
        rows.pop();
        let old = OldObstacleSummary { rows };
        let json = serde_json::to_string(&old).unwrap();
        let o: ObstacleSummary = serde_json::from_str(&json).unwrap();
        assert!(!o.kind.is_empty() && !o.sorted);
        assert_eq!(o.len(), 15);
        assert_eq!(serde_json::to_string(&o).unwrap(), json);
        assert_eq!(o.largest("a", 2001, 1), [("y", 1.0 - 1.0 / 3.0)]);
        // a missing field is an error, as with the derived type
        assert!(serde_json::from_str::<ObstacleSummary>(r#"{"row":[]}"#).is_err());
        let bad = r#"{"rows":[{"region":"a","year":"x","dimension":"c"}]}"#;
        assert!(serde_json::from_str::<ObstacleSummary>(bad).is_err());
        // indicator and obstacle may be absent (null)
        let short = r#"{"rows":[{"region":"a","year":2000,"dimension":"c"}]}"#;
        let o: ObstacleSummary = serde_json::from_str(short).unwrap();
        assert_eq!(
            o.rows().next().unwrap(),
            ObstacleRowRef {
                region: "a",
                year: 2000,
                indicator: None,
                dimension: "c",
                obstacle: None
            }
        );
    }

    #[test]
    fn largest_obstacles_of_a_region_year() {
        let (o, _) = grid();
        assert_eq!(o.largest("a", 2000, 3), [("y", 0.75), ("x", 0.25)]);
        assert_eq!(o.largest("a", 2000, 1), [("y", 0.75)]);
        assert!(o.largest("b, \"the\" second", 2000, 3).is_empty());
        assert!(o.largest("nowhere", 2000, 3).is_empty());
        let all = o.largest_in_year(2001, 1);
        assert_eq!(all.len(), 2);
        assert_eq!(all["b, \"the\" second"], [("y", 1.0 - 1e-7)]);
        // the null region-year has no entry
        assert!(!o.largest_in_year(2000, 3).contains_key("b, \"the\" second"));
        assert_eq!(o.block(3), (1, 2001, 12..16));
        assert_eq!(o.kind(6), o.kinds()[2]);
        assert_eq!(o.obstacle(8), None);
        assert_eq!(o.obstacle(12), Some(1e-7));
    }

    #[test]
    fn coupling_serialises_as_the_derived_rows_did() {
        let rows = vec![
            CouplingRow {
                region: s("a"),
                year: 2000,
                c: 0.1 + 0.2,
                t: 0.5,
                d: (0.3f64 * 0.5).sqrt(),
                level: 4,
                level_name: s("mild imbalance"),
            },
            CouplingRow {
                region: s("b"),
                year: 2000,
                c: 1.0,
                t: 0.0,
                d: 0.0,
                level: 1,
                level_name: s("extreme imbalance"),
            },
            CouplingRow {
                region: s("a"),
                year: 2001,
                c: 1e-9,
                t: 0.25,
                d: 0.9,
                level: 10,
                level_name: s("quality coordination"),
            },
        ];
        let old = OldCouplingSummary {
            dimensions: vec![s("u"), s("v")],
            alpha: vec![0.5, 0.5],
            rows: rows.clone(),
        };
        let mut c = CouplingSummary::new(vec![s("u"), s("v")], vec![0.5, 0.5]);
        c.extend(rows);
        assert_eq!(c.len(), 3);
        assert_eq!(c.row(2).region, "a");
        assert_eq!(c.row(1).level_name, "extreme imbalance");
        let want = serde_json::to_string(&old).unwrap();
        assert_eq!(serde_json::to_string(&c).unwrap(), want);
        assert!(want.contains(r#""C":0.30000000000000004,"#), "{want}");
        let back: CouplingSummary = serde_json::from_str(&want).unwrap();
        assert_eq!(serde_json::to_string(&back).unwrap(), want);
        assert_eq!(
            back.rows().map(|r| r.d).collect::<Vec<_>>(),
            [(0.3f64 * 0.5).sqrt(), 0.0, 0.9]
        );
        assert!(serde_json::from_str::<CouplingSummary>(r#"{"dimensions":[],"rows":[]}"#).is_err());
    }

    #[test]
    fn stage_values_keep_cells_and_missing_values() {
        let regions = vec![s("r"), s("s")];
        let v = StageValues::from_grid(
            "treated",
            &regions,
            &[2000, 2001],
            2,
            vec![1.0, 2.0, f64::INFINITY, 4.0, 5.0, f64::NAN, 7.0, 8.0],
        )
        .unwrap();
        assert_eq!(v.len(), 4);
        assert_eq!(v.cell(2), ("s", 2000));
        assert_eq!(v.get(1, 0), None);
        assert_eq!(v.get(1, 1), Some(4.0));
        assert_eq!(v.get(1, 2), None);
        assert_eq!(
            v.column(1).collect::<Vec<_>>(),
            [Some(2.0), Some(4.0), None, Some(8.0)]
        );
        assert!(StageValues::from_grid("x", &regions, &[2000], 2, vec![1.0]).is_err());
        let rows = StageValues::from_rows(
            "treated",
            (0..4).map(|i| {
                let (r, y) = v.cell(i);
                let row: &[Option<f64>] = match i {
                    0 => &[Some(1.0), Some(2.0)],
                    1 => &[None, Some(4.0)],
                    2 => &[Some(5.0), None],
                    _ => &[Some(7.0), Some(8.0)],
                };
                (r, y, row)
            }),
        );
        assert_eq!(rows, v);
        let t = &stage_tables(&Construction {
            indicators: vec![s("a"), s("b")],
            values: vec![v],
            ..Construction::default()
        })[0];
        assert_eq!(t.name, "stages/treated");
        assert_eq!(t.rows[1][2].text(), "");
        assert_eq!(t.rows[1][3].text(), "4");
    }

    /// A shared buffer is read in place: the stage holds the caller's
    /// allocation (two owners of it, same address) and reads as
    /// `from_grid` over a copy; an infinite value makes it copy, with the
    /// value missing.
    #[test]
    fn shared_stage_values_are_not_copied_unless_infinite() {
        let regions = vec!["a".to_string(), "b".to_string()];
        let years = [2000, 2001];
        let floats: Vec<f64> = vec![0.5, 1.0, f64::NAN, 0.25, 0.0, -0.0, 1.0, 0.75];
        let buf: Arc<Vec<f64>> = Arc::new(floats.clone());
        let shared: SharedFloats = buf.clone();
        let s = StageValues::from_shared("normalised", &regions, &years, 2, shared).unwrap();
        assert_eq!(Arc::strong_count(&buf), 2);
        assert_eq!(s.row(0).as_ptr(), buf.as_ptr());
        let own = StageValues::from_grid("normalised", &regions, &years, 2, floats).unwrap();
        assert_eq!(s, own);
        assert_eq!(s.cell(3), ("b", 2001));
        assert_eq!(s.get(1, 0), None);
        assert_eq!(s.get(3, 1), Some(0.75));
        let inf: SharedFloats = Arc::new(vec![0.5, f64::INFINITY, 0.0, 1.0, 0.0, 0.0, 1.0, 1.0]);
        let s = StageValues::from_shared("normalised", &regions, &years, 2, inf.clone()).unwrap();
        assert_eq!(Arc::strong_count(&inf), 1);
        assert_eq!(s.row(0)[0], 0.5);
        assert!(s.row(0)[1].is_nan());
        let short: SharedFloats = Arc::new(vec![0.0; 7]);
        assert_eq!(
            StageValues::from_shared("normalised", &regions, &years, 2, short).unwrap_err(),
            "stage 'normalised': 7 values for 4 rows of 2"
        );
    }
}
