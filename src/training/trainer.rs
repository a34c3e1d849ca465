//! The training loop: epochs of shuffled batches through an [`Engine`], with a progress bar,
//! a per-epoch log, an optional validation loss after every epoch (for early stopping and the
//! plateau schedule), a learning-rate schedule, and a stop flag that Ctrl-C sets (training then
//! ends after the current batch and keeps the weights reached so far).
//!
//! With early stopping, training ends once the validation loss has not improved for `patience`
//! epochs, and the log carries the weights of the best epoch for the caller to keep.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use crate::checking::plan::ScheduleSpec;
use crate::data::shuffle::shuffled;
use crate::data::windows::{Batch, Sample};
use crate::models::weights::ModelWeights;
use crate::training::engine::{Engine, Loss};

/// Set when the user asks to stop (Ctrl-C); checked between batches.
pub static STOP_REQUESTED: AtomicBool = AtomicBool::new(false);

/// How to loop over the samples.
#[derive(Debug, Clone, Copy)]
pub struct LoopSettings {
    /// Passes over the samples.
    pub epochs: usize,
    /// Samples per step.
    pub batch: usize,
    /// Seed of the shuffling.
    pub seed: u64,
    /// Adam step size.
    pub learning_rate: f32,
    /// Use only this many (randomly drawn) samples per epoch.
    pub samples_per_epoch: Option<usize>,
    /// How the learning rate changes over the epochs.
    pub schedule: ScheduleSpec,
    /// Stop after this many epochs without a better validation loss.
    pub patience: Option<usize>,
}

/// The loss of the current weights on the validation samples, computed after every epoch.
pub type Validation<'a> = &'a dyn Fn(&mut dyn Engine) -> f64;

/// What one epoch did.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct EpochLog {
    /// The label of the loop that ran it (the run's name, with the basin in a local run).
    pub model: String,
    /// 1-based epoch number.
    pub epoch: usize,
    /// Mean batch loss over the epoch.
    pub mean_loss: f64,
    /// Batches run.
    pub batches: usize,
    /// Wall time of the epoch in seconds.
    pub seconds: f64,
    /// Learning rate used during the epoch.
    pub learning_rate: f32,
    /// Loss on the validation samples after the epoch, if validated.
    pub validation_loss: Option<f64>,
}

/// The outcome of a training loop (or of several, one per model of a local run).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TrainingLog {
    /// One entry per finished (or interrupted) epoch.
    pub epochs: Vec<EpochLog>,
    /// Whether the user stopped training early.
    pub interrupted: bool,
    /// Whether early stopping ended training before the last epoch.
    pub stopped_early: bool,
    /// The epoch with the lowest validation loss, when validated.
    pub best_epoch: Option<usize>,
    /// Weights after the best epoch, when it is not the last one run (the caller restores them).
    pub best_weights: Option<ModelWeights>,
}

impl TrainingLog {
    /// Appends the log of another loop (the next basin of a local run).
    pub fn absorb(&mut self, other: TrainingLog) {
        self.epochs.extend(other.epochs);
        self.interrupted |= other.interrupted;
        self.stopped_early |= other.stopped_early;
        self.best_epoch = other.best_epoch.or(self.best_epoch);
        self.best_weights = None;
    }
}

/// Trains `engine` on `samples`, building each batch with `make_batch`, and computes
/// `validation` after every epoch when given. `label` prefixes the progress bar; `report`
/// receives one line per epoch (for the console and the run log).
#[allow(clippy::too_many_arguments)]
pub fn train(
    engine: &mut dyn Engine,
    loss: &dyn Loss,
    samples: &[Sample],
    settings: LoopSettings,
    make_batch: &dyn Fn(&[Sample]) -> Batch,
    validation: Option<Validation>,
    label: &str,
    report: &mut dyn FnMut(&str),
) -> TrainingLog {
    STOP_REQUESTED.store(false, Ordering::SeqCst);
    let per_epoch = settings
        .samples_per_epoch
        .unwrap_or(samples.len())
        .min(samples.len());
    let batches = per_epoch.div_ceil(settings.batch.max(1));
    let progress = progress_bar(label, batches * settings.epochs);
    let mut log = TrainingLog::default();
    let mut learning_rate = settings.learning_rate;
    let mut best_loss = f64::INFINITY;
    let mut since_best = 0;
    let mut since_decay = 0;
    for epoch in 1..=settings.epochs {
        let started = Instant::now();
        let order = shuffled(samples, settings.seed, epoch as u64);
        let mut total = 0.0_f64;
        let mut done = 0;
        for chunk in order[..per_epoch].chunks(settings.batch.max(1)) {
            if STOP_REQUESTED.load(Ordering::SeqCst) {
                log.interrupted = true;
                break;
            }
            let batch = make_batch(chunk);
            let value = engine.train_step(&batch, loss, learning_rate);
            total += f64::from(value);
            done += 1;
            progress.set_message(format!(
                "epoch {epoch}/{}  loss {:.4}",
                settings.epochs,
                total / done as f64
            ));
            progress.inc(1);
        }
        if done > 0 {
            let validation_loss = validation.map(|validate| validate(engine));
            let entry = EpochLog {
                model: label.to_string(),
                epoch,
                mean_loss: total / done as f64,
                batches: done,
                seconds: started.elapsed().as_secs_f64(),
                learning_rate,
                validation_loss,
            };
            let mut line = format!(
                "{label}: epoch {epoch}/{}  loss {:.5}",
                settings.epochs, entry.mean_loss
            );
            if let Some(v) = validation_loss {
                line.push_str(&format!("  validation {v:.5}"));
            }
            line.push_str(&format!(
                "  ({} batches, {:.1} s, lr {learning_rate:.3e})",
                entry.batches, entry.seconds
            ));
            progress.suspend(|| report(&line));
            log.epochs.push(entry);
            if let Some(v) = validation_loss {
                if v < best_loss {
                    best_loss = v;
                    since_best = 0;
                    since_decay = 0;
                    log.best_epoch = Some(epoch);
                    log.best_weights = Some(engine.model_weights());
                } else {
                    since_best += 1;
                    since_decay += 1;
                }
            }
            match settings.schedule {
                ScheduleSpec::Step { every, factor } if epoch % every == 0 => {
                    learning_rate *= factor as f32;
                }
                ScheduleSpec::Plateau { patience, factor } if since_decay >= patience => {
                    learning_rate *= factor as f32;
                    since_decay = 0;
                }
                _ => {}
            }
            if settings.patience.is_some_and(|p| since_best >= p) && epoch < settings.epochs {
                log.stopped_early = true;
                progress.suspend(|| {
                    report(&format!(
                        "{label}: early stop after epoch {epoch}: no better validation loss for \
                         {since_best} epochs; keeping epoch {}",
                        log.best_epoch.unwrap_or(epoch)
                    ))
                });
                break;
            }
        }
        if log.interrupted {
            progress.suspend(|| {
                report(&format!(
                    "{label}: stopped by the user; keeping the weights reached so far"
                ))
            });
            break;
        }
    }
    progress.finish_and_clear();
    if log.best_epoch == log.epochs.last().map(|e| e.epoch) || settings.patience.is_none() {
        // The last epoch is the best one, or the run keeps its last weights anyway.
        log.best_weights = None;
    }
    log
}

/// A progress bar on stderr, hidden when stderr is not a terminal.
fn progress_bar(label: &str, length: usize) -> ProgressBar {
    let bar = ProgressBar::new(length as u64);
    if std::io::stderr().is_terminal() {
        bar.set_style(
            ProgressStyle::with_template(
                "{prefix} {msg} [{bar:30}] {pos}/{len} batches, ETA {eta}",
            )
            .expect("the template is valid")
            .progress_chars("=> "),
        );
        bar.set_prefix(label.to_string());
    } else {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    bar
}
