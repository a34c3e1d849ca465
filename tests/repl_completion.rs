//! REPL completion and multi-line input without a terminal: which candidates are offered at
//! which cursor position, which inputs continue on the next line, the highlighter, and the
//! meta-command parser. No data is read.

use std::path::PathBuf;

use hydro::checking::library::{LOSSES, MODELS};
use hydro::checking::{Checker, Environment};
use hydro::repl::completion::{complete, Completion, Scope};
use hydro::repl::highlight::highlight;
use hydro::repl::meta::{parse, Meta};
use hydro::repl::validate::is_complete;

const SESSION: &str = r#"
use "camels_us.hydro"
data camels = camels_us_nldas {
    basins = ["01013500", "03439000"]
    train = 2000-10-01..2003-09-30
    test = 2008-10-01..2009-09-30
    lookback = 30
}
model net = lstm { hidden = 8 }
train tiny = net on camels { epochs = 2, batch = 64 }
let scores = evaluate(tiny, metrics = [nse, kge])
"#;

fn scope() -> Scope {
    let mut checker = Checker::new(Environment {
        data_root: PathBuf::from("/nonexistent/data"),
        mode: Default::default(),
    });
    checker
        .check_snippet("<repl:1>", None, SESSION.to_string())
        .unwrap_or_else(|(sources, errors)| {
            panic!("{}", hydro::syntax::render_plain(&errors, &sources))
        });
    Scope::from_checker(&checker)
}

/// The candidates with the cursor at the end of `line`, and where the replaced word starts.
fn at_end(line: &str) -> (usize, Vec<String>) {
    match complete(line, line.len(), &scope()) {
        Completion::Words { start, words } => (start, words),
        other => panic!("expected words for {line:?}, got {other:?}"),
    }
}

fn words(line: &str) -> Vec<String> {
    at_end(line).1
}

fn has(words: &[String], expected: &[&str]) -> bool {
    expected.iter().all(|e| words.iter().any(|w| w == e))
}

#[test]
fn keywords_and_names_at_the_start_of_a_statement() {
    // A bare expression may start with a function.
    assert_eq!(words("da"), ["data", "data_dir"]);
    // Analysis functions start expressions too.
    assert_eq!(words("pr"), ["predictions", "print", "probe"]);
    let (start, w) = at_end("let x = 1\nmo");
    assert_eq!(w, ["model"]);
    assert_eq!(start, 10);
    // A prefix of a declared name: the name (bare expressions print).
    assert_eq!(words("ti"), ["tiny"]);
    assert_eq!(words("sco"), ["scores"]);
}

#[test]
fn constructors_and_declarations_after_the_equals_sign() {
    let w = words("data mine = ");
    assert!(
        has(
            &w,
            &["camels_us", "camels", "camels_us_nldas", "camels_us_daymet"]
        ),
        "{w:?}"
    );
    assert!(
        !w.contains(&"net".to_string()),
        "a model is not a data set: {w:?}"
    );
    let mut models: Vec<String> = MODELS.iter().map(|m| m.name.to_string()).collect();
    models.push("net".into());
    models.sort();
    assert!(models.contains(&"lstm".to_string()));
    assert_eq!(words("model m = "), models);
    assert_eq!(words("train t = "), ["net"]);
    assert_eq!(words("train t = net o"), ["on"]);
    assert_eq!(
        words("train t = net on cam"),
        [
            "camels",
            "camels_us_daymet",
            "camels_us_maurer",
            "camels_us_nldas"
        ]
    );
    // After `data NAME` nothing is proposed: the name is new.
    assert!(words("data ").is_empty());
}

#[test]
fn settings_valid_in_the_block_at_the_cursor() {
    assert_eq!(words("data c = camels_us { lo"), ["lookback"]);
    // Derived from a declaration: its data source's settings.
    assert_eq!(words("data c = camels_us_nldas { for"), ["forcing"]);
    // On a later line of a multi-line block, after other settings.
    assert_eq!(
        words("data c = camels_us_nldas {\n    basins = [\"01013500\"]\n    look"),
        ["lookback"]
    );
    assert_eq!(words("data c = camels { lookback = 30, te"), ["test"]);
    assert_eq!(words("model m = lstm { hid"), ["hidden"]);
    assert_eq!(words("model m = net { dr"), ["dropout"]);
    let w = words("train t = net on camels { ");
    assert!(
        has(
            &w,
            &["loss", "epochs", "batch", "seed", "learning_rate", "device"]
        ),
        "{w:?}"
    );
    assert_eq!(words("train t = net on camels { epochs = 2, se"), ["seed"]);
}

#[test]
fn accepted_values_of_a_setting() {
    let mut losses: Vec<&str> = LOSSES.iter().map(|l| l.name).collect();
    losses.sort();
    assert!(losses.contains(&"nse_star"));
    assert_eq!(words("train t = net on camels { loss = "), losses);
    assert_eq!(words("train t = net on camels { loss = ns"), ["nse_star"]);
    assert_eq!(
        words("train t = net on camels { device = "),
        ["cpu", "cuda"]
    );
    assert_eq!(
        words("data c = camels_us { forcing = ma"),
        ["maurer", "maurer_extended"]
    );
    assert_eq!(
        words("data c = camels_us { inputs = [prcp, t"),
        ["tmax", "tmin"]
    );
    assert_eq!(words("data c = camels_us { basins = "), ["basin_file"]);
    assert!(words("data c = camels_us { statics = kr").contains(&"kratzert_attributes".to_string()));
    // Arguments of a loss call.
    assert_eq!(words("train t = net on camels { loss = nse_star("), ["eps"]);
}

#[test]
fn metric_names_and_arguments_of_evaluate() {
    assert_eq!(words("let s = evaluate("), ["tiny"]);
    assert_eq!(
        words("let s = evaluate(tiny, "),
        ["ensemble", "metrics", "period", "target"]
    );
    assert_eq!(
        words("let s = evaluate(tiny, period = "),
        ["test", "train", "validation"]
    );
    assert_eq!(
        words("let s = evaluate(tiny, metrics = [nse, k"),
        ["kge", "kge_beta", "kge_gamma", "kge_r"]
    );
    let w = words("let s = evaluate(tiny, metrics = [");
    assert!(has(&w, &["nse", "alpha_nse", "fhv", "rmse"]), "{w:?}");
    assert_eq!(words("print scores.me"), ["mean", "median"]);
}

#[test]
fn names_in_expressions() {
    assert_eq!(words("print sc"), ["scatter", "scenario", "scores"]);
    assert!(has(
        &words("let x = "),
        &["scores", "tiny", "evaluate", "kratzert_attributes"]
    ));
    // After a complete value a new statement may start.
    assert_eq!(words("print scores pri"), ["print"]);
    assert!(words("write scores -> ").is_empty());
}

#[test]
fn nothing_inside_comments_and_numbers() {
    assert!(words("# a comment about da").is_empty());
    assert!(words("model m = lstm { hidden = 6").is_empty());
}

#[test]
fn cursor_in_the_middle_of_the_line() {
    let line = "train t = net on camels { lo }";
    let pos = line.find(" }").unwrap();
    match complete(line, pos, &scope()) {
        Completion::Words { start, words } => {
            assert_eq!(words, ["loss"]);
            assert_eq!(&line[start..pos], "lo");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn file_paths_inside_strings() {
    let line = "use \"camels";
    match complete(line, line.len(), &scope()) {
        Completion::Path { start, extra } => {
            assert_eq!(start, 5);
            assert_eq!(extra, ["camels_us.hydro"]);
        }
        other => panic!("{other:?}"),
    }
    let line = "write scores -> \"out/";
    assert!(matches!(
        complete(line, line.len(), &scope()),
        Completion::Path { start: 17, .. }
    ));
    let line = ":load examples/q";
    assert!(matches!(
        complete(line, line.len(), &scope()),
        Completion::Path { start: 6, .. }
    ));
}

#[test]
fn meta_commands_and_their_arguments() {
    assert_eq!(at_end(":sh"), (0, vec![":show".to_string()]));
    assert_eq!(
        words(":"),
        [":help", ":load", ":quit", ":reset", ":save", ":show", ":vars"]
    );
    assert_eq!(words(":show ti"), ["tiny"]);
    assert_eq!(words(":help ls"), ["lstm"]);
    let w = words(":help ");
    assert!(
        has(
            &w,
            &[
                "data",
                "models",
                "metrics",
                "training",
                "lookback",
                "nse",
                "camels_us",
                "epochs"
            ]
        ),
        "{w:?}"
    );
}

#[test]
fn lines_continue_while_a_bracket_is_open() {
    assert!(!is_complete("data c = camels_us {"));
    assert!(!is_complete(
        "data c = camels_us {\n  basins = [\"01013500\",\n"
    ));
    assert!(is_complete(
        "data c = camels_us {\n  basins = [\"01013500\"]\n}"
    ));
    assert!(!is_complete("let s = evaluate(tiny,"));
    assert!(is_complete("let s = evaluate(tiny, metrics = [nse])"));
    // Brackets inside strings and comments do not count.
    assert!(is_complete("write s -> \"a{b.csv\""));
    assert!(is_complete("let x = 1 # {"));
    assert!(!is_complete("model m = lstm { # }"));
    // A stray closing bracket goes to the parser; meta-commands are single lines.
    assert!(is_complete("}"));
    assert!(is_complete(":show {"));
    assert!(is_complete(""));
}

#[test]
fn highlighting_keeps_the_text_and_colours_tokens() {
    let line = "let period = 2000-10-01..2003-09-30 # dates";
    let coloured = highlight(line);
    let plain = strip_ansi(&coloured);
    assert_eq!(plain, line);
    assert!(coloured.contains("\x1b[1;35mlet\x1b[0m"), "{coloured:?}");
    assert!(
        coloured.contains("\x1b[36m2000-10-01\x1b[0m"),
        "{coloured:?}"
    );
    assert!(
        coloured.contains("\x1b[2;37m# dates\x1b[0m"),
        "{coloured:?}"
    );
    let coloured = highlight("use \"camels_us.hydro\"");
    assert!(
        coloured.contains("\x1b[32m\"camels_us.hydro\"\x1b[0m"),
        "{coloured:?}"
    );
    // A setting named like a keyword is not one.
    let coloured = highlight("data c = camels_us { train = 2000-10-01..2001-09-30 }");
    assert!(
        coloured.starts_with("\x1b[1;35mdata\x1b[0m"),
        "{coloured:?}"
    );
    assert!(coloured.contains(" train ="), "{coloured:?}");
    // Names that merely contain a keyword are not keywords.
    assert!(!highlight("let dataset = 1").contains("\x1b[1;35mdata"));
}

fn strip_ansi(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn meta_command_parsing() {
    assert_eq!(parse(":help"), Ok(Meta::Help(None)));
    assert_eq!(parse(":help lstm"), Ok(Meta::Help(Some("lstm".into()))));
    assert_eq!(
        parse(":load \"my script.hydro\""),
        Ok(Meta::Load("my script.hydro".into()))
    );
    assert_eq!(parse(":show tiny"), Ok(Meta::Show("tiny".into())));
    assert_eq!(parse(":quit"), Ok(Meta::Quit));
    let err = parse(":shwo tiny").unwrap_err();
    assert!(
        err.contains("did you mean `show`?") && err.contains(":vars"),
        "{err}"
    );
    assert!(parse(":show").unwrap_err().contains("needs a name"));
    assert!(parse(":vars x").is_err());
}

#[test]
fn help_is_generated_from_the_library() {
    use hydro::repl::help::help;
    let lstm = help(Some("lstm"));
    for setting in ["hidden", "dropout", "initial_forget_bias"] {
        assert!(lstm.contains(setting), "{lstm}");
    }
    let metrics = help(Some("metrics"));
    for metric in hydro::analysis::metrics::METRICS {
        assert!(metrics.contains(metric.name), "{metrics}");
    }
    let training = help(Some("training"));
    for param in hydro::checking::library::TRAIN_PARAMS {
        assert!(training.contains(param.name), "{training}");
    }
    // `mse` is both a loss and a metric.
    let mse = help(Some("mse"));
    assert!(mse.contains("loss") && mse.contains("metric"), "{mse}");
    assert!(help(Some("lookbak")).contains("did you mean `lookback`?"));
    assert!(help(None).contains(":save"));
}
