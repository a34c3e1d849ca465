//! `hydro check` on EA-LSTM scripts: the model is known with the settings of the LSTM, and
//! training it on a data set without static attributes is reported at the training run, with
//! a help line. No data is read.

use hydro::checking::{check_text, Environment};
use hydro::syntax::render_plain;
use std::path::PathBuf;

/// Checks `text` and returns the rendered diagnostics (empty when the script is fine).
fn check(text: &str) -> String {
    let env = Environment {
        data_root: PathBuf::from("/nonexistent/data"),
        mode: Default::default(),
    };
    match check_text("script.hydro", None, text.to_string(), &env) {
        Ok(_) => String::new(),
        Err((sources, errors)) => render_plain(&errors, &sources),
    }
}

/// The `× message` lines of a rendering, in order.
fn messages(rendered: &str) -> Vec<String> {
    rendered
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("× ").map(str::to_string))
        .collect()
}

/// An EA-LSTM on the NLDAS data set of the standard library, which has the 27 attributes.
const WITH_STATICS: &str = r#"
use "camels_us.hydro"
data camels = camels_us_nldas {
    basins   = basin_file("basins_nldas19.txt")
    train    = 1999-10-01..2008-09-30
    test     = 2008-10-01..2013-09-30
    lookback = 270
}
model net = ealstm { hidden = 64, dropout = 0.4, initial_forget_bias = 3 }
train run = net on camels { loss = nse_star(eps = 0.1), epochs = 3 }
let scores = evaluate(run, period = test, metrics = [nse])
print scores
"#;

/// An EA-LSTM on a data set declared without `statics`.
const WITHOUT_STATICS: &str = r#"
data plain = camels_us {
    root   = data_dir("camels_us")
    basins = basin_file("basins_nldas19.txt")
    inputs = [prcp, srad, tmax, vp, dayl]
    train  = 1999-10-01..2008-09-30
    test   = 2008-10-01..2013-09-30
}
model net = ealstm { hidden = 32 }
train run = net on plain { epochs = 1 }
"#;

#[test]
fn an_ealstm_with_static_attributes_checks() {
    assert_eq!(check(WITH_STATICS), "");
    let env = Environment {
        data_root: PathBuf::from("/nonexistent/data"),
        mode: Default::default(),
    };
    let plan = check_text("s.hydro", None, WITH_STATICS.to_string(), &env).expect("valid");
    let json = serde_json::to_string(&plan.steps).expect("plan serialises");
    assert!(json.contains(r#""architecture":"ealstm""#), "{json}");
    assert!(json.contains(r#""initial_forget_bias":3.0"#), "{json}");
}

#[test]
fn an_ealstm_without_static_attributes_is_reported_at_the_training_run() {
    let out = check(WITHOUT_STATICS);
    assert_eq!(
        messages(&out),
        ["the EA-LSTM `net` needs static attributes"],
        "{out}"
    );
    assert!(out.contains("data set `plain` has no `statics`"), "{out}");
    // The help line, as rendered (wrapped, its continuation indented).
    let help: String = out
        .split("help: ")
        .nth(1)
        .expect("a help line")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert_eq!(
        help,
        "its input gate is computed from each basin's static attributes: set `statics = [...]` \
         in `plain` (e.g. `statics = kratzert_attributes` from \"camels_us.hydro\"), or train an \
         `lstm`",
        "{out}"
    );
    // The span is the data set named in the `train` declaration (line 10, column 20).
    assert!(out.contains("script.hydro:10:20"), "{out}");
}

#[test]
fn static_attributes_removed_in_a_derived_data_set_are_reported() {
    let script = WITH_STATICS.replace(
        "lookback = 270\n}",
        "lookback = 270\n}\ndata bare = camels { statics = [] }",
    );
    let out = check(&script.replace("net on camels", "net on bare"));
    assert_eq!(
        messages(&out),
        ["the EA-LSTM `net` needs static attributes"],
        "{out}"
    );
    // A model derived from the EA-LSTM is an EA-LSTM too.
    let derived = WITHOUT_STATICS.replace(
        "train run = net on plain",
        "model wider = net { hidden = 64 }\ntrain run = wider on plain",
    );
    assert_eq!(
        messages(&check(&derived)),
        ["the EA-LSTM `wider` needs static attributes"]
    );
}

#[test]
fn an_lstm_without_static_attributes_checks() {
    let lstm = WITHOUT_STATICS.replace("ealstm", "lstm");
    assert_eq!(check(&lstm), "");
}
