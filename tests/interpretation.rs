//! Interpretation of models: exact input gradients (checked against central finite differences
//! of the models' own forward passes), Integrated Gradients (completeness: the attributions sum
//! to `f(x) - f(x')`), the contribution summaries (hand-computed shares), the Morris sensitivity
//! of static attributes (an attribute the model ignores has sensitivity 0; the ranking of
//! hand-computed values) and the noise on static attributes (zero noise reproduces the
//! unperturbed NSE; a seed gives the same draws). Models are tiny with random weights.

mod common;

use common::data_root;

use chrono::NaiveDate;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use hydro::analysis::metrics::nse;
use hydro::data::windows::Batch;
use hydro::interpretation::gradients::{output_and_input_gradients, outputs, GradientError};
use hydro::interpretation::integrated_gradients::{
    cumulative_shares, cumulative_table, feature_shares, integrated_gradients, Attributions,
    Baseline, Contributions, FeatureKind, Season,
};
use hydro::interpretation::noise::{
    noise_summary, noise_trials, perturbed_statics, standard_normal_draw,
};
use hydro::interpretation::sensitivity::{MeanAbsoluteEffect, StaticSensitivity};
use hydro::models::mclstm::{McLstmShape, McLstmWeights};
use hydro::models::weights::{EaLstmShape, LstmShape, ModelWeights, RecordWeights};
use hydro::training::fused::{init_ealstm_weights, init_weights};

/// Samples, steps, dynamic inputs and static attributes of the test windows.
const SIZE: usize = 3;
const STEPS: usize = 6;
const DYNAMIC: usize = 3;
const STATICS: usize = 2;
const FEATURES: usize = DYNAMIC + STATICS;

/// A batch of random normalised windows whose static attributes are the same at every step
/// (as `assemble` lays them out); the first feature is in `[0, 3]` (a mass input for the
/// MC-LSTM), the others in `[-1.5, 1.5]`.
fn batch(seed: u64) -> Batch {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut x = vec![0.0f32; SIZE * STEPS * FEATURES];
    for sample in 0..SIZE {
        let statics: Vec<f32> = (0..STATICS).map(|_| rng.random_range(-1.5..1.5)).collect();
        for step in 0..STEPS {
            let row = &mut x[(sample * STEPS + step) * FEATURES..][..FEATURES];
            row[0] = rng.random_range(0.0..3.0);
            for value in &mut row[1..DYNAMIC] {
                *value = rng.random_range(-1.5..1.5);
            }
            row[DYNAMIC..].copy_from_slice(&statics);
        }
    }
    Batch {
        size: SIZE,
        steps: STEPS,
        features: FEATURES,
        x,
        y: vec![0.0; SIZE],
        targets: 1,
        basin_std: vec![1.0; SIZE],
    }
}

fn lstm() -> ModelWeights {
    let shape = LstmShape {
        inputs: FEATURES,
        hidden: 4,
        outputs: 2,
    };
    init_weights(shape, 11, 0.5).into()
}

fn ealstm() -> ModelWeights {
    let shape = EaLstmShape {
        dynamic: DYNAMIC,
        statics: STATICS,
        hidden: 4,
        outputs: 1,
    };
    init_ealstm_weights(shape, 12, 0.5).into()
}

fn mclstm() -> ModelWeights {
    let shape = McLstmShape {
        mass_inputs: 1,
        aux_inputs: FEATURES - 1,
        hidden: 4,
        trash_cells: 1,
    };
    let mut rng = ChaCha8Rng::seed_from_u64(13);
    let mut draw = |n: usize, bound: f32| -> Vec<f32> {
        (0..n).map(|_| rng.random_range(-bound..bound)).collect()
    };
    let gate_inputs = shape.gate_inputs();
    let h = shape.hidden;
    McLstmWeights {
        shape,
        input_gate_w: draw(h * gate_inputs, 0.6),
        input_gate_b: draw(h, 0.6),
        // Small weights and biases of 1 keep the arguments of the redistribution's ReLU in
        // (0.3, 1.7) for these windows (|w . inputs| <= 0.05 * 13), away from its kink, where
        // neither finite differences nor the midpoint rule converge as for a smooth model.
        redistribution_w: draw(h * h * gate_inputs, 0.05),
        redistribution_b: vec![1.0; h * h],
        output_gate_w: draw(h * gate_inputs, 0.6),
        output_gate_b: draw(h, 0.6),
    }
    .into()
}

/// The three models, named, with the output differentiated.
fn models() -> [(&'static str, ModelWeights, usize); 3] {
    [
        ("lstm", lstm(), 1),
        ("ealstm", ealstm(), 0),
        ("mclstm", mclstm(), 0),
    ]
}

#[test]
fn gradients_match_central_finite_differences() {
    let batch = batch(1);
    for (name, weights, target) in models() {
        let gradients = output_and_input_gradients(&weights, &batch, target).unwrap();
        let plain = outputs(&weights, &batch, target).unwrap();
        assert_eq!(
            gradients.outputs, plain,
            "{name}: outputs with and without autodiff"
        );
        // Central differences of the model's own forward pass (f32), step 1e-2: truncation
        // error ~1e-4 * f''', rounding ~1e-7 / 1e-2.
        let step = 1e-2f32;
        let mut worst = 0.0f32;
        for i in 0..batch.x.len() {
            let shifted = |delta: f32| {
                let mut moved = batch.clone();
                moved.x[i] += delta;
                outputs(&weights, &moved, target).unwrap()
            };
            let (up, down) = (shifted(step), shifted(-step));
            let sample = i / (STEPS * FEATURES);
            let numeric = (up[sample] - down[sample]) / (2.0 * step);
            let analytic = gradients.x[i];
            let error = (analytic - numeric).abs() / numeric.abs().max(analytic.abs()).max(0.05);
            worst = worst.max(error);
            assert!(
                error < 5e-3,
                "{name}: x[{i}] autodiff {analytic}, finite differences {numeric}"
            );
            // Other samples do not depend on this input.
            for other in (0..SIZE).filter(|&s| s != sample) {
                assert_eq!(up[other], plain[other], "{name}: sample {other} moved");
            }
        }
        println!("{name}: worst relative difference to finite differences {worst:e}");
    }
}

#[test]
fn ealstm_reads_the_static_attributes_of_the_first_step_only() {
    let batch = batch(2);
    let gradients = output_and_input_gradients(&ealstm(), &batch, 0).unwrap();
    for sample in 0..SIZE {
        for step in 0..STEPS {
            let row = &gradients.x[(sample * STEPS + step) * FEATURES..][..FEATURES];
            let statics_gradient = row[DYNAMIC..].iter().map(|g| g.abs()).sum::<f32>();
            if step == 0 {
                assert!(statics_gradient > 1e-4, "step 0 reads the statics");
            } else {
                assert_eq!(statics_gradient, 0.0, "step {step} ignores the statics");
            }
        }
    }
    // Summed over the steps, the static gradients are those of the first step.
    let summed = gradients.summed_over_steps(DYNAMIC..FEATURES);
    for sample in 0..SIZE {
        let first = &gradients.x[sample * STEPS * FEATURES + DYNAMIC..][..STATICS];
        assert_eq!(&summed[sample * STATICS..][..STATICS], first);
    }
}

#[test]
fn integrated_gradients_are_complete() {
    let batch = batch(3);
    let per_feature = Baseline::PerFeature(vec![0.5, -0.3, 0.2, 0.1, -0.4]);
    for (name, weights, target) in models() {
        for baseline in [Baseline::Zero, per_feature.clone()] {
            let gap = |points: usize| -> f64 {
                let attributions =
                    integrated_gradients(&weights, &batch, target, &baseline, points).unwrap();
                attributions
                    .completeness_gaps()
                    .iter()
                    .fold(0.0f64, |m, g| m.max(g.abs()))
            };
            let reference = integrated_gradients(&weights, &batch, target, &baseline, 1).unwrap();
            let change = reference
                .outputs
                .iter()
                .zip(&reference.baseline_outputs)
                .fold(0.0f64, |m, (a, b)| m.max(f64::from(a - b).abs()));
            let (coarse, fine) = (gap(2), gap(64));
            println!(
                "{name} {baseline:?}: max |f(x) - f(x')| {change:.4}, max completeness gap \
                 {coarse:.2e} with 2 points, {fine:.2e} with 64 points"
            );
            // Midpoint rule: error ~ 1/m^2, so 64 points are ~1000 times closer than 2 (down
            // to f32 rounding, ~1e-6 per step).
            assert!(
                fine <= 1e-4 * change.max(1.0),
                "{name}: gap {fine:e} with 64 points"
            );
            assert!(
                fine <= coarse / 20.0 + 1e-5,
                "{name}: the gap shrinks with points"
            );
            assert!(change > 1e-2, "{name}: the test windows move the output");
        }
    }
}

#[test]
fn one_point_integrated_gradients_follow_the_midpoint_rule() {
    // With one point and the zero baseline, Eq. 12 by the midpoint rule is
    // Phi = (x - 0) * grad f(0 + (x - 0) / 2).
    let batch = batch(4);
    let weights = lstm();
    let ig = integrated_gradients(&weights, &batch, 0, &Baseline::Zero, 1).unwrap();
    let midpoint = Batch {
        x: batch.x.iter().map(|v| v / 2.0).collect(),
        ..batch.clone()
    };
    let gradients = output_and_input_gradients(&weights, &midpoint, 0).unwrap();
    for ((phi, x), g) in ig.values.iter().zip(&batch.x).zip(&gradients.x) {
        assert!((phi - x * g).abs() <= 1e-6 * (1.0 + (x * g).abs()));
    }
}

#[test]
fn shares_of_features_over_the_lookback_and_seasons() {
    // One window of 2 steps and 2 features: |Phi| = [[1, 1], [2, 0]] (the last step is the
    // prediction day). Feature 0: 3 of 4 = 75 %, feature 1: 25 %. Counted back from the
    // prediction day: lag 0 holds [2, 0] -> [50, 0] %, lags 0..=1 -> [75, 25] %.
    let window = [1.0f32, -1.0, -2.0, 0.0];
    assert_eq!(feature_shares(&window, 2).unwrap(), vec![75.0, 25.0]);
    assert_eq!(
        cumulative_shares(&window, 2).unwrap(),
        vec![vec![50.0, 0.0], vec![75.0, 25.0]]
    );
    assert!(feature_shares(&[0.0; 4], 2).is_none());

    // Two predictions, in January and in July; a third without attribution is left out. The
    // second feature is static. Window 2: |Phi| = [[0, 1], [1, 2]] -> [25, 75] %, among the
    // dynamic inputs [100] %; cumulative lag 0 -> [25, 50] %.
    let attributions = Attributions {
        size: 3,
        steps: 2,
        features: 2,
        values: vec![
            1.0, -1.0, -2.0, 0.0, 0.0, 1.0, 1.0, -2.0, 0.0, 0.0, 0.0, 0.0,
        ],
        outputs: vec![0.0; 3],
        baseline_outputs: vec![0.0; 3],
    };
    let day = |m: u32| NaiveDate::from_ymd_opt(2001, m, 15).unwrap();
    let mut contributions = Contributions::new(
        vec!["prcp".into(), "area".into()],
        vec![FeatureKind::Dynamic, FeatureKind::Static],
        2,
    );
    contributions.add(&attributions, &[day(1), day(7), day(4)]);
    assert_eq!(contributions.predictions, 2);
    assert_eq!(contributions.without_attribution, 1);
    assert_eq!(contributions.mean_shares(), vec![50.0, 50.0]);
    let dynamic = contributions.mean_dynamic_shares();
    assert_eq!(dynamic[0], 100.0);
    assert!(dynamic[1].is_nan());
    assert_eq!(
        contributions.mean_cumulative_shares(),
        vec![vec![37.5, 25.0], vec![50.0, 50.0]]
    );
    let mut lookback = cumulative_table(&contributions.names);
    contributions.push_cumulative_rows("b", &mut lookback);
    assert_eq!(
        lookback.columns,
        [
            "basin",
            "lag_days",
            "cumulative_percent",
            "prcp_percent",
            "area_percent"
        ]
    );
    assert_eq!(
        lookback.numbers("lag_days").unwrap(),
        [Some(0.0), Some(1.0)]
    );
    assert_eq!(
        lookback.numbers("cumulative_percent").unwrap(),
        [Some(62.5), Some(100.0)]
    );
    assert_eq!(
        lookback.numbers("area_percent").unwrap(),
        [Some(25.0), Some(50.0)]
    );
    assert_eq!(
        contributions.mean_seasonal_shares(Season::Djf),
        (1, vec![75.0, 25.0])
    );
    assert_eq!(
        contributions.mean_seasonal_shares(Season::Jja),
        (1, vec![25.0, 75.0])
    );
    assert_eq!(contributions.mean_seasonal_shares(Season::Mam).0, 0);
    assert_eq!(Season::of(day(12)), Season::Djf);
    assert_eq!(Season::of(day(11)), Season::Son);
}

#[test]
fn an_ignored_static_attribute_has_no_sensitivity() {
    let batch = batch(5);
    // The EA-LSTM reads attribute 1 through column 1 of its input-gate matrix; the LSTM
    // through column DYNAMIC + 1 of its input matrix.
    let ModelWeights::EaLstm(mut ea) = ealstm() else {
        unreachable!()
    };
    for row in ea.static_w.chunks_exact_mut(STATICS) {
        row[1] = 0.0;
    }
    let ModelWeights::Lstm(mut plain) = lstm() else {
        unreachable!()
    };
    for row in plain.w_ih.chunks_exact_mut(FEATURES) {
        row[DYNAMIC + 1] = 0.0;
    }
    for (name, weights) in [("ealstm", ea.into()), ("lstm", plain.into())] {
        let gradients = output_and_input_gradients(&weights, &batch, 0).unwrap();
        let mut effects = MeanAbsoluteEffect::new(STATICS);
        effects.add(&gradients.summed_over_steps(DYNAMIC..FEATURES));
        let means = effects.means();
        assert_eq!(effects.predictions(), SIZE);
        assert_eq!(means[1], 0.0, "{name}: the ignored attribute");
        assert!(means[0] > 1e-4, "{name}: the attribute read, {}", means[0]);
        let sensitivity = StaticSensitivity {
            attributes: vec!["p_mean".into(), "area".into()],
            basins: vec!["01013500".into()],
            values: vec![means],
            predictions: vec![SIZE],
        };
        let ranking = sensitivity.ranking();
        assert_eq!(
            ranking.texts("attribute").unwrap(),
            vec!["p_mean".to_string(), "area".to_string()]
        );
        assert_eq!(
            ranking.numbers("sensitivity").unwrap(),
            vec![Some(1.0), Some(0.0)]
        );
    }
}

#[test]
fn ranking_normalises_every_basin_to_the_unit_range() {
    // Basin A: [1, 3, 2] -> (s - 1) / 2 = [0, 1, 0.5]; basin B: [4, 2, 0] -> s / 4 =
    // [1, 0.5, 0]. Means over the basins: [0.5, 0.75, 0.25]: ranks b, a, c.
    let sensitivity = StaticSensitivity {
        attributes: vec!["a".into(), "b".into(), "c".into()],
        basins: vec!["A".into(), "B".into()],
        values: vec![vec![1.0, 3.0, 2.0], vec![4.0, 2.0, 0.0]],
        predictions: vec![10, 12],
    };
    let ranking = sensitivity.ranking();
    assert_eq!(ranking.texts("attribute").unwrap(), vec!["b", "a", "c"]);
    assert_eq!(
        ranking.numbers("sensitivity").unwrap(),
        vec![Some(0.75), Some(0.5), Some(0.25)]
    );
    assert_eq!(
        ranking.numbers("rank").unwrap(),
        vec![Some(1.0), Some(2.0), Some(3.0)]
    );
    let per_basin = sensitivity.table();
    assert_eq!(
        per_basin.numbers("normalised_sensitivity").unwrap(),
        [0.0, 1.0, 0.5, 1.0, 0.5, 0.0].map(Some).to_vec()
    );
    assert_eq!(
        per_basin.numbers("rank").unwrap(),
        [3.0, 1.0, 2.0, 1.0, 2.0, 3.0].map(Some).to_vec()
    );
}

/// Predictions of `weights` for the windows of `batch` with the static attributes `statics`.
fn simulate_with(weights: &ModelWeights, batch: &Batch, statics: &[f32]) -> Vec<f64> {
    let mut moved = batch.clone();
    for step in moved.x.chunks_exact_mut(FEATURES) {
        step[DYNAMIC..].copy_from_slice(statics);
    }
    outputs(weights, &moved, 0)
        .unwrap()
        .iter()
        .map(|&v| f64::from(v))
        .collect()
}

#[test]
fn zero_noise_reproduces_the_unperturbed_nse_and_a_seed_its_draws() {
    let weights = ealstm();
    let batch = batch(6);
    // Two basins with the same windows and different attributes.
    let statics = vec![batch.x[DYNAMIC..FEATURES].to_vec(), vec![0.3, -0.8]];
    // Observations: the unperturbed simulation plus a fixed offset pattern.
    let observed: Vec<Vec<f64>> = statics
        .iter()
        .map(|row| {
            simulate_with(&weights, &batch, row)
                .iter()
                .enumerate()
                .map(|(i, v)| v + [0.05, -0.1, 0.02][i])
                .collect()
        })
        .collect();
    let reference: Vec<Option<f64>> = statics
        .iter()
        .zip(&observed)
        .map(|(row, observed)| nse(observed, &simulate_with(&weights, &batch, row)))
        .collect();
    let run = |seed: u64| {
        noise_trials(&statics, &[0.0, 0.5], 3, seed, &observed, |perturbed| {
            perturbed
                .iter()
                .map(|row| simulate_with(&weights, &batch, row))
                .collect()
        })
    };
    let trials = run(42);
    assert_eq!(trials.len(), 2);
    for (basin, basin_trials) in trials.iter().enumerate() {
        assert_eq!(basin_trials.len(), 6);
        for trial in &basin_trials[..3] {
            assert_eq!(trial.sigma, 0.0);
            assert_eq!(trial.nse, reference[basin], "zero noise");
        }
        assert!(basin_trials[3..].iter().all(|t| t.nse != reference[basin]));
    }
    assert_eq!(run(42), trials, "the same seed");
    assert_ne!(run(43), trials, "another seed");
    // The noise of draw 2 of basin 1 does not depend on the draws or basins before it.
    let draw = perturbed_statics(&statics[1], 0.5, 42, 1, 2);
    assert_eq!(
        nse(&observed[1], &simulate_with(&weights, &batch, &draw)),
        trials[1][5].nse
    );
    // The summary of a level: median, mean, min and max of its 6 trials.
    let summary = noise_summary(&trials);
    assert_eq!(summary.numbers("sigma").unwrap(), [Some(0.0), Some(0.5)]);
    let mut level: Vec<f64> = trials
        .iter()
        .flat_map(|t| t[3..].iter().map(|t| t.nse.unwrap()))
        .collect();
    level.sort_by(f64::total_cmp);
    let row = &summary.rows[1];
    assert_eq!(
        row[1].as_number(),
        Some((level[2] + level[3]) / 2.0),
        "median"
    );
    let mean = level.iter().sum::<f64>() / 6.0;
    assert!((row[2].as_number().unwrap() - mean).abs() < 1e-12, "mean");
    assert_eq!(row[3].as_number(), Some(level[0]));
    assert_eq!(row[4].as_number(), Some(level[5]));
    assert_eq!(row[5].as_number(), Some(6.0));
    assert_eq!(row[6].as_number(), Some(0.0));
    let zero = &summary.rows[0];
    let (low, high) = (
        reference[0].unwrap().min(reference[1].unwrap()),
        reference[0].unwrap().max(reference[1].unwrap()),
    );
    assert_eq!(zero[3].as_number(), Some(low));
    assert_eq!(zero[4].as_number(), Some(high));
    assert_eq!(zero[1].as_number(), Some((low + high) / 2.0));
    // Draws are standard normal: mean and variance of 20000 values within 3 standard errors
    // (0.0071 and 0.02).
    let z = standard_normal_draw(1, 0, 0, 20_000);
    let mean = z.iter().sum::<f64>() / z.len() as f64;
    let variance = z.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / z.len() as f64;
    assert!(mean.abs() < 0.021, "mean {mean}");
    assert!((variance - 1.0).abs() < 0.06, "variance {variance}");
}

#[test]
fn models_without_input_gradients_are_refused() {
    let weights = ModelWeights::StackedLstm(RecordWeights {
        config: String::new(),
        record: Vec::new(),
        parameters: 0,
    });
    assert!(matches!(
        output_and_input_gradients(&weights, &batch(7), 0),
        Err(GradientError::Unsupported { .. })
    ));
    assert_eq!(
        output_and_input_gradients(&lstm(), &batch(7), 2),
        Err(GradientError::NoSuchOutput {
            target: 2,
            outputs: 2
        })
    );
}

/// A small regional EA-LSTM on two CAMELS-US basins with the 27 static attributes, one epoch.
const SCRIPT: &str = r#"
use "camels_us.hydro"
data camels = camels_us_nldas {
    basins   = ["01013500", "03439000"]
    train    = 2000-10-01..2001-09-30
    test     = 2008-10-01..2008-11-30
    lookback = 30
}
model net = ealstm { hidden = 8, initial_forget_bias = 3 }
train small = net on camels { learning_rate = 0.005, epochs = 1, batch = 64, seed = 3 }
"#;

#[test]
fn a_trained_ealstm_is_interpreted_on_real_data() {
    use hydro::checking::plan::Step;
    use hydro::checking::{check_text, Environment};
    use hydro::evaluation::interpretation::{attributions, noise_robustness, static_sensitivity};
    use hydro::evaluation::{dataset, evaluate, training_run, RunDirectory};

    let env = Environment {
        data_root: data_root(),
        mode: Default::default(),
    };
    let plan = check_text("interpret.hydro", None, SCRIPT.to_string(), &env).unwrap_or_else(
        |(sources, errors)| panic!("{}", hydro::syntax::render_plain(&errors, &sources)),
    );
    let Some(Step::Train(spec)) = plan.steps.iter().find(|s| matches!(s, Step::Train(_))) else {
        panic!("a training step");
    };
    let data = dataset::load(&spec.data).unwrap_or_else(|e| panic!("{e:?}"));
    let runs = std::env::temp_dir().join(format!("hydro-interpret-{}", std::process::id()));
    let run_dir = RunDirectory::create(&runs, "interpret").unwrap_or_else(|e| panic!("{e:?}"));
    let mut run = training_run::train(spec, &data, &run_dir).unwrap_or_else(|e| panic!("{e:?}"));
    let period = spec.data.test.as_ref().unwrap().value;

    // Zero noise reproduces the NSE of the ordinary prediction, exactly.
    let noise = noise_robustness(&mut run, &data, period, &[0.0, 1.0], 2, 5)
        .unwrap()
        .trials;
    assert_eq!(noise.rows.len(), 2 * 2 * 2);
    let series = evaluate::predict(&mut run, &data, period);
    let nse_values = noise.numbers("nse").unwrap();
    for (b, s) in series.iter().enumerate() {
        let expected = nse(&s.observed[0], &s.simulated[0]);
        assert_eq!(nse_values[4 * b], expected, "basin {}", s.basin);
        assert_eq!(nse_values[4 * b + 1], expected, "basin {}", s.basin);
        assert_ne!(
            nse_values[4 * b + 2],
            expected,
            "basin {}: noise changes it",
            s.basin
        );
    }
    assert_eq!(
        noise_robustness(&mut run, &data, period, &[0.0, 1.0], 2, 5)
            .unwrap()
            .trials,
        noise,
        "the same seed"
    );

    let sensitivity = static_sensitivity(&mut run, &data, period, &[]).unwrap();
    let attributes = run.normalization.statics.len();
    assert_eq!(attributes, 27);
    assert_eq!(sensitivity.ranking.rows.len(), attributes);
    assert_eq!(sensitivity.basins.rows.len(), 2 * attributes);
    let ranked = sensitivity.ranking.numbers("sensitivity").unwrap();
    assert!(ranked.windows(2).all(|w| w[0] >= w[1]), "{ranked:?}");
    assert!(ranked
        .iter()
        .all(|v| v.is_some_and(|v| (0.0..=1.0).contains(&v))));

    let tables = attributions(
        &mut run,
        &data,
        period,
        &["03439000".to_string()],
        &Baseline::Zero,
        4,
        365,
    )
    .unwrap();
    let features = run.normalization.inputs.len() + attributes;
    assert_eq!(tables.features.rows.len(), features);
    let total: f64 = tables
        .features
        .numbers("contribution_percent")
        .unwrap()
        .iter()
        .map(|v| v.unwrap())
        .sum();
    assert!((total - 100.0).abs() < 1e-9, "shares sum to {total}");
    // The cumulative share of all features reaches 100 % at the oldest step.
    let oldest = tables.cumulative.rows.last().unwrap();
    assert_eq!(tables.cumulative.rows.len(), 30);
    assert_eq!(oldest[1].as_number(), Some(29.0));
    assert!((oldest[2].as_number().unwrap() - 100.0).abs() < 1e-9);
    // October and November are autumn: only SON has predictions.
    let seasons = tables.seasonal.texts("season").unwrap();
    let counts = tables.seasonal.numbers("predictions").unwrap();
    for (season, count) in seasons.iter().zip(&counts) {
        assert_eq!(count.unwrap() > 0.0, season == "SON", "{season}");
    }
    let _ = std::fs::remove_dir_all(&runs);
}
