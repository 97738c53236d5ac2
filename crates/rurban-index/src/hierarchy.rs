//! Dimensions nested to any depth through `parent`, the effective weights
//! of the indicators, and bottom-up aggregation of every node.
//!
//! Children of a dimension are its own indicators (in spec order) followed
//! by its child dimensions (in spec order); the roots (dimensions without a
//! parent) are siblings of each other. A parent may be defined after its
//! children. [`Hierarchy::order`] lists the dimensions bottom-up (each
//! parent after all its children: a depth-first post-order from the roots
//! in spec order), the order of the score columns.

use ndarray::ArrayView2;

use crate::StageError;
use crate::aggregate::{Mean, POSITIVE_HINT, topsis_columns};

/// A dimension as the spec gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct DimensionDef {
    /// Its id.
    pub id: String,
    /// The id of the dimension it belongs to, if any.
    pub parent: Option<String>,
    /// Its weight among its siblings (given weighting; default 1).
    pub weight: f64,
}

/// An indicator as the spec gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorDef {
    /// Its id.
    pub id: String,
    /// The id of the dimension it belongs to.
    pub dimension: String,
    /// Its weight among its siblings (given weighting; default 1).
    pub weight: f64,
}

/// A checked dimension tree over the indicators.
#[derive(Debug, Clone, PartialEq)]
pub struct Hierarchy {
    ids: Vec<String>,
    parent: Vec<Option<usize>>,
    weight: Vec<f64>,
    child_dims: Vec<Vec<usize>>,
    child_inds: Vec<Vec<usize>>,
    indicators: Vec<String>,
    ind_dim: Vec<usize>,
    ind_weight: Vec<f64>,
    order: Vec<usize>,
    roots: Vec<usize>,
    below: Vec<Vec<usize>>,
}

/// The scores of one row at every node.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeScores {
    /// One score per dimension, in spec order; `None` = missing.
    pub dimensions: Vec<Option<f64>>,
    /// The composite; `None` = missing.
    pub composite: Option<f64>,
}

/// TOPSIS closeness of every row at every node.
#[derive(Debug, Clone, PartialEq)]
pub struct TopsisScores {
    /// Per dimension (spec order), one closeness per row.
    pub dimensions: Vec<Vec<Option<f64>>>,
    /// One composite closeness per row.
    pub composite: Vec<Option<f64>>,
}

fn check_weight(kind: &str, id: &str, w: f64) -> Result<(), StageError> {
    if !(w.is_finite() && w >= 0.0) {
        return Err(StageError::Hierarchy(format!(
            "{kind} '{id}': weight = {w}: a weight must be a finite number >= 0"
        )));
    }
    Ok(())
}

impl Hierarchy {
    /// Checks and links the tree. Errors name the culprit: a duplicate
    /// dimension, an unknown parent, a cycle (listing it), an indicator in
    /// an unknown dimension, a dimension with neither indicators nor child
    /// dimensions, a negative or non-finite weight.
    pub fn new(
        dimensions: &[DimensionDef],
        indicators: &[IndicatorDef],
    ) -> Result<Self, StageError> {
        if dimensions.is_empty() {
            return Err(StageError::Hierarchy("the index has no dimension".into()));
        }
        let nd = dimensions.len();
        let ids: Vec<String> = dimensions.iter().map(|d| d.id.clone()).collect();
        let find = |id: &str| ids.iter().position(|d| d == id);
        for (k, d) in dimensions.iter().enumerate() {
            if ids[..k].contains(&d.id) {
                return Err(StageError::Hierarchy(format!(
                    "dimension '{}' is defined twice",
                    d.id
                )));
            }
            check_weight("dimension", &d.id, d.weight)?;
        }
        let mut parent = vec![None; nd];
        for (k, d) in dimensions.iter().enumerate() {
            if let Some(p) = &d.parent {
                let Some(pi) = find(p) else {
                    return Err(StageError::Hierarchy(format!(
                        "dimension '{}': parent '{p}' is not a dimension of the index",
                        d.id
                    )));
                };
                parent[k] = Some(pi);
            }
        }
        for start in 0..nd {
            let mut path = vec![start];
            let mut at = start;
            while let Some(p) = parent[at] {
                if let Some(pos) = path.iter().position(|&q| q == p) {
                    let mut names: Vec<&str> =
                        path[pos..].iter().map(|&q| ids[q].as_str()).collect();
                    names.push(&ids[p]);
                    return Err(StageError::Hierarchy(format!(
                        "dimensions form a cycle through their parents: {}",
                        names.join(" -> ")
                    )));
                }
                path.push(p);
                at = p;
            }
        }
        let mut child_dims = vec![Vec::new(); nd];
        for (k, p) in parent.iter().enumerate() {
            if let Some(p) = p {
                child_dims[*p].push(k);
            }
        }
        let mut child_inds = vec![Vec::new(); nd];
        let mut ind_dim = Vec::with_capacity(indicators.len());
        for (j, ind) in indicators.iter().enumerate() {
            check_weight("indicator", &ind.id, ind.weight)?;
            let Some(d) = find(&ind.dimension) else {
                return Err(StageError::Hierarchy(format!(
                    "indicator '{}': dimension '{}' is not a dimension of the index",
                    ind.id, ind.dimension
                )));
            };
            child_inds[d].push(j);
            ind_dim.push(d);
        }
        for k in 0..nd {
            if child_dims[k].is_empty() && child_inds[k].is_empty() {
                return Err(StageError::Hierarchy(format!(
                    "dimension '{}' holds no indicator and no dimension",
                    ids[k]
                )));
            }
        }
        let roots: Vec<usize> = (0..nd).filter(|&k| parent[k].is_none()).collect();
        // post-order from the roots (iterative: depth is unbounded)
        let mut order = Vec::with_capacity(nd);
        for &r in &roots {
            let mut stack = vec![(r, 0usize)];
            while let Some((node, next)) = stack.pop() {
                if next < child_dims[node].len() {
                    stack.push((node, next + 1));
                    stack.push((child_dims[node][next], 0));
                } else {
                    order.push(node);
                }
            }
        }
        // indicators below each dimension, in indicator order
        let mut below = vec![Vec::new(); nd];
        for (j, &d) in ind_dim.iter().enumerate() {
            let mut at = Some(d);
            while let Some(k) = at {
                below[k].push(j);
                at = parent[k];
            }
        }
        Ok(Hierarchy {
            ids,
            parent,
            weight: dimensions.iter().map(|d| d.weight).collect(),
            child_dims,
            child_inds,
            indicators: indicators.iter().map(|i| i.id.clone()).collect(),
            ind_dim,
            ind_weight: indicators.iter().map(|i| i.weight).collect(),
            order,
            roots,
            below,
        })
    }

    /// The one-level tree of [`IndexModel`](crate::IndexModel): every
    /// dimension a root, every weight 1.
    pub fn flat(model: &crate::IndexModel) -> Result<Self, StageError> {
        let dims: Vec<DimensionDef> = model
            .dimensions
            .iter()
            .map(|id| DimensionDef {
                id: id.clone(),
                parent: None,
                weight: 1.0,
            })
            .collect();
        let mut inds = Vec::with_capacity(model.indicators.len());
        for (id, &d) in model.indicators.iter().zip(&model.dimension_of) {
            let Some(dim) = model.dimensions.get(d) else {
                return Err(StageError::Hierarchy(format!(
                    "indicator '{id}' belongs to dimension {d}, which does not exist"
                )));
            };
            inds.push(IndicatorDef {
                id: id.clone(),
                dimension: dim.clone(),
                weight: 1.0,
            });
        }
        Hierarchy::new(&dims, &inds)
    }

    /// Dimension ids, in spec order.
    pub fn dimensions(&self) -> &[String] {
        &self.ids
    }
    /// Indicator ids, in spec order.
    pub fn indicators(&self) -> &[String] {
        &self.indicators
    }
    /// The parent of each dimension (spec order).
    pub fn parent(&self, dimension: usize) -> Option<usize> {
        self.parent[dimension]
    }
    /// The dimension each indicator is defined in.
    pub fn dimension_of(&self) -> &[usize] {
        &self.ind_dim
    }
    /// Dimensions bottom-up: every parent after all its children.
    pub fn order(&self) -> &[usize] {
        &self.order
    }
    /// The dimensions without a parent, in spec order.
    pub fn roots(&self) -> &[usize] {
        &self.roots
    }
    /// The indicators below a dimension at any depth, in indicator order.
    pub fn indicators_below(&self, dimension: usize) -> &[usize] {
        &self.below[dimension]
    }

    /// Effective weight of each indicator: the product, along its path from
    /// the indicator up to its root, of each node's weight divided by the
    /// sum of its own and its siblings' weights. They sum to 1. An error
    /// when a set of siblings has weights summing to 0.
    pub fn effective_weights(&self) -> Result<Vec<f64>, StageError> {
        let share_of_dim = |k: usize| -> Result<f64, StageError> {
            let sibs: f64 = match self.parent[k] {
                Some(p) => self.children_weight_sum(p),
                None => self.roots.iter().map(|&r| self.weight[r]).sum(),
            };
            if sibs <= 0.0 {
                return Err(self.zero_siblings(self.parent[k]));
            }
            Ok(self.weight[k] / sibs)
        };
        let mut dim_share = vec![0.0; self.ids.len()];
        for &k in &self.order {
            dim_share[k] = share_of_dim(k)?;
        }
        let mut out = Vec::with_capacity(self.indicators.len());
        for (j, &d) in self.ind_dim.iter().enumerate() {
            let sibs = self.children_weight_sum(d);
            if sibs <= 0.0 {
                return Err(self.zero_siblings(Some(d)));
            }
            let mut w = self.ind_weight[j] / sibs;
            let mut at = Some(d);
            while let Some(k) = at {
                w *= dim_share[k];
                at = self.parent[k];
            }
            out.push(w);
        }
        Ok(out)
    }

    fn children_weight_sum(&self, d: usize) -> f64 {
        self.child_inds[d]
            .iter()
            .map(|&j| self.ind_weight[j])
            .sum::<f64>()
            + self.child_dims[d]
                .iter()
                .map(|&k| self.weight[k])
                .sum::<f64>()
    }

    fn zero_siblings(&self, parent: Option<usize>) -> StageError {
        StageError::Hierarchy(match parent {
            Some(p) => format!(
                "the weights of the children of dimension '{}' sum to 0",
                self.ids[p]
            ),
            None => "the weights of the top-level dimensions sum to 0".into(),
        })
    }

    fn not_positive(&self, what: String, row: usize, value: f64, mean: Mean) -> StageError {
        StageError::NotPositive {
            what,
            row,
            value,
            stage: mean.stage(),
            hint: POSITIVE_HINT,
        }
    }

    /// Given weights: each dimension (bottom-up) is the `mean` of its
    /// children that are not missing, with their own spec weights; all
    /// missing gives missing. The composite is the single root's score, or
    /// the mean of the roots with their weights. `z` holds one normalised
    /// value per indicator (NaN = missing); `row` only names the row in an
    /// error.
    pub fn aggregate_given(
        &self,
        z: &[f64],
        mean: Mean,
        row: usize,
    ) -> Result<NodeScores, StageError> {
        self.check_len(z.len())?;
        let mut dims: Vec<Option<f64>> = vec![None; self.ids.len()];
        for &k in &self.order {
            let mut xs = Vec::new();
            let mut ws = Vec::new();
            let mut names = Vec::new();
            for &j in &self.child_inds[k] {
                xs.push(z[j]);
                ws.push(self.ind_weight[j]);
                names.push(format!("indicator '{}'", self.indicators[j]));
            }
            for &c in &self.child_dims[k] {
                xs.push(dims[c].unwrap_or(f64::NAN));
                ws.push(self.weight[c]);
                names.push(format!("dimension '{}'", self.ids[c]));
            }
            dims[k] = mean
                .of(&xs, &ws)
                .map_err(|e| self.not_positive(names[e.index].clone(), row, e.value, mean))?;
        }
        let composite = if let [r] = self.roots[..] {
            dims[r]
        } else {
            let xs: Vec<f64> = self
                .roots
                .iter()
                .map(|&r| dims[r].unwrap_or(f64::NAN))
                .collect();
            let ws: Vec<f64> = self.roots.iter().map(|&r| self.weight[r]).collect();
            mean.of(&xs, &ws).map_err(|e| {
                self.not_positive(
                    format!("dimension '{}'", self.ids[self.roots[e.index]]),
                    row,
                    e.value,
                    mean,
                )
            })?
        };
        Ok(NodeScores {
            dimensions: dims,
            composite,
        })
    }

    /// Objective weights `w` (one per indicator): with the arithmetic mean,
    /// each dimension is `sum_{j below} w_j z_j` (summed from 0 in indicator
    /// order) and the composite `sum_j w_j z_j` (so the parts add up,
    /// bit-identical to [`WeightedSum`](crate::WeightedSum) for flat
    /// dimensions); with geometric or harmonic, each dimension is the mean
    /// of the indicators below it with their `w_j` and the composite the
    /// mean of all indicators. A missing value is an error.
    pub fn aggregate_objective(
        &self,
        z: &[f64],
        w: &[f64],
        mean: Mean,
        row: usize,
    ) -> Result<NodeScores, StageError> {
        self.check_len(z.len())?;
        self.check_len(w.len())?;
        if let Some(j) = z.iter().position(|v| v.is_nan()) {
            return Err(StageError::Missing {
                what: format!("indicator '{}'", self.indicators[j]),
                row,
                stage: "aggregation with objective weights",
            });
        }
        let over = |js: &[usize]| -> Result<Option<f64>, StageError> {
            if mean == Mean::Arithmetic {
                let mut s = 0.0;
                for &j in js {
                    s += w[j] * z[j];
                }
                return Ok(Some(s));
            }
            let xs: Vec<f64> = js.iter().map(|&j| z[j]).collect();
            let ws: Vec<f64> = js.iter().map(|&j| w[j]).collect();
            mean.of(&xs, &ws).map_err(|e| {
                self.not_positive(
                    format!("indicator '{}'", self.indicators[js[e.index]]),
                    row,
                    e.value,
                    mean,
                )
            })
        };
        let mut dims = Vec::with_capacity(self.ids.len());
        for k in 0..self.ids.len() {
            dims.push(over(&self.below[k])?);
        }
        let composite = if mean == Mean::Arithmetic {
            Some(w.iter().zip(z).map(|(w, z)| w * z).sum::<f64>())
        } else {
            let all: Vec<usize> = (0..z.len()).collect();
            over(&all)?
        };
        Ok(NodeScores {
            dimensions: dims,
            composite,
        })
    }

    /// TOPSIS closeness of every row of `z` (rows x indicators, the [0, 1]
    /// min-max over the rows of the scope) with one weight per indicator
    /// (objective weights, or [`effective_weights`](Self::effective_weights)):
    /// the composite over all indicators, each dimension over the
    /// indicators below it. A missing value is an error.
    pub fn topsis(&self, z: ArrayView2<'_, f64>, w: &[f64]) -> Result<TopsisScores, StageError> {
        self.check_len(z.ncols())?;
        self.check_len(w.len())?;
        for (j, col) in z.columns().into_iter().enumerate() {
            if let Some(row) = col.iter().position(|v| v.is_nan()) {
                return Err(StageError::Missing {
                    what: format!("indicator '{}'", self.indicators[j]),
                    row,
                    stage: "TOPSIS aggregation",
                });
            }
        }
        let all: Vec<usize> = (0..z.ncols()).collect();
        Ok(TopsisScores {
            dimensions: self
                .below
                .iter()
                .map(|js| topsis_columns(z, w, js))
                .collect(),
            composite: topsis_columns(z, w, &all),
        })
    }

    fn check_len(&self, n: usize) -> Result<(), StageError> {
        if n != self.indicators.len() {
            return Err(StageError::Shape(format!(
                "{n} values for {} indicators",
                self.indicators.len()
            )));
        }
        Ok(())
    }
}
