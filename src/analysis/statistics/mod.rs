//! Statistics for comparing models across basins and seeds.
//!
//! - [`wilcoxon_signed_rank`]: the paired, two-sided Wilcoxon signed-rank test used by Kratzert et
//!   al. (2019, HESS, Sect. 3) to compare per-basin metrics of two models and by the MC-LSTM study
//!   (per basin across seeds);
//! - [`cohens_d`]: the effect size reported next to it (pooled standard deviation);
//! - descriptive statistics ([`percentile`], [`empirical_cdf`], [`count_at_most`], [`mean`],
//!   [`sample_std`], [`across_seeds`]) with numpy's conventions;
//! - [`compare_table`] and [`summary_table`], the same results as [`Table`](crate::analysis::Table)s.
//!
//! Every function ignores NaN values (paired functions drop a pair when either value is NaN) and
//! returns `None` when the statistic is undefined for the data.

mod descriptive;
mod effect_size;
mod normal;
mod tables;
mod wilcoxon;

pub use descriptive::{
    across_seeds, count_at_most, empirical_cdf, mean, percentile, sample_std, MeanStd,
};
pub use effect_size::cohens_d;
pub use tables::{compare_table, summary_table};
pub use wilcoxon::{wilcoxon_signed_rank, WilcoxonMethod, WilcoxonResult, EXACT_MAX_PAIRS};
