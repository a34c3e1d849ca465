//! Robustness of a model to noise in the static attributes (Kratzert et al. 2019, Sect. 2.6.2):
//! the normalised attributes of a basin are perturbed by Gaussian noise `N(0, sigma)`, the
//! basin's period is predicted with the perturbed attributes (the model is not retrained) and
//! the NSE of every draw is recorded.
//!
//! Draw `d` of basin `b` uses the noise `sigma * z`, where `z` is a vector of standard normal
//! values drawn from a ChaCha8 stream of the seed, stream `b`, at the position of draw `d`
//! (Box-Muller transform of uniform values). The same seed gives the same noise, in any order
//! of the basins, levels and draws; the levels of one draw share `z`, so that the noise grows
//! along one direction as `sigma` grows, and `sigma = 0` leaves the attributes unchanged.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::analysis::metrics::nse;
use crate::analysis::{Cell, Table};

/// 32-bit words of the ChaCha stream one standard normal value consumes (two `f64` uniforms).
const WORDS_PER_NORMAL: u128 = 4;

/// `count` standard normal values for draw `draw` of basin `basin` (see the module
/// documentation).
pub fn standard_normal_draw(seed: u64, basin: usize, draw: usize, count: usize) -> Vec<f64> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(basin as u64);
    rng.set_word_pos(draw as u128 * count as u128 * WORDS_PER_NORMAL);
    (0..count)
        .map(|_| {
            // u in (0, 1] so that its logarithm is finite.
            let u: f64 = 1.0 - rng.random::<f64>();
            let v: f64 = rng.random::<f64>();
            (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
        })
        .collect()
}

/// The normalised attributes `statics` plus `sigma` times the standard normal draw `draw` of
/// basin `basin`.
pub fn perturbed_statics(
    statics: &[f32],
    sigma: f64,
    seed: u64,
    basin: usize,
    draw: usize,
) -> Vec<f32> {
    standard_normal_draw(seed, basin, draw, statics.len())
        .iter()
        .zip(statics)
        .map(|(z, &s)| (f64::from(s) + sigma * z) as f32)
        .collect()
}

/// The NSE of one prediction of a basin with perturbed attributes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NoiseTrial {
    /// Standard deviation of the noise, in normalised units.
    pub sigma: f64,
    /// Position of the draw, `0..draws`.
    pub draw: usize,
    /// NSE of the simulation against the observations (`None` when undefined).
    pub nse: Option<f64>,
}

/// The NSE of every basin for `draws` draws of every noise level of `sigmas`, `[basin][trial]`
/// with the trials in the order of the levels, then of the draws. `statics` holds the normalised
/// attributes of every basin (`[basin][attribute]`); draw `d` perturbs every basin at once and
/// `simulate` predicts every basin's days from the perturbed attributes of all basins, in the
/// units of `observed` (`[basin][day]`, NaN where not observed).
pub fn noise_trials(
    statics: &[Vec<f32>],
    sigmas: &[f64],
    draws: usize,
    seed: u64,
    observed: &[Vec<f64>],
    mut simulate: impl FnMut(&[Vec<f32>]) -> Vec<Vec<f64>>,
) -> Vec<Vec<NoiseTrial>> {
    let mut trials = vec![Vec::with_capacity(sigmas.len() * draws); statics.len()];
    for &sigma in sigmas {
        for draw in 0..draws {
            let perturbed: Vec<Vec<f32>> = statics
                .iter()
                .enumerate()
                .map(|(basin, row)| perturbed_statics(row, sigma, seed, basin, draw))
                .collect();
            let simulated = simulate(&perturbed);
            for ((basin_trials, observed), simulated) in
                trials.iter_mut().zip(observed).zip(&simulated)
            {
                basin_trials.push(NoiseTrial {
                    sigma,
                    draw,
                    nse: nse(observed, simulated),
                });
            }
        }
    }
    trials
}

/// An empty table of noise trials: `basin`, `sigma`, `draw`, `nse`.
pub fn noise_table() -> Table {
    Table::new(&["basin", "sigma", "draw", "nse"])
}

/// Appends the trials of basin `basin` to a [`noise_table`].
pub fn push_noise_rows(table: &mut Table, basin: &str, trials: &[NoiseTrial]) {
    for trial in trials {
        table.push(vec![
            basin.into(),
            Cell::number(trial.sigma),
            trial.draw.into(),
            Cell::maybe(trial.nse),
        ]);
    }
}

/// The NSE of every noise level over all basins and draws (Kratzert et al. 2019, Fig. 6):
/// `sigma`, `median_nse`, `mean_nse`, `min_nse`, `max_nse` (over the trials with a finite NSE),
/// `trials` (their number), `undefined` (trials without NSE, e.g. a basin without
/// observations). `trials` is `[basin][trial]` as [`noise_trials`] returns it; levels in the
/// order of their first trial.
pub fn noise_summary(trials: &[Vec<NoiseTrial>]) -> Table {
    let mut table = Table::new(&[
        "sigma",
        "median_nse",
        "mean_nse",
        "min_nse",
        "max_nse",
        "trials",
        "undefined",
    ]);
    let mut sigmas: Vec<f64> = Vec::new();
    for trial in trials.iter().flatten() {
        if !sigmas.contains(&trial.sigma) {
            sigmas.push(trial.sigma);
        }
    }
    for sigma in sigmas {
        let level: Vec<Option<f64>> = trials
            .iter()
            .flatten()
            .filter(|t| t.sigma == sigma)
            .map(|t| t.nse)
            .collect();
        let mut values: Vec<f64> = level
            .iter()
            .flatten()
            .copied()
            .filter(|v| v.is_finite())
            .collect();
        values.sort_by(f64::total_cmp);
        let count = values.len();
        let median = (count > 0).then(|| (values[(count - 1) / 2] + values[count / 2]) / 2.0);
        let mean = (count > 0).then(|| values.iter().sum::<f64>() / count as f64);
        table.push(vec![
            Cell::number(sigma),
            Cell::maybe(median),
            Cell::maybe(mean),
            Cell::maybe(values.first().copied()),
            Cell::maybe(values.last().copied()),
            count.into(),
            (level.len() - count).into(),
        ]);
    }
    table
}
