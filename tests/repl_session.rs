//! The REPL's session logic without a terminal: inputs with errors (in checking or while
//! running) leave the session as it was, `:load` runs a script whose relative `use` still
//! resolves after `:save` elsewhere, bare expressions run as `print`, `:reset` forgets all.

mod common;

use common::{data_root, scratch};

use std::path::Path;

use hydro::checking::{check_file, Environment};
use hydro::repl::{Flow, Repl, ReplOptions};

fn repl(dir: &Path) -> Repl {
    Repl::new(ReplOptions {
        runs_dir: dir.join("runs"),
        device: None,
        env: Environment {
            data_root: data_root(),
            mode: Default::default(),
        },
        colours: false,
    })
}

fn names(repl: &Repl) -> Vec<String> {
    repl.checker()
        .names_in_scope()
        .into_iter()
        .map(|(n, _)| n)
        .collect()
}

#[test]
fn errors_leave_the_session_unchanged() {
    let dir = scratch("errors");
    let mut repl = repl(&dir);
    assert_eq!(repl.handle("use \"camels_us.hydro\""), Flow::Continue);
    repl.handle("model net = lstm { hidden = 8 }");
    let before = names(&repl);
    // A checking error: an unknown setting.
    repl.handle("model bad = lstm { hiden = 3 }");
    assert_eq!(names(&repl), before);
    // A syntax error in a multi-statement input: nothing of it is kept.
    repl.handle("model other = lstm { hidden = 4 }\nlet = 3");
    assert_eq!(names(&repl), before);
    // A run-time error: a basin that is not in the data. The declarations of the input go too.
    repl.handle(
        "data missing = camels_us_nldas { basins = [\"99999999\"], train = 2000-10-01..2001-09-30, lookback = 30 }\n\
         train doomed = net on missing { epochs = 1 }",
    );
    assert_eq!(names(&repl), before, "the failed input was kept");
    assert!(!repl
        .checker()
        .steps()
        .iter()
        .any(|s| matches!(s, hydro::checking::plan::Step::Train(_))));
    // Unknown meta-commands and `:show` of unknown names do not end the session.
    assert_eq!(repl.handle(":nonsense"), Flow::Continue);
    assert_eq!(repl.handle(":show nothing"), Flow::Continue);
    assert_eq!(repl.handle(":quit"), Flow::Quit);
}

#[test]
fn load_save_and_reset() {
    let dir = scratch("load");
    let scripts = dir.join("scripts");
    std::fs::create_dir_all(&scripts).unwrap();
    std::fs::write(scripts.join("common.hydro"), "let hidden_size = 8\n").unwrap();
    std::fs::write(
        scripts.join("setup.hydro"),
        "use \"common.hydro\"\nuse \"camels_us.hydro\"\nmodel net = lstm { hidden = 8 }\n",
    )
    .unwrap();
    let mut repl = repl(&dir);
    repl.handle(&format!(":load {}", scripts.join("setup.hydro").display()));
    let loaded = names(&repl);
    assert!(
        loaded.contains(&"net".to_string()) && loaded.contains(&"hidden_size".to_string()),
        "{loaded:?}"
    );
    // A bare expression runs as `print` and is saved as one; a bare declaration name is shown
    // and not saved.
    repl.handle("hidden_size");
    repl.handle("net");
    let saved = dir.join("elsewhere/saved.hydro");
    std::fs::create_dir_all(saved.parent().unwrap()).unwrap();
    repl.handle(&format!(":save {}", saved.display()));
    let text = std::fs::read_to_string(&saved).unwrap();
    assert!(text.contains("print hidden_size"), "{text}");
    assert!(!text.contains("\nnet\n"), "{text}");
    // The relative `use` of the loaded file now names the file absolutely; the stdlib's stays.
    let common = scripts.join("common.hydro").canonicalize().unwrap();
    assert!(
        text.contains(&format!("use \"{}\"", common.display())),
        "{text}"
    );
    assert!(text.contains("use \"camels_us.hydro\""), "{text}");
    let env = Environment {
        data_root: data_root(),
        mode: Default::default(),
    };
    if let Err((sources, errors)) = check_file(&saved, &env) {
        panic!("{}", hydro::syntax::render_plain(&errors, &sources));
    }
    repl.handle(":reset");
    assert!(names(&repl).is_empty());
}

#[test]
fn long_tables_print_their_first_rows_and_the_summary() {
    use hydro::analysis::MetricTable;
    use hydro::repl::inspect::table_text;
    let rows = |n: usize| -> MetricTable {
        MetricTable {
            metrics: vec!["nse".into()],
            rows: (0..n)
                .map(|i| (format!("{i:08}"), vec![Some(i as f64 / n as f64)]))
                .collect(),
        }
    };
    let short = table_text(&rows(20));
    assert_eq!(short, rows(20).to_string(), "a short table prints whole");
    let long = rows(40);
    let text = table_text(&long);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0].split_whitespace().collect::<Vec<_>>(),
        ["basin", "nse"]
    );
    assert!(
        lines[1].starts_with("00000000") && lines[10].starts_with("00000009"),
        "{text}"
    );
    assert!(lines[11].contains("30 more basins"), "{text}");
    assert!(!text.contains("00000010"), "{text}");
    // The summary is over all 40 basins.
    let median = format!("{:.3}", long.median("nse").unwrap());
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("median") && l.ends_with(&median)),
        "{text}"
    );
    assert!(lines.last().unwrap().starts_with("mean"), "{text}");
}
