//! `hydro repl` driven through a pseudo-terminal on the real CAMELS-US data, as a user would:
//! a data set typed over several lines, a tiny model trained, inspected with `:show`, a typo
//! that yields a diagnostic while the session goes on, a name completed with Tab, an evaluation
//! printed, the session saved with `:save` and re-run with `hydro run` to the same metrics,
//! a training stopped with Ctrl-C (weights kept), Ctrl-C at the prompt, Ctrl-D to leave.

mod common;

use common::{data_root, scratch};

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use expectrl::process::unix::WaitStatus;
use expectrl::session::OsSession;
use expectrl::{Eof, Expect, Session};

/// What rustyline writes for a fresh, empty prompt (the prompt, then the cursor put after it).
/// Redraws of a line being edited show the prompt followed by the line's text instead.
const PROMPT: &str = "hydro> \r\x1b[7C";

/// A REPL on a pseudo-terminal, with everything it printed so far (for failure messages).
struct Terminal {
    session: OsSession,
    seen: String,
}

impl Terminal {
    fn start(dir: &Path, viewer: &Path) -> Self {
        let mut command = Command::new(env!("CARGO_BIN_EXE_hydro"));
        command
            .args(["repl", "--runs-dir"])
            .arg(dir.join("runs"))
            .current_dir(dir)
            .env("HYDRO_DATA", data_root())
            .env("HOME", dir.join("home"))
            .env("XDG_DATA_HOME", dir.join("xdg"))
            .env("HYDRO_VIEWER", viewer)
            .env("NO_COLOR", "1")
            .env("TERM", "xterm");
        let mut session = Session::spawn(command).expect("spawn hydro repl on a pseudo-terminal");
        session.set_expect_timeout(Some(Duration::from_secs(60)));
        Terminal {
            session,
            seen: String::new(),
        }
    }

    /// Waits for `needle`; returns what was printed before it.
    fn expect(&mut self, needle: &str) -> String {
        match self.session.expect(needle) {
            Ok(found) => {
                let before = String::from_utf8_lossy(found.before()).to_string();
                self.seen.push_str(&before);
                self.seen.push_str(needle);
                before
            }
            Err(e) => {
                let tail: String = self
                    .seen
                    .chars()
                    .rev()
                    .take(3000)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect();
                panic!("waiting for {needle:?}: {e}\n--- the terminal so far (end) ---\n{tail}")
            }
        }
    }

    /// Types `text` (without pressing Enter).
    fn send(&mut self, text: &str) {
        self.session.send(text).expect("write to the terminal");
    }

    /// Types `line`, presses Enter, and returns everything printed up to the next prompt.
    fn enter(&mut self, line: &str) -> String {
        self.send(&format!("{line}\r"));
        self.expect(PROMPT)
    }
}

#[test]
fn a_session_through_a_terminal() {
    let dir = scratch("session");
    let viewer = dir.join("viewer.sh");
    std::fs::write(
        &viewer,
        format!(
            "#!/bin/sh\necho \"$1\" > {}\n",
            dir.join("viewed.txt").display()
        ),
    )
    .unwrap();
    make_executable(&viewer);

    let mut repl = Terminal::start(&dir, &viewer);
    repl.expect(PROMPT);
    let out = repl.enter("use \"camels_us.hydro\"");
    assert!(!out.contains('×'), "{out}");

    // A data set over several lines: the input continues while its block is open.
    repl.send("data camels = camels_us_nldas {\r");
    repl.send("    basins   = [\"01013500\", \"03439000\"]\r");
    repl.send("    train    = 2000-10-01..2003-09-30\r");
    repl.send("    test     = 2008-10-01..2009-09-30\r");
    repl.send("    lookback = 30\r");
    let out = repl.enter("}");
    assert!(!out.contains('×'), "{out}");
    let out = repl.enter(":show camels");
    assert!(out.contains("data set `camels` (camels_us)"), "{out}");
    assert!(out.contains("2 listed"), "{out}");
    assert!(out.contains("2000-10-01..2003-09-30"), "{out}");

    repl.enter("model net = lstm { hidden = 8 }");
    let out = repl.enter("train tiny = net on camels { epochs = 2, batch = 64, seed = 5 }");
    assert!(out.contains("tiny: epoch 2/2"), "{out}");
    assert!(out.contains("tiny: trained in"), "{out}");

    let out = repl.enter(":show tiny");
    assert!(
        out.contains("training run `tiny`: model `net` on data set `camels`"),
        "{out}"
    );
    assert!(out.contains("2 of 2 epochs run, final loss"), "{out}");
    assert!(out.contains("lstm (") && out.contains("hidden 8"), "{out}");
    let out = repl.enter(":show camels");
    assert!(
        out.contains("2 basins, 3316 days each"),
        "the data set is loaded now: {out}"
    );

    // A typo: the diagnostic of `hydro check`, pointing into the typed line; the session goes on.
    let out = repl.enter("let scores = evaluate(tiyn, metrics = [nse, kge])");
    assert!(out.contains("unknown training run `tiyn`"), "{out}");
    assert!(out.contains("help: did you mean `tiny`?"), "{out}");
    assert!(
        out.contains("<repl:"),
        "the diagnostic names the input: {out}"
    );
    let out = repl.enter(":show tiny");
    assert!(
        out.contains("2 of 2 epochs run"),
        "the trained run is still there: {out}"
    );

    // Evaluation (not retraining: no epoch lines), its figures, and the viewer.
    let out = repl.enter("let scores = evaluate(tiny, period = test, metrics = [nse, kge])");
    assert!(
        !out.contains("epoch 1/2"),
        "the run was trained again: {out}"
    );
    assert!(out.contains("hydrographs in"), "{out}");
    assert!(out.contains("opened"), "{out}");

    // Tab completes a declared name; the completed line prints the table.
    repl.send("print sco\t");
    repl.expect("print scores");
    let out = repl.enter("");
    assert!(
        out.contains("basin") && out.contains("nse") && out.contains("kge"),
        "{out}"
    );
    assert!(
        out.contains("01013500") && out.contains("03439000"),
        "{out}"
    );
    assert!(out.contains("median") && out.contains("mean"), "{out}");

    // A bare expression prints its value.
    let out = repl.enter("scores.median");
    assert!(out.contains("median over 2 basins: nse = "), "{out}");

    let out = repl.enter(":save session.hydro");
    assert!(out.contains("saved"), "{out}");

    // Ctrl-C during training: stops after the current batch, keeps the weights.
    repl.send("train long = net on camels { epochs = 5000, batch = 64, seed = 5 }\r");
    repl.expect("long: epoch 2/5000");
    repl.send("\x03");
    let out = repl.expect(PROMPT);
    assert!(out.contains("training stopped by Ctrl-C after"), "{out}");
    assert!(out.contains("KEPT"), "{out}");
    let out = repl.enter(":show long");
    assert!(
        out.contains("stopped by Ctrl-C; the weights reached then are kept"),
        "{out}"
    );

    // Ctrl-C at the prompt clears the line; unknown commands are listed; Ctrl-D leaves.
    repl.send("let dropped = 1");
    repl.send("\x03");
    repl.expect(PROMPT);
    let out = repl.enter(":vars");
    assert!(
        out.contains("long") && out.contains("scores") && !out.contains("dropped"),
        "{out}"
    );
    let out = repl.enter(":frobnicate");
    assert!(
        out.contains("unknown command `:frobnicate`") && out.contains(":save"),
        "{out}"
    );
    repl.send("\x04");
    repl.session.expect(Eof).expect("the REPL ends on Ctrl-D");
    let status = repl
        .session
        .get_process()
        .wait()
        .expect("wait for the REPL");
    assert!(matches!(status, WaitStatus::Exited(_, 0)), "{status:?}");

    // The history was written to the user's data directory.
    let history = std::fs::read_to_string(dir.join("xdg/hydro/history.txt")).expect("history file");
    assert!(history.contains(":show tiny"), "{history}");
    // The viewer was given a hydrograph.
    let viewed = std::fs::read_to_string(dir.join("viewed.txt")).unwrap_or_default();
    assert!(
        viewed.contains("hydrographs/01013500.png"),
        "viewer got {viewed:?}"
    );

    // The saved script reproduces the session: same seed, same test metrics.
    let saved = std::fs::read_to_string(dir.join("session.hydro")).unwrap();
    assert!(
        !saved.contains("long"),
        "saved before `long` was declared: {saved}"
    );
    assert!(
        !saved.contains("tiyn"),
        "rejected inputs are not saved: {saved}"
    );
    let run = Command::new(env!("CARGO_BIN_EXE_hydro"))
        .args(["run", "session.hydro", "--runs-dir"])
        .arg(dir.join("batch"))
        .current_dir(&dir)
        .env("HYDRO_DATA", data_root())
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let interactive = only_run_dir(&dir.join("runs"));
    let batch = only_run_dir(&dir.join("batch"));
    let metrics =
        |run_dir: &Path| std::fs::read_to_string(run_dir.join("tiny/test/metrics.csv")).unwrap();
    assert_eq!(
        metrics(&interactive),
        metrics(&batch),
        "the saved script gives other metrics"
    );
    assert!(metrics(&batch).starts_with("basin,nse,kge\n"));
}

/// The one run directory under `parent` (beside the store of finished runs).
fn only_run_dir(parent: &Path) -> PathBuf {
    let dirs: Vec<PathBuf> = std::fs::read_dir(parent)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| !p.ends_with("finished"))
        .collect();
    assert_eq!(dirs.len(), 1, "{dirs:?}");
    dirs[0].clone()
}

fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}
