//! Spatial weights from boundaries: queen and rook contiguity, k nearest
//! neighbours by great-circle distance, and a user's matrix; restricted to the
//! data's regions and transformed in one call ([`region_weights`]).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use rurban_core::{CoreError, Location, ReadOptions, Table};
use rurban_spatial::{SpatialWeights, Transform};
use serde::{Deserialize, Serialize};

use crate::boundaries::Feature;
use crate::gravity::haversine_km;
use crate::key::Geography;
use crate::{GeoError, name_list};

/// Which weights to build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WeightsKind {
    /// Neighbours share at least one vertex.
    Queen,
    /// Neighbours share at least one edge.
    Rook,
    /// The K nearest features by great-circle distance between centroids.
    Knn(usize),
    /// A square matrix in a CSV (or TSV/XLSX) file.
    File(PathBuf),
}

impl WeightsKind {
    /// The contract's name: `queen`, `rook`, `knn` or `file`.
    pub fn name(&self) -> &'static str {
        match self {
            WeightsKind::Queen => "queen",
            WeightsKind::Rook => "rook",
            WeightsKind::Knn(_) => "knn",
            WeightsKind::File(_) => "file",
        }
    }
}

/// The weights options of the spatial subcommands (and of `[geo]` in a spec).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeightsOptions {
    /// Which weights.
    pub kind: WeightsKind,
    /// How they are transformed after restriction.
    pub transform: Transform,
}

/// The contract's `weights` object of the moran JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WeightsSummary {
    /// `queen`, `rook`, `knn` or `file`.
    pub kind: String,
    /// `r` or `b`.
    pub transform: Transform,
    /// Number of regions (after restriction to the data's regions).
    pub n: usize,
    /// Regions without a neighbour, after restriction.
    pub islands: Vec<String>,
}

/// Weights over the data's regions, ready for the statistics.
#[derive(Debug, Clone, PartialEq)]
pub struct RegionWeights {
    /// Which weights were built.
    pub kind: WeightsKind,
    /// The transform applied to [`RegionWeights::weights`].
    pub transform: Transform,
    /// Restricted to the data's regions (in the data's order), untransformed.
    pub raw: SpatialWeights,
    /// `raw`, transformed.
    pub weights: SpatialWeights,
    /// Regions without a neighbour after restriction.
    pub islands: Vec<String>,
    /// Features left out for lack of data, and islands.
    pub warnings: Vec<String>,
}

impl RegionWeights {
    /// The contract's `weights` object.
    pub fn summary(&self) -> WeightsSummary {
        WeightsSummary {
            kind: self.kind.name().to_string(),
            transform: self.transform,
            n: self.weights.n(),
            islands: self.islands.clone(),
        }
    }

    /// The weights among `regions` (a subset of the data's regions, e.g. one
    /// year's), in that order, transformed with `transform`. A region that is
    /// not among the data's regions, or is repeated, is an error.
    pub fn subset(
        &self,
        regions: &[String],
        transform: Transform,
    ) -> Result<SpatialWeights, GeoError> {
        let pos: HashMap<&str, usize> = self
            .raw
            .ids
            .iter()
            .enumerate()
            .map(|(i, id)| (id.as_str(), i))
            .collect();
        let mut seen = HashSet::new();
        let keep = regions
            .iter()
            .map(|r| {
                if !seen.insert(r.as_str()) {
                    return Err(GeoError::Method(format!(
                        "region \"{r}\" appears more than once in one group"
                    )));
                }
                pos.get(r.as_str()).copied().ok_or_else(|| {
                    GeoError::Method(format!("region \"{r}\" has no spatial weights"))
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(self.raw.restrict(&keep).transform(transform))
    }
}

/// Builds the weights on all features of `geo`, restricts them to `regions`
/// (the data's regions; their order is kept, repeats ignored), transforms
/// them, and warns about features without data and about islands. A region
/// without a feature is an error naming it.
pub fn region_weights(
    geo: &Geography,
    regions: &[String],
    opts: &WeightsOptions,
) -> Result<RegionWeights, GeoError> {
    let mut order: Vec<String> = Vec::with_capacity(regions.len());
    let mut seen = HashSet::new();
    for r in regions {
        if seen.insert(r.as_str()) {
            order.push(r.clone());
        }
    }
    let mut keep = Vec::with_capacity(order.len());
    for r in &order {
        match geo.index_of(r) {
            Some(i) => keep.push(i),
            None => {
                let near = crate::key::nearest(r, &geo.ids, 3);
                let hint = if near.is_empty() {
                    String::new()
                } else {
                    format!("; nearest names: {}", near.join(", "))
                };
                return Err(GeoError::invalid(
                    &geo.path,
                    format!(
                        "region \"{r}\" of the data has no feature (key property '{}'){hint}",
                        geo.key
                    ),
                ));
            }
        }
    }
    let (full, in_file) = match &opts.kind {
        WeightsKind::File(p) => {
            let (w, present) = weights_file(p, &geo.ids)?;
            (w, Some((p, present)))
        }
        kind => (geo.weights(kind)?, None),
    };
    if let Some((p, present)) = in_file
        && let Some(&i) = keep.iter().find(|&&i| !present[i])
    {
        return Err(GeoError::invalid(
            p,
            format!(
                "region \"{}\" of the data has no row and column in the weights file",
                geo.ids[i]
            ),
        ));
    }
    let mut warnings = Vec::new();
    let dropped = geo.without_data(&order);
    if !dropped.is_empty() {
        warnings.push(format!(
            "{}: {} of {} features have no data and are left out of the weights: {}",
            geo.path.display(),
            dropped.len(),
            geo.len(),
            name_list(&dropped, 20)
        ));
    }
    let raw = full.restrict(&keep);
    let weights = raw.transform(opts.transform);
    let islands: Vec<String> = weights
        .islands()
        .into_iter()
        .map(|i| weights.ids[i].clone())
        .collect();
    if !islands.is_empty() {
        warnings.push(island_warning(&islands));
    }
    Ok(RegionWeights {
        kind: opts.kind.clone(),
        transform: opts.transform,
        raw,
        weights,
        islands,
        warnings,
    })
}

/// The warning naming regions without a neighbour.
pub fn island_warning(islands: &[String]) -> String {
    format!(
        "{} region{} without a neighbour (island{}, a row of zeros): {}",
        islands.len(),
        if islands.len() == 1 { "" } else { "s" },
        if islands.len() == 1 { "" } else { "s" },
        name_list(islands, 20)
    )
}

impl Geography {
    /// Untransformed weights of `kind` over all features, in feature order.
    pub fn weights(&self, kind: &WeightsKind) -> Result<SpatialWeights, GeoError> {
        match kind {
            WeightsKind::Queen => Ok(SpatialWeights::from_neighbours(
                self.ids.clone(),
                queen(&self.features),
            )),
            WeightsKind::Rook => Ok(SpatialWeights::from_neighbours(
                self.ids.clone(),
                rook(&self.features),
            )),
            WeightsKind::Knn(k) => {
                if *k == 0 || *k >= self.len() {
                    return Err(GeoError::invalid(
                        &self.path,
                        format!(
                            "--knn {k}: K must be at least 1 and less than the number of features ({})",
                            self.len()
                        ),
                    ));
                }
                Ok(SpatialWeights::from_neighbours(
                    self.ids.clone(),
                    knn(&self.centroids, *k),
                ))
            }
            WeightsKind::File(p) => Ok(weights_file(p, &self.ids)?.0),
        }
    }
}

/// A coordinate as the bit patterns of its two numbers (-0.0 is already 0.0).
fn bits(p: [f64; 2]) -> (u64, u64) {
    (p[0].to_bits(), p[1].to_bits())
}

/// Neighbour pairs from (key, feature) items sorted by key: every two
/// different features with the same key are neighbours.
fn pairs_from_sorted<K: PartialEq>(items: &[(K, u32)], n: usize) -> Vec<Vec<usize>> {
    let mut lists: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut start = 0;
    while start < items.len() {
        let mut end = start + 1;
        while end < items.len() && items[end].0 == items[start].0 {
            end += 1;
        }
        if end - start > 1 {
            for a in start..end {
                for b in start..end {
                    let (i, j) = (items[a].1 as usize, items[b].1 as usize);
                    if i != j {
                        lists[i].push(j);
                    }
                }
            }
        }
        start = end;
    }
    for l in &mut lists {
        l.sort_unstable();
        l.dedup();
    }
    lists
}

/// Queen contiguity: neighbour lists (feature order) of features whose
/// rings share at least one vertex, by exact coordinate equality. Sorting the
/// (vertex, feature) pairs makes it O(V log V) in the number of vertices.
pub fn queen(features: &[Feature]) -> Vec<Vec<usize>> {
    let mut items: Vec<((u64, u64), u32)> = Vec::new();
    for (f, feat) in features.iter().enumerate() {
        for ring in feat.polygons.iter().flatten() {
            items.extend(ring.iter().map(|&p| (bits(p), f as u32)));
        }
    }
    items.sort_unstable();
    items.dedup();
    pairs_from_sorted(&items, features.len())
}

/// Rook contiguity: neighbour lists of features whose rings share at least
/// one edge (two consecutive vertices, in either order). An unclosed ring is
/// closed implicitly.
pub fn rook(features: &[Feature]) -> Vec<Vec<usize>> {
    type Edge = ((u64, u64), (u64, u64));
    let mut items: Vec<(Edge, u32)> = Vec::new();
    for (f, feat) in features.iter().enumerate() {
        for ring in feat.polygons.iter().flatten() {
            let n = ring.len();
            if n < 2 {
                continue;
            }
            let closed = ring[0] == ring[n - 1];
            let edges = if closed { n - 1 } else { n };
            for i in 0..edges {
                let (a, b) = (bits(ring[i]), bits(ring[(i + 1) % n]));
                if a != b {
                    items.push(((a.min(b), a.max(b)), f as u32));
                }
            }
        }
    }
    items.sort_unstable();
    items.dedup();
    pairs_from_sorted(&items, features.len())
}

/// K nearest neighbours of every point by great-circle distance (haversine,
/// R = 6371.0 km) between (lon, lat) points, ties broken by feature order.
/// `k` must be less than the number of points.
pub fn knn(points: &[[f64; 2]], k: usize) -> Vec<Vec<usize>> {
    (0..points.len())
        .map(|i| {
            let mut d: Vec<(f64, usize)> = (0..points.len())
                .filter(|&j| j != i)
                .map(|j| (haversine_km(points[i], points[j]), j))
                .collect();
            d.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            d.into_iter().take(k).map(|(_, j)| j).collect()
        })
        .collect()
}

/// Reads a square weights matrix: a header row of region names (the first
/// cell is ignored) and a first column of the same names, in any order. Each
/// name must be one of `ids`; cells must be numbers >= 0 (the diagonal is
/// ignored). Returns the weights over `ids` (features absent from the file
/// have no neighbours) and which ids the file has.
pub fn weights_file(path: &Path, ids: &[String]) -> Result<(SpatialWeights, Vec<bool>), GeoError> {
    let t = Table::read(path, &ReadOptions::default())?;
    let index: HashMap<&str, usize> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| (id.as_str(), i))
        .collect();
    let at = |row: Option<usize>, col: Option<&str>| {
        let mut l = Location::file(path);
        if let Some(r) = row {
            l = l.row(r);
        }
        if let Some(c) = col {
            l = l.column(c);
        }
        l
    };
    let names = &t.headers[1..];
    if names.is_empty() {
        return Err(GeoError::invalid(
            path,
            "the weights file has no region columns",
        ));
    }
    if t.n_rows() != names.len() {
        return Err(GeoError::invalid(
            path,
            format!(
                "the weights matrix is not square: {} rows and {} region columns",
                t.n_rows(),
                names.len()
            ),
        ));
    }
    let mut col_feature = Vec::with_capacity(names.len());
    for name in names {
        let f = index.get(name.as_str()).copied().ok_or_else(|| {
            CoreError::at(
                at(None, Some(name)),
                "this region of the header is not a feature of the boundaries",
            )
        })?;
        col_feature.push(f);
    }
    let header_set: HashSet<&str> = names.iter().map(String::as_str).collect();
    let mut row_feature = Vec::with_capacity(t.n_rows());
    let mut row_seen: HashMap<String, usize> = HashMap::new();
    for (r, name) in t.text(0).into_iter().enumerate() {
        if let Some(first) = row_seen.insert(name.to_string(), r + 1) {
            return Err(CoreError::at(
                at(Some(r + 1), Some(&t.headers[0])),
                format!("region \"{name}\" is repeated (rows {first} and {})", r + 1),
            )
            .into());
        }
        if !header_set.contains(name) {
            return Err(CoreError::at(
                at(Some(r + 1), Some(&t.headers[0])),
                format!("region \"{name}\" is not in the header row"),
            )
            .into());
        }
        row_feature.push(index[name]);
    }
    let mut lists: Vec<Vec<(usize, f64)>> = vec![Vec::new(); ids.len()];
    for (c, &fj) in col_feature.iter().enumerate() {
        for (r, v) in t.numbers(c + 1)?.into_iter().enumerate() {
            let here = || at(Some(r + 1), Some(&names[c]));
            let v = v.ok_or_else(|| CoreError::at(here(), "missing weight"))?;
            if !v.is_finite() || v < 0.0 {
                return Err(
                    CoreError::at(here(), format!("weight {v} is negative or not finite")).into(),
                );
            }
            let fi = row_feature[r];
            if v != 0.0 && fi != fj {
                lists[fi].push((fj, v));
            }
        }
    }
    for l in &mut lists {
        l.sort_unstable_by_key(|&(j, _)| j);
    }
    let mut present = vec![false; ids.len()];
    for &f in &row_feature {
        present[f] = true;
    }
    Ok((
        SpatialWeights {
            ids: ids.to_vec(),
            rows: lists,
        },
        present,
    ))
}
