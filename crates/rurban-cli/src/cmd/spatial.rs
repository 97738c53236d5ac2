//! Arguments and helpers shared by the spatial subcommands (`neighbours`,
//! `moran`, `markov`, `gravity`): the boundaries file and its key, the
//! weights options, and the data's regions per group.

use std::collections::HashMap;
use std::path::PathBuf;

use anyhow::{Result, anyhow, bail};
use clap::{Args, ValueEnum};
use rurban_core::Table;
use rurban_core::table::IdColumn;
use rurban_geo::{Transform, WeightsKind, WeightsOptions};

/// `--contiguity` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Contiguity {
    /// Neighbours share a vertex.
    #[default]
    Queen,
    /// Neighbours share an edge.
    Rook,
}

/// `--geo F --key P`.
#[derive(Debug, Clone, Args)]
pub struct GeoArgs {
    /// Region boundaries: a GeoJSON FeatureCollection of (Multi)Polygons in lon/lat.
    #[arg(long, value_name = "FILE")]
    pub geo: Option<PathBuf>,
    /// The feature property holding the region names (default: the first of
    /// name, short, name_en, adcode that holds every region of the data).
    #[arg(long, value_name = "PROPERTY", requires = "geo")]
    pub key: Option<String>,
}

/// The spatial weights options: `--contiguity queen|rook`, `--knn K`,
/// `--weights-file W`, `--transform r|b`.
#[derive(Debug, Clone, Args)]
pub struct WeightsArgs {
    /// Contiguity weights: queen (shared vertex, the default) or rook (shared edge).
    #[arg(long, value_enum, conflicts_with_all = ["knn", "weights_file"], requires = "geo")]
    pub contiguity: Option<Contiguity>,
    /// K nearest neighbours by great-circle distance between centroids.
    #[arg(
        long,
        value_name = "K",
        conflicts_with = "weights_file",
        requires = "geo"
    )]
    pub knn: Option<usize>,
    /// A square weights matrix (CSV): header row and first column of region names.
    #[arg(long, value_name = "FILE", requires = "geo")]
    pub weights_file: Option<PathBuf>,
    /// r: each row divided by its sum (default); b: binary.
    #[arg(long, value_name = "r|b", default_value = "r")]
    pub transform: Transform,
}

impl WeightsArgs {
    /// The options for `rurban-geo`.
    pub fn options(&self) -> WeightsOptions {
        let kind = if let Some(k) = self.knn {
            WeightsKind::Knn(k)
        } else if let Some(p) = &self.weights_file {
            WeightsKind::File(p.clone())
        } else {
            match self.contiguity.unwrap_or_default() {
                Contiguity::Queen => WeightsKind::Queen,
                Contiguity::Rook => WeightsKind::Rook,
            }
        };
        WeightsOptions {
            kind,
            transform: self.transform,
        }
    }
}

/// The region column of a table (by the aliases), or an error saying how to
/// name it.
pub fn region_column(t: &Table) -> Result<usize> {
    t.id_column(IdColumn::Region, None)?.ok_or_else(|| {
        anyhow!(
            "{}: no region column (name one region, unit, city, province, 地区, 城市 or 省份; columns: {})",
            t.path.display(),
            t.headers.join(", ")
        )
    })
}

/// The year column of a table (by the aliases).
pub fn year_column(t: &Table) -> Result<usize> {
    t.id_column(IdColumn::Year, None)?.ok_or_else(|| {
        anyhow!(
            "{}: no year column (name one year, time or 年份; columns: {})",
            t.path.display(),
            t.headers.join(", ")
        )
    })
}

/// The distinct regions in order of first appearance.
pub fn distinct(regions: &[String]) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    regions
        .iter()
        .filter(|r| seen.insert(r.as_str()))
        .cloned()
        .collect()
}

/// One group's regions and values, in row order; a region twice in one group
/// is an error naming both rows.
pub fn group_regions(
    t: &Table,
    key: &str,
    rows: &[usize],
    regions: &[String],
    values: &[f64],
    by: Option<&str>,
) -> Result<(Vec<String>, Vec<f64>)> {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for &i in rows {
        if let Some(first) = seen.insert(regions[i].as_str(), i) {
            let hint = match by {
                Some(c) => format!("in the group {c} = {key}"),
                None => {
                    "(one value per region is needed; group the rows with --by, e.g. --by year)"
                        .into()
                }
            };
            bail!(
                "{}, row {}: region \"{}\" appears again (first at row {}) {hint}",
                t.path.display(),
                i + 1,
                regions[i],
                first + 1
            );
        }
    }
    Ok((
        rows.iter().map(|&i| regions[i].clone()).collect(),
        rows.iter().map(|&i| values[i]).collect(),
    ))
}
