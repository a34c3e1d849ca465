//! Benchmark of LSTM training on CAMELS-sized batches: hydro's fused CPU engine against the
//! plain Burn path and, when `python3` can import it, PyTorch.
//!
//! Run with `cargo run --release --bin bench_training` (add `--quick` for a short run that
//! times fewer steps and runs Burn at hidden 64 only, `--skip-burn` to leave out the slow Burn
//! path, `--skip-torch` to leave out PyTorch).
//!
//! The model is the sequence-to-one LSTM of rainfall-runoff studies: a batch of 256 windows of
//! 365 days with 5 inputs, the hidden state of the last day read by a linear head, MSE loss,
//! Adam (learning rate 1e-3, no dropout, no clipping), `f32`, denormals flushed to zero. For
//! hidden sizes 64 and 256 it prints the milliseconds per training step (forward, loss,
//! backward, Adam update) and per inference batch (forward only) of:
//!
//! - hydro's fused engine (`FusedLstm`) on one and on two threads;
//! - the Burn path with the fused operation ("Burn + fused op": `BurnEngine` on
//!   `Autodiff<NdArray>` with hydro's `Lstm`, whose recurrence is the `LstmBackend` operation
//!   running the fused kernels on two threads, with Burn's head, autodiff and Adam around it);
//! - the plain Burn path (`BurnEngine` on `Autodiff<NdArray>` with the recurrence in plain
//!   tensor operations, the straightforward reference implementation), on one thread (hydro
//!   builds burn-ndarray without its multi-threading feature); it takes seconds per step, so
//!   only a couple of steps are timed;
//! - PyTorch (`nn.LSTM` with `batch_first`, `nn.Linear`, `MSELoss`, `torch.optim.Adam`) on two
//!   threads, run by `python3` on the script `bench_training.py` beside this file (built into
//!   the binary), in the same invocation.
//!
//! Each time is the mean over the timed calls after one warm-up call, with the fastest call
//! beside it (a better guide when other work shares the machine); "cores" is the process CPU
//! time over the wall time of the timed training steps. Ratios compare the fused engine on two
//! threads with PyTorch, with Burn + fused op and with plain Burn (below 1: the fused engine is
//! faster).
//!
//! All start from the same weights and see the same batch, so their losses on the first
//! training step must agree to float rounding; the bench prints them and their differences.
//! PyTorch is optional: without it the bench says so and prints the rest.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use burn::module::Module;
use burn::tensor::backend::Backend;
use burn::tensor::Tensor;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Deserialize;

use hydro::data::windows::Batch;
use hydro::models::lstm::Lstm;
use hydro::models::weights::{LstmShape, LstmWeights};
use hydro::training::burn_engine::{BurnEngine, SequenceModel};
use hydro::training::device::{CpuBackend, DeviceKind};
use hydro::training::engine::{AdamSettings, Engine};
use hydro::training::fused::{init_weights, FusedLstm};
use hydro::training::losses::Mse;

/// Windows per batch.
const BATCH: usize = 256;
/// Days of look-back per window.
const STEPS: usize = 365;
/// Meteorological inputs per day.
const FEATURES: usize = 5;
/// Hidden sizes benchmarked.
const HIDDEN: [usize; 2] = [64, 256];
/// Step size of Adam.
const LEARNING_RATE: f32 = 1e-3;
/// Initial forget-gate bias (as in the quickstart).
const FORGET_BIAS: f32 = 3.0;
/// The PyTorch side of the benchmark.
const TORCH_SCRIPT: &str = include_str!("bench_training.py");

/// The LSTM with its recurrence in plain tensor operations: the plain Burn path, on any backend.
#[derive(Module, Debug)]
struct StraightforwardLstm<B: Backend> {
    /// The model whose weights, head and dropout are used.
    lstm: Lstm<B>,
}

impl<B: Backend> SequenceModel<B> for StraightforwardLstm<B> {
    type Weights = LstmWeights;

    fn with_weights(weights: &LstmWeights, dropout: f64, device: &B::Device) -> Self {
        StraightforwardLstm {
            lstm: Lstm::from_weights(weights, dropout, device),
        }
    }

    fn weights(&self) -> LstmWeights {
        self.lstm.to_weights()
    }

    fn predict(&self, x: Tensor<B, 3>) -> Tensor<B, 2> {
        let final_state = self.lstm.recurrence(x).straightforward_final_state();
        self.lstm.head_forward(final_state)
    }

    fn dropout_probability(&self) -> f64 {
        self.lstm.dropout.prob
    }
}

/// What to run, from the command line.
#[derive(Debug, Clone, Copy, Default)]
struct Options {
    /// Fewer timed steps, Burn at hidden 64 only.
    quick: bool,
    /// Leave out the Burn path.
    skip_burn: bool,
    /// Leave out PyTorch.
    skip_torch: bool,
}

impl Options {
    /// Reads the flags; exits with a usage message on `--help` or an unknown flag.
    fn parse() -> Self {
        let mut options = Options::default();
        for argument in std::env::args().skip(1) {
            match argument.as_str() {
                "--quick" => options.quick = true,
                "--skip-burn" => options.skip_burn = true,
                "--skip-torch" => options.skip_torch = true,
                other => {
                    let help = other == "--help" || other == "-h";
                    if !help {
                        eprintln!("unknown argument `{other}`");
                    }
                    eprintln!("usage: bench_training [--quick] [--skip-burn] [--skip-torch]");
                    std::process::exit(if help { 0 } else { 2 });
                }
            }
        }
        options
    }

    /// Timed calls of the fused engine and of PyTorch at `hidden`.
    fn repeats(self, hidden: usize) -> usize {
        match (self.quick, hidden <= 64) {
            (false, true) => 10,
            (false, false) => 3,
            (true, true) => 3,
            (true, false) => 1,
        }
    }

    /// Timed calls of the Burn path at `hidden`, or `None` to leave it out.
    fn burn_repeats(self, hidden: usize) -> Option<usize> {
        match (self.skip_burn, self.quick, hidden <= 64) {
            (true, _, _) => None,
            (false, false, _) => Some(2),
            (false, true, true) => Some(1),
            (false, true, false) => None,
        }
    }
}

/// Milliseconds of the timed calls of one operation.
#[derive(Debug, Clone, Default, Deserialize)]
struct Timing(Vec<f64>);

impl Timing {
    /// Mean milliseconds per call.
    fn mean(&self) -> f64 {
        self.0.iter().sum::<f64>() / self.0.len().max(1) as f64
    }

    /// Milliseconds of the fastest call.
    fn fastest(&self) -> f64 {
        self.0.iter().copied().fold(f64::INFINITY, f64::min)
    }
}

/// One line of the table.
#[derive(Debug, Clone)]
struct Row {
    hidden: usize,
    engine: Implementation,
    threads: String,
    train: Timing,
    /// Process CPU time over wall time during the timed training steps, where known.
    cores: Option<f64>,
    predict: Timing,
}

/// What computed a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Implementation {
    Fused { threads: usize },
    BurnFusedOp,
    Burn,
    Torch,
}

impl Implementation {
    fn label(self, torch_version: &str) -> String {
        match self {
            Implementation::Fused { .. } => "hydro fused".into(),
            Implementation::BurnFusedOp => "Burn + fused op".into(),
            Implementation::Burn => "Burn (Autodiff<NdArray>)".into(),
            Implementation::Torch => format!("PyTorch {torch_version}"),
        }
    }
}

/// Losses of the first training step from the shared weights, at one hidden size.
#[derive(Debug, Clone, Copy, Default)]
struct FirstLoss {
    fused: f32,
    burn_fused_op: f32,
    burn: Option<f32>,
    torch: Option<f64>,
}

/// What the PyTorch script prints for one hidden size.
#[derive(Debug, Deserialize)]
struct TorchResult {
    hidden: usize,
    first_loss: f64,
    train_ms: Timing,
    predict_ms: Timing,
    torch: String,
    threads: usize,
}

/// A batch of inputs and targets spread like normalised data (uniform on `[-1.7, 1.7]`).
fn random_batch(rng: &mut ChaCha8Rng) -> Batch {
    let mut draw =
        |count: usize| -> Vec<f32> { (0..count).map(|_| rng.random_range(-1.7..1.7)).collect() };
    Batch {
        size: BATCH,
        steps: STEPS,
        features: FEATURES,
        x: draw(BATCH * STEPS * FEATURES),
        y: draw(BATCH),
        targets: 1,
        basin_std: vec![1.0; BATCH],
    }
}

/// The initial weights every implementation starts from at `hidden`.
fn weights(hidden: usize) -> LstmWeights {
    let shape = LstmShape {
        inputs: FEATURES,
        hidden,
        outputs: 1,
    };
    init_weights(shape, 1, FORGET_BIAS)
}

/// Adam as PyTorch's defaults, without clipping.
fn adam() -> AdamSettings {
    AdamSettings {
        learning_rate: LEARNING_RATE,
        beta1: 0.9,
        beta2: 0.999,
        epsilon: 1e-8,
        clip_grad_norm: None,
    }
}

/// CPU time of this process (all threads, user and system) in seconds, where Linux's `/proc`
/// tells it.
fn process_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which is in parentheses and may hold spaces); utime and
    // stime are fields 14 and 15 of the whole line, in clock ticks of 1/100 s on Linux.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let user: f64 = fields.get(11)?.parse().ok()?;
    let system: f64 = fields.get(12)?.parse().ok()?;
    Some((user + system) / 100.0)
}

/// The result of a warm-up call of `run`, the milliseconds of `repeats` further calls, and the
/// cores they kept busy on average.
fn time_calls<T>(repeats: usize, mut run: impl FnMut() -> T) -> (T, Timing, Option<f64>) {
    let first = run();
    let cpu_start = process_cpu_seconds();
    let wall_start = Instant::now();
    let times = (0..repeats)
        .map(|_| {
            let start = Instant::now();
            run();
            start.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    let wall = wall_start.elapsed().as_secs_f64();
    let cores = cpu_start
        .zip(process_cpu_seconds())
        .map(|(start, end)| (end - start) / wall);
    (first, Timing(times), cores)
}

/// Times `engine` at `hidden`; returns its row and the loss of its first training step.
fn bench_engine(
    engine: &mut dyn Engine,
    implementation: Implementation,
    threads: &str,
    hidden: usize,
    batch: &Batch,
    repeats: usize,
) -> (Row, f32) {
    let (first_loss, train, cores) =
        time_calls(repeats, || engine.train_step(batch, &Mse, LEARNING_RATE));
    let (_, predict, _) = time_calls(repeats, || engine.predict(batch));
    let row = Row {
        hidden,
        engine: implementation,
        threads: threads.to_string(),
        train,
        cores,
        predict,
    };
    (row, first_loss)
}

/// Writes `values` as raw little-endian `f32` to `path`.
fn write_f32(path: &Path, values: &[f32]) -> std::io::Result<()> {
    let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
    std::fs::write(path, bytes)
}

/// Writes the batch and the initial weights of every hidden size for the PyTorch script.
fn write_inputs(folder: &Path, batch: &Batch, hidden_sizes: &[usize]) -> std::io::Result<()> {
    std::fs::create_dir_all(folder)?;
    let sizes = serde_json::json!({ "batch": BATCH, "steps": STEPS, "features": FEATURES });
    std::fs::write(folder.join("sizes.json"), sizes.to_string())?;
    write_f32(&folder.join("x.bin"), &batch.x)?;
    write_f32(&folder.join("y.bin"), &batch.y)?;
    for &hidden in hidden_sizes {
        let w = weights(hidden);
        write_f32(&folder.join(format!("w_ih_{hidden}.bin")), &w.w_ih)?;
        write_f32(&folder.join(format!("w_hh_{hidden}.bin")), &w.w_hh)?;
        write_f32(&folder.join(format!("bias_{hidden}.bin")), &w.bias)?;
        write_f32(&folder.join(format!("head_w_{hidden}.bin")), &w.head_w)?;
        write_f32(&folder.join(format!("head_b_{hidden}.bin")), &w.head_b)?;
    }
    Ok(())
}

/// Whether `python3` exists and can import torch (with the reason when not).
fn torch_available() -> Result<(), String> {
    match Command::new("python3")
        .args(["-c", "import torch"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
    {
        Ok(status) if status.success() => Ok(()),
        Ok(_) => Err("`python3 -c \"import torch\"` fails: PyTorch is not installed".into()),
        Err(error) => Err(format!("cannot start python3 ({error})")),
    }
}

/// Runs the PyTorch script on the batch and weights in `folder` at each `(hidden, repeats)`.
fn run_torch(folder: &Path, cases: &[(usize, usize)]) -> Result<Vec<TorchResult>, String> {
    let mut child = Command::new("python3")
        .arg("-")
        .arg(folder)
        .args(
            cases
                .iter()
                .map(|(hidden, repeats)| format!("{hidden}:{repeats}")),
        )
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|error| format!("cannot start python3 ({error})"))?;
    child
        .stdin
        .take()
        .ok_or("no standard input for python3")?
        .write_all(TORCH_SCRIPT.as_bytes())
        .map_err(|error| format!("cannot pass the script to python3 ({error})"))?;
    let output = child
        .wait_with_output()
        .map_err(|error| format!("python3 failed ({error})"))?;
    if !output.status.success() {
        return Err(format!(
            "the PyTorch script failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|line| line.starts_with('{'))
        .map(|line| {
            serde_json::from_str(line).map_err(|error| format!("unreadable result ({error})"))
        })
        .collect()
}

/// The table of timings.
fn table(rows: &[Row], torch_version: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:>6}  {:<26} {:>7} | {:>13} {:>8} {:>5} | {:>14} {:>8}",
        "hidden",
        "implementation",
        "threads",
        "train ms/step",
        "fastest",
        "cores",
        "infer ms/batch",
        "fastest"
    );
    let _ = writeln!(out, "{}", "-".repeat(107));
    for row in rows {
        let cores = row.cores.map_or("-".to_string(), |c| format!("{c:.2}"));
        let _ = writeln!(
            out,
            "{:>6}  {:<26} {:>7} | {:>13.1} {:>8.1} {:>5} | {:>14.1} {:>8.1}",
            row.hidden,
            row.engine.label(torch_version),
            row.threads,
            row.train.mean(),
            row.train.fastest(),
            cores,
            row.predict.mean(),
            row.predict.fastest()
        );
    }
    out
}

/// The ratios of the fused engine on two threads to PyTorch and to Burn.
fn ratios(rows: &[Row]) -> String {
    let mut out = String::new();
    let find = |hidden: usize, engine: Implementation| {
        rows.iter()
            .find(|row| row.hidden == hidden && row.engine == engine)
    };
    let _ = writeln!(
        out,
        "{:>6}  {:<22} | {:>14} {:>8} | {:>14} {:>8}",
        "hidden", "ratio", "train (mean)", "fastest", "infer (mean)", "fastest"
    );
    let _ = writeln!(out, "{}", "-".repeat(82));
    for hidden in HIDDEN {
        let Some(fused) = find(hidden, Implementation::Fused { threads: 2 }) else {
            continue;
        };
        for (other, name) in [
            (Implementation::Torch, "fused 2T / PyTorch"),
            (Implementation::BurnFusedOp, "fused 2T / Burn + op"),
            (Implementation::Burn, "fused 2T / Burn"),
        ] {
            if let Some(other) = find(hidden, other) {
                let _ = writeln!(
                    out,
                    "{:>6}  {:<22} | {:>14.3} {:>8.3} | {:>14.3} {:>8.3}",
                    hidden,
                    name,
                    fused.train.mean() / other.train.mean(),
                    fused.train.fastest() / other.train.fastest(),
                    fused.predict.mean() / other.predict.mean(),
                    fused.predict.fastest() / other.predict.fastest()
                );
            }
        }
    }
    out
}

/// The first-step losses and their differences from the fused engine's.
fn loss_check(losses: &[(usize, FirstLoss)]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:>6}  {:>12} {:>15} {:>10} {:>12} {:>10} {:>12} {:>10}",
        "hidden", "fused", "Burn + fused op", "|diff|", "Burn", "|diff|", "PyTorch", "|diff|"
    );
    for (hidden, loss) in losses {
        let fused = f64::from(loss.fused);
        let other = |value: Option<f64>| match value {
            Some(v) => (format!("{v:.7}"), format!("{:.2e}", (v - fused).abs())),
            None => ("-".to_string(), "-".to_string()),
        };
        let (op, op_diff) = other(Some(f64::from(loss.burn_fused_op)));
        let (burn, burn_diff) = other(loss.burn.map(f64::from));
        let (torch, torch_diff) = other(loss.torch);
        let _ = writeln!(
            out,
            "{hidden:>6}  {fused:>12.7} {op:>15} {op_diff:>10} {burn:>12} {burn_diff:>10} \
             {torch:>12} {torch_diff:>10}"
        );
    }
    out
}

/// A folder of its own for the files the PyTorch script reads.
fn scratch_folder() -> PathBuf {
    std::env::temp_dir().join(format!("hydro-bench-training-{}", std::process::id()))
}

fn main() {
    let options = Options::parse();
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let batch = random_batch(&mut rng);
    println!(
        "LSTM, batch {BATCH}, look-back {STEPS}, {FEATURES} inputs, sequence-to-one, MSE, Adam \
         (lr {LEARNING_RATE}), no dropout, f32, denormals flushed to zero"
    );
    let mut rows = Vec::new();
    let mut losses = Vec::new();
    for hidden in HIDDEN {
        let repeats = options.repeats(hidden);
        let mut loss = FirstLoss::default();
        for threads in [1, 2] {
            println!("timing hydro fused, hidden {hidden}, {threads} thread(s), {repeats} steps");
            let mut engine = FusedLstm::new(weights(hidden), adam(), 0.0, 1).with_threads(threads);
            let implementation = Implementation::Fused { threads };
            let (row, first) = bench_engine(
                &mut engine,
                implementation,
                &threads.to_string(),
                hidden,
                &batch,
                repeats,
            );
            if threads == 1 {
                loss.fused = first;
            }
            rows.push(row);
        }
        println!("timing Burn + fused op, hidden {hidden}, {repeats} steps");
        let mut engine = DeviceKind::Cpu
            .burn_engine(weights(hidden), adam(), 0.0, 1)
            .expect("the CPU is always available");
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(2));
        let (row, first) = bench_engine(
            engine.as_mut(),
            Implementation::BurnFusedOp,
            &threads.to_string(),
            hidden,
            &batch,
            repeats,
        );
        loss.burn_fused_op = first;
        rows.push(row);
        if let Some(burn_repeats) = options.burn_repeats(hidden) {
            println!("timing Burn, hidden {hidden}, {burn_repeats} steps (seconds each)");
            let mut engine = BurnEngine::<
                burn::backend::Autodiff<CpuBackend>,
                StraightforwardLstm<burn::backend::Autodiff<CpuBackend>>,
            >::new(weights(hidden), adam(), 0.0, 1, Default::default());
            let (row, first) = bench_engine(
                &mut engine,
                Implementation::Burn,
                "1",
                hidden,
                &batch,
                burn_repeats,
            );
            loss.burn = Some(first);
            rows.push(row);
        }
        losses.push((hidden, loss));
    }

    let mut torch_version = String::new();
    let torch_note = if options.skip_torch {
        Some("PyTorch left out (--skip-torch)".to_string())
    } else {
        match torch_available() {
            Err(reason) => Some(format!("PyTorch not measured: {reason}")),
            Ok(()) => {
                println!("timing PyTorch (python3 subprocess)");
                let folder = scratch_folder();
                let cases: Vec<(usize, usize)> = HIDDEN
                    .iter()
                    .map(|&hidden| (hidden, options.repeats(hidden)))
                    .collect();
                let results = write_inputs(&folder, &batch, &HIDDEN)
                    .map_err(|error| format!("cannot write the batch for PyTorch ({error})"))
                    .and_then(|()| run_torch(&folder, &cases));
                let _ = std::fs::remove_dir_all(&folder);
                match results {
                    Err(reason) => Some(format!("PyTorch not measured: {reason}")),
                    Ok(results) => {
                        for result in results {
                            torch_version.clone_from(&result.torch);
                            if let Some((_, loss)) =
                                losses.iter_mut().find(|(h, _)| *h == result.hidden)
                            {
                                loss.torch = Some(result.first_loss);
                            }
                            rows.push(Row {
                                hidden: result.hidden,
                                engine: Implementation::Torch,
                                threads: result.threads.to_string(),
                                train: result.train_ms,
                                cores: None,
                                predict: result.predict_ms,
                            });
                        }
                        None
                    }
                }
            }
        }
    };
    rows.sort_by_key(|row| row.hidden);

    println!();
    println!("milliseconds per training step (forward + backward + Adam) and per inference batch");
    print!("{}", table(&rows, &torch_version));
    println!();
    println!("ratios, hydro fused on 2 threads over the other (below 1: fused is faster)");
    print!("{}", ratios(&rows));
    println!();
    println!("MSE loss of the first training step (same initial weights and batch, no dropout)");
    print!("{}", loss_check(&losses));
    if let Some(note) = torch_note {
        println!();
        println!("{note}");
    }
}
