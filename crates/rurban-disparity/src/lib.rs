//! Disparity measures for one variable across regions: mean, standard
//! deviation, coefficient of variation, Theil index, Gini coefficient, the
//! between/within decomposition of the Theil index and the Dagum (1997)
//! decomposition of the Gini coefficient.
//!
//! Definitions (n values `x_i`, mean `mu = (1/n) sum x_i`):
//!
//! - `std = sqrt(sum (x_i - mu)^2 / (n - ddof))`, `cv = std / mu`;
//! - `theil = (1/n) sum (x_i/mu) ln(x_i/mu)` (every `x_i > 0`);
//! - `gini = sum_i sum_j |x_i - x_j| / (2 n^2 mu)`, computed in
//!   `O(n log n)` from the sorted values as
//!   `sum_i (2i - n - 1) x_(i) / (n^2 mu)` ([`gini_pairwise`] is the literal
//!   double sum, kept as a test oracle);
//! - Theil decomposition over sub-groups `g`:
//!   `within = sum_g s_g T_g`, `between = sum_g s_g ln(mu_g / mu)`,
//!   `s_g = n_g mu_g / (n mu)`;
//! - Dagum decomposition `G = G_w + G_nb + G_t` with
//!   `G_jj = sum_i sum_r |y_ji - y_jr| / (2 n_j^2 mu_j)`,
//!   `G_jh = sum_i sum_r |y_ji - y_hr| / (n_j n_h (mu_j + mu_h))`,
//!   `p_j = n_j / n`, `s_j = n_j mu_j / (n mu)`, `G_w = sum_j G_jj p_j s_j`,
//!   and for every unordered pair with `mu_j >= mu_h`:
//!   `d_jh` = mean over all pairs of `max(y_ji - y_hr, 0)`,
//!   `p_jh` = mean of `max(y_hr - y_ji, 0)`,
//!   `D_jh = (d_jh - p_jh) / (d_jh + p_jh)` (0 when both are 0),
//!   `G_nb = sum G_jh (p_j s_h + p_h s_j) D_jh`,
//!   `G_t = sum G_jh (p_j s_h + p_h s_j) (1 - D_jh)`.
//!   The pair sums are computed in `O((n_j + n_h) log)` by merging sorted
//!   values with prefix sums ([`pair_sums`]); [`pair_sums_pairwise`] is the
//!   literal double sum, kept as a test oracle.
//!
//! The contract-level entry point is [`disparity_report`], whose result
//! serialises to the JSON shape of `rurban disparity`. The crate does no I/O.
//!
//! See `docs/methods/disparity.md` for the conventions in full.

mod decompose;
mod error;
mod keys;
mod measures;
mod pairs;
mod params;
mod report;

pub use decompose::{
    Dagum, DagumGroup, DagumPairDetail, TheilDecomposition, dagum, theil_decomposition,
};
pub use error::DisparityError;
pub use keys::order_keys;
pub use measures::{cv, gini, gini_pairwise, mean, std, std_with, theil};
pub use pairs::{PairSums, pair_sums, pair_sums_pairwise};
pub use params::{Ddof, DisparityOptions, DisparityParams};
pub use report::{
    DagumPair, DagumReport, DisparityReport, GroupInput, GroupReport, KeyedValues,
    disparity_report, group_report, group_report_with,
};
pub use rurban_method::{Fit, ParamGuard};
