//! The `hydro` command line: `run`, `check` and `repl` on `.hydro` scripts.

use clap::{Parser, Subcommand};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use hydro::checking::{check_file, Environment, RunMode};
use hydro::evaluation::{self, RunError, RunOptions};
use hydro::syntax::{render_plain, ScriptError, SourceMap};

/// hydro: state deep-learning rainfall-runoff experiments in one checked script.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check a script and run it: load data, train, evaluate, write the run directory.
    Run {
        /// The script.
        script: PathBuf,
        /// Parent folder of run directories.
        #[arg(long, default_value = "runs")]
        runs_dir: PathBuf,
        /// Train on this device (`cpu` or `cuda`), overriding the script's `device` settings.
        #[arg(long)]
        device: Option<String>,
        /// Run the script's quick variant: every `by_mode(quick = ..., full = ...)` takes its
        /// `quick` value.
        #[arg(long)]
        quick: bool,
    },
    /// Report every error in a script without reading any data.
    Check {
        /// The script.
        script: PathBuf,
        /// Check the quick variant (see `run --quick`).
        #[arg(long)]
        quick: bool,
    },
    /// An interactive session: statements run as they are entered, names stay in scope.
    Repl {
        /// Parent folder of the session's run directory.
        #[arg(long, default_value = "runs")]
        runs_dir: PathBuf,
        /// Train on this device (`cpu` or `cuda`), overriding the `device` settings.
        #[arg(long)]
        device: Option<String>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    hydro::training::fused::set_flush_denormals();
    let mut env = Environment::from_process();
    if let Command::Run { quick: true, .. } | Command::Check { quick: true, .. } = cli.command {
        env.mode = RunMode::Quick;
    }
    match cli.command {
        Command::Repl { runs_dir, device } => {
            hydro::repl::install_interrupt_handler();
            hydro::repl::run(hydro::repl::ReplOptions {
                runs_dir,
                device,
                env,
                colours: hydro::repl::colours_enabled(),
            })
        }
        Command::Check { script, .. } => match check_file(&script, &env) {
            Ok(plan) => {
                let trains = plan
                    .steps
                    .iter()
                    .filter(|s| matches!(s, hydro::checking::plan::Step::Train(_)))
                    .count();
                println!(
                    "{}: ok ({} steps, {trains} training runs)",
                    script.display(),
                    plan.steps.len()
                );
                ExitCode::SUCCESS
            }
            Err((sources, errors)) => report(&sources, &errors),
        },
        Command::Run {
            script,
            runs_dir,
            device,
            ..
        } => {
            let plan = match check_file(&script, &env) {
                Ok(plan) => plan,
                Err((sources, errors)) => return report(&sources, &errors),
            };
            install_interrupt_handler();
            let options = RunOptions { runs_dir, device };
            match evaluation::run(&plan, &script, &options) {
                Ok(_) => ExitCode::SUCCESS,
                Err(RunError::Script(error)) => report(&plan.sources, &[*error]),
                Err(RunError::Io { path, source }) => {
                    eprintln!("error: cannot write {}: {source}", path.display());
                    eprintln!("  help: check that the runs directory is writable (--runs-dir)");
                    ExitCode::FAILURE
                }
                Err(RunError::Other { message, help }) => {
                    eprintln!("error: {message}");
                    eprintln!("  help: {help}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}

/// Prints diagnostics (in colour on a terminal) and a count; returns a failing exit code.
fn report(sources: &SourceMap, errors: &[ScriptError]) -> ExitCode {
    if std::io::stderr().is_terminal() {
        for error in errors {
            eprintln!("{:?}", miette::Report::new(error.report(sources)));
        }
    } else {
        eprint!("{}", render_plain(errors, sources));
    }
    let n = errors.len();
    eprintln!("{n} error{}", if n == 1 { "" } else { "s" });
    ExitCode::FAILURE
}

/// First Ctrl-C: finish the current batch, keep the weights and go on; second: exit.
fn install_interrupt_handler() {
    use hydro::training::trainer::STOP_REQUESTED;
    use std::sync::atomic::Ordering;
    let result = ctrlc::set_handler(|| {
        if STOP_REQUESTED.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
        eprintln!("\nstopping after this batch (press Ctrl-C again to quit)");
    });
    if let Err(e) = result {
        eprintln!("warning: Ctrl-C will end hydro at once: {e}");
    }
}
