//! Writing a run's results: `weights.csv`, `scores.csv`, `summary.json`, and
//! whatever further files the caller adds.
//!
//! Files are rendered in memory into an [`OutputSet`], which
//! [`crate::outdir`] commits into the output directory, all or nothing.

use serde_json::{Value, json};

pub use crate::outdir::OutputSet;
use crate::{PipelineError, RunOutput};
use rurban_core::spec::Scope;

/// A CSV writer into memory.
pub fn csv_bytes(header: &[String], rows: impl IntoIterator<Item = Vec<String>>) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    // Writing into a Vec cannot fail.
    let _ = w.write_record(header);
    for r in rows {
        let _ = w.write_record(&r);
    }
    w.into_inner().unwrap_or_default()
}

/// A float as text with full round-trip precision (`NaN` as empty).
pub fn num(x: f64) -> String {
    if x.is_finite() {
        format!("{x}")
    } else {
        String::new()
    }
}

/// `weights.csv`.
pub fn weights_csv(out: &RunOutput) -> Vec<u8> {
    let scope_year = out.spec.method.scope == Scope::Year;
    let has_entropy = out
        .index
        .weight_sets
        .first()
        .is_some_and(|w| w.entropy.is_some());
    let mut header: Vec<String> = Vec::new();
    if scope_year {
        header.push("year".into());
    }
    header.extend(["dimension", "indicator", "direction", "weight"].map(String::from));
    if has_entropy {
        header.push("entropy".into());
    }
    let mut rows = Vec::new();
    for ws in &out.index.weight_sets {
        for (j, ind) in out.model.indicators.iter().enumerate() {
            let mut r = Vec::new();
            if let Some(y) = ws.year {
                r.push(y.to_string());
            }
            r.push(out.model.dimensions[out.model.dimension_of[j]].clone());
            r.push(ind.clone());
            r.push(out.model.directions[j].symbol().to_string());
            r.push(num(ws.weights[j]));
            if let Some(e) = &ws.entropy {
                r.push(num(e[j]));
            }
            rows.push(r);
        }
    }
    csv_bytes(&header, rows)
}

/// `scores.csv`: region, year, composite, then one column per dimension.
pub fn scores_csv(out: &RunOutput) -> Vec<u8> {
    let mut header: Vec<String> = ["region", "year", "composite"].map(String::from).to_vec();
    header.extend(out.model.dimensions.iter().cloned());
    let mut rows = Vec::new();
    for (r, region) in out.panel.regions.iter().enumerate() {
        for (y, year) in out.panel.years.iter().enumerate() {
            let mut row = vec![
                region.clone(),
                year.to_string(),
                num(out.index.composite[[r, y]]),
            ];
            for d in 0..out.model.dimensions.len() {
                row.push(num(out.index.dimension_scores[[r, y, d]]));
            }
            rows.push(row);
        }
    }
    csv_bytes(&header, rows)
}

/// The weights in the JSON shape of `rurban weights` (one object per weight set).
pub fn weights_json(out: &RunOutput) -> Value {
    let sets: Vec<Value> = out
        .index
        .weight_sets
        .iter()
        .map(|ws| {
            let mut v = json!({
                "method": out.spec.method.weighting,
                "indicators": out.model.indicators,
                "weights": ws.weights,
                "n": ws.n,
                "warnings": ws.warnings,
            });
            if let Some(e) = &ws.entropy {
                v["entropy"] = json!(e);
            }
            if let Some(y) = ws.year {
                v["year"] = json!(y);
            }
            v
        })
        .collect();
    if out.spec.method.scope == Scope::Year {
        Value::Array(sets)
    } else {
        sets.into_iter().next().unwrap_or(Value::Null)
    }
}

/// Scores as an array of `{region, year, composite, <dimension>...}` records.
pub fn scores_json(out: &RunOutput) -> Value {
    serde_json::to_value(ScoreRecords(out)).unwrap_or(Value::Null)
}

/// The index system: dimensions with their indicators and weights.
pub fn system_json(out: &RunOutput) -> Value {
    let spec = &out.spec;
    let mut j = 0;
    let dims: Vec<Value> = spec
        .dimension
        .iter()
        .map(|d| {
            let inds: Vec<Value> = d
                .indicator
                .iter()
                .map(|i| {
                    // The panel's weight; with scope = year, the mean over the years.
                    let sets = &out.index.weight_sets;
                    let w = sets.iter().map(|ws| ws.weights[j]).sum::<f64>() / sets.len() as f64;
                    j += 1;
                    json!({"id": i.id, "name": i.name, "direction": i.direction.symbol(), "unit": i.unit, "weight": w})
                })
                .collect();
            json!({"id": d.id, "name": d.name, "indicators": inds})
        })
        .collect();
    Value::Array(dims)
}

/// `summary.json` as a serialisable view of a run: it streams straight
/// from the results (no intermediate JSON tree), so even a county-level run
/// serialises quickly. See `docs/outputs.md` for the shape.
pub struct Summary<'a>(pub &'a RunOutput);

/// The scores as an array of `{region, year, composite, <dimension>...}`
/// records, streamed.
struct ScoreRecords<'a>(&'a RunOutput);

impl serde::Serialize for ScoreRecords<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        struct Record<'b>(&'b RunOutput, usize, usize);
        impl serde::Serialize for Record<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let Record(out, r, y) = *self;
                let dims = &out.model.dimensions;
                let mut m = s.serialize_map(Some(3 + dims.len()))?;
                m.serialize_entry("region", &out.panel.regions[r])?;
                m.serialize_entry("year", &out.panel.years[y])?;
                m.serialize_entry("composite", &out.index.composite[[r, y]])?;
                for (d, id) in dims.iter().enumerate() {
                    m.serialize_entry(id, &out.index.dimension_scores[[r, y, d]])?;
                }
                m.end()
            }
        }
        let out = self.0;
        let (nr, ny) = out.index.composite.dim();
        let mut seq = s.serialize_seq(Some(nr * ny))?;
        for r in 0..nr {
            for y in 0..ny {
                seq.serialize_element(&Record(out, r, y))?;
            }
        }
        seq.end()
    }
}

impl serde::Serialize for Summary<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let out = self.0;
        let mut m = s.serialize_map(Some(14))?;
        m.serialize_entry("name", &out.spec.name)?;
        m.serialize_entry("spec", &out.spec.path.display().to_string())?;
        m.serialize_entry("data", &out.data_file.display().to_string())?;
        m.serialize_entry(
            "method",
            &json!({
                "weighting": out.spec.method.weighting,
                "scope": out.spec.method.scope,
                "shift": out.spec.method.shift,
                "impute": out.spec.method.impute,
            }),
        )?;
        m.serialize_entry("regions", &out.panel.regions)?;
        m.serialize_entry("years", &out.panel.years)?;
        m.serialize_entry("dimensions", &system_json(out))?;
        m.serialize_entry("weights", &weights_json(out))?;
        m.serialize_entry("scores", &ScoreRecords(out))?;
        m.serialize_entry("imputed", &out.imputed)?;
        m.serialize_entry("analysis", &out.analysis)?;
        m.serialize_entry("findings", &out.findings)?;
        m.serialize_entry("warnings", &out.warnings)?;
        m.end()
    }
}

/// `summary.json` as a JSON tree (for the report and `--format json`).
pub fn summary_json(out: &RunOutput) -> Value {
    serde_json::to_value(Summary(out)).unwrap_or(Value::Null)
}

/// `summary.json` as compact bytes, serialised straight from the results.
pub fn summary_bytes(out: &RunOutput) -> Result<Vec<u8>, PipelineError> {
    serde_json::to_vec(&Summary(out)).map_err(|e| PipelineError::Other(e.to_string()))
}

/// `kde.csv`: `year, x, density`.
pub fn kde_csv(out: &RunOutput) -> Option<Vec<u8>> {
    let k = out.analysis.kde.as_ref()?;
    let header = ["year", "x", "density"].map(String::from);
    let rows = k.groups.iter().flat_map(|g| {
        g.x.iter()
            .zip(&g.density)
            .map(move |(x, f)| vec![g.key.clone(), num(*x), num(*f)])
    });
    Some(csv_bytes(&header, rows))
}

/// `disparity.csv`: one row per series and year.
pub fn disparity_csv(out: &RunOutput) -> Option<Vec<u8>> {
    let d = out.analysis.disparity.as_ref()?;
    let grouped = d
        .composite
        .groups
        .first()
        .is_some_and(|g| g.dagum.is_some());
    let mut header: Vec<String> = ["series", "year", "n", "mean", "std", "cv", "theil", "gini"]
        .map(String::from)
        .to_vec();
    if grouped {
        header.extend(
            [
                "theil_within",
                "theil_between",
                "dagum_within",
                "dagum_between",
                "dagum_transvariation",
            ]
            .map(String::from),
        );
    }
    let mut rows = Vec::new();
    let series = std::iter::once(("composite".to_string(), &d.composite))
        .chain(d.dimensions.0.iter().map(|(k, v)| (k.clone(), v)));
    for (name, rep) in series {
        for g in &rep.groups {
            let mut r = vec![
                name.clone(),
                g.key.clone(),
                g.n.to_string(),
                num(g.mean),
                num(g.std),
                num(g.cv),
                num(g.theil),
                num(g.gini),
            ];
            if grouped {
                match (&g.theil_decomposition, &g.dagum) {
                    (Some(t), Some(dg)) => r.extend([
                        num(t.within),
                        num(t.between),
                        num(dg.within),
                        num(dg.between),
                        num(dg.transvariation),
                    ]),
                    _ => r.extend(std::iter::repeat_n(String::new(), 5)),
                }
            }
            rows.push(r);
        }
    }
    Some(csv_bytes(&header, rows))
}

/// `grey.csv`: `scope, region, dimension, grade, rank`.
pub fn grey_csv(out: &RunOutput) -> Option<Vec<u8>> {
    let g = out.analysis.grey.as_ref()?;
    let header = ["scope", "region", "dimension", "grade", "rank"].map(String::from);
    let mut rows = Vec::new();
    for x in &g.mean.grades {
        rows.push(vec![
            "mean".into(),
            String::new(),
            x.column.clone(),
            num(x.grade),
            x.rank.to_string(),
        ]);
    }
    for r in &g.regions {
        for x in &r.result.grades {
            rows.push(vec![
                "region".into(),
                r.region.clone(),
                x.column.clone(),
                num(x.grade),
                x.rank.to_string(),
            ]);
        }
    }
    Some(csv_bytes(&header, rows))
}

/// `clusters.csv`: `region, cluster, tier`.
pub fn clusters_csv(out: &RunOutput) -> Option<Vec<u8>> {
    let c = out.analysis.cluster.as_ref()?;
    let labels = c.get("labels")?.as_array()?;
    let header = ["region", "cluster", "tier"].map(String::from);
    let rows = labels.iter().map(|l| {
        let s = |k: &str| {
            l.get(k)
                .map(|v| {
                    v.as_str()
                        .map(String::from)
                        .unwrap_or_else(|| v.to_string())
                })
                .unwrap_or_default()
        };
        vec![s("label"), s("cluster"), s("tier")]
    });
    Some(csv_bytes(&header, rows))
}

/// `convergence.json`.
pub fn convergence_json(out: &RunOutput) -> Option<Vec<u8>> {
    let c = out.analysis.convergence.as_ref()?;
    let mut v = serde_json::to_value(c).ok()?;
    v["warnings"] = json!(c.warnings);
    serde_json::to_vec_pretty(&v).ok()
}

/// Every table file of a run (all but the report), in memory.
pub fn run_files(out: &RunOutput) -> Result<OutputSet, PipelineError> {
    let mut files = OutputSet::default();
    files.add("weights.csv", weights_csv(out));
    files.add("scores.csv", scores_csv(out));
    let optional = [
        ("clusters.csv", clusters_csv(out)),
        ("kde.csv", kde_csv(out)),
        ("disparity.csv", disparity_csv(out)),
        ("grey.csv", grey_csv(out)),
        ("convergence.json", convergence_json(out)),
    ];
    for (name, bytes) in optional {
        if let Some(b) = bytes {
            files.add(name, b);
        }
    }
    files.add("summary.json", summary_bytes(out)?);
    Ok(files)
}
