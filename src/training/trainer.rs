//! The training loop: epochs of shuffled batches through an [`Engine`], with a progress bar,
//! a per-epoch log, and a stop flag that Ctrl-C sets (training then ends after the current batch
//! and keeps the weights reached so far).

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use crate::data::shuffle::shuffled;
use crate::data::windows::{Batch, Sample};
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
}

/// What one epoch did.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct EpochLog {
    /// 1-based epoch number.
    pub epoch: usize,
    /// Mean batch loss over the epoch.
    pub mean_loss: f64,
    /// Batches run.
    pub batches: usize,
    /// Wall time of the epoch in seconds.
    pub seconds: f64,
}

/// The outcome of a training loop.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainingLog {
    /// One entry per finished (or interrupted) epoch.
    pub epochs: Vec<EpochLog>,
    /// Whether the user stopped training early.
    pub interrupted: bool,
}

/// Trains `engine` on `samples`, building each batch with `make_batch`. `label` prefixes the
/// progress bar; `report` receives one line per epoch (for the console and the run log).
pub fn train(
    engine: &mut dyn Engine,
    loss: &dyn Loss,
    samples: &[Sample],
    settings: LoopSettings,
    make_batch: &dyn Fn(&[Sample]) -> Batch,
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
    let mut log = TrainingLog {
        epochs: Vec::new(),
        interrupted: false,
    };
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
            let value = engine.train_step(&batch, loss, settings.learning_rate);
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
            let entry = EpochLog {
                epoch,
                mean_loss: total / done as f64,
                batches: done,
                seconds: started.elapsed().as_secs_f64(),
            };
            let line = format!(
                "{label}: epoch {epoch}/{}  loss {:.5}  ({} batches, {:.1} s)",
                settings.epochs, entry.mean_loss, entry.batches, entry.seconds
            );
            progress.suspend(|| report(&line));
            log.epochs.push(entry);
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
