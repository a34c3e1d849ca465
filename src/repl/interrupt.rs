//! Ctrl-C in the REPL. At the prompt the line editor reads Ctrl-C as a key and clears the line;
//! while a statement runs, the terminal delivers it as a signal, and the handler installed here
//! asks a running training to stop after its current batch (keeping the weights reached so far)
//! and the REPL to skip the rest of the input. It never ends the process.

use std::sync::atomic::{AtomicBool, Ordering};

use crate::training::trainer::STOP_REQUESTED;

/// Set while the REPL executes plan steps.
static RUNNING: AtomicBool = AtomicBool::new(false);
/// Set by Ctrl-C while something runs; cleared when the next input starts.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Installs the REPL's Ctrl-C handler; a failure is reported as a warning.
pub fn install_interrupt_handler() {
    let result = ctrlc::set_handler(|| {
        if RUNNING.load(Ordering::SeqCst) {
            INTERRUPTED.store(true, Ordering::SeqCst);
            STOP_REQUESTED.store(true, Ordering::SeqCst);
            eprintln!(
                "\nstopping after the current batch; the weights reached so far will be kept"
            );
        }
    });
    if let Err(e) = result {
        eprintln!("warning: Ctrl-C cannot interrupt a running training: {e}");
    }
}

/// Marks the start of an input's execution: clears earlier requests to stop.
pub(crate) fn start_input() {
    INTERRUPTED.store(false, Ordering::SeqCst);
    STOP_REQUESTED.store(false, Ordering::SeqCst);
}

/// Marks whether plan steps are running (Ctrl-C is only honoured while they are).
pub(crate) fn set_running(running: bool) {
    RUNNING.store(running, Ordering::SeqCst);
}

/// Whether Ctrl-C was pressed since the input started.
pub(crate) fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}
