//! `hydro check` diagnostics: broken scripts and the exact text users see (message, label, help),
//! rendered without colour as on a non-terminal. No data is read by any of these checks.

use hydro::checking::{check_text, Environment};
use hydro::syntax::render_plain;
use std::path::PathBuf;

fn env() -> Environment {
    // A data root that does not exist: checking must not need data.
    Environment {
        data_root: PathBuf::from("/nonexistent/data"),
        mode: Default::default(),
    }
}

/// Checks `text` and returns the rendered diagnostics (empty when the script is fine).
fn check(text: &str) -> String {
    match check_text("script.hydro", None, text.to_string(), &env()) {
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

const GOOD: &str = r#"
use "camels_us.hydro"
data camels = camels_us_nldas {
    basins   = basin_file("basins_nldas19.txt")
    train    = 1999-10-01..2008-09-30
    test     = 2008-10-01..2013-09-30
    lookback = 270
}
model net = lstm { hidden = 64, dropout = 0.4 }
train run = net on camels { loss = nse_star(eps = 0.1), epochs = 3 }
let scores = evaluate(run, period = test, metrics = [nse, kge])
print scores
write scores -> "scores.csv"
"#;

#[test]
fn a_correct_script_checks_without_data() {
    assert_eq!(check(GOOD), "");
    let plan = check_text("s.hydro", None, GOOD.to_string(), &env()).expect("valid");
    // train, evaluate, print, write
    assert_eq!(plan.steps.len(), 4);
}

#[test]
fn unknown_name_suggests_the_closest() {
    let out = check(&GOOD.replace("train run = net on", "train run = nett on"));
    assert_eq!(messages(&out), ["unknown model `nett`"]);
    assert!(out.contains("help: did you mean `net`?"), "{out}");
    assert!(
        out.contains("script.hydro:10:13"),
        "span points at the name: {out}"
    );
}

#[test]
fn wrong_kind_of_value_says_what_was_expected_and_found() {
    let out = check(&GOOD.replace("hidden = 64", "hidden = \"big\""));
    assert_eq!(messages(&out), ["`hidden` expects an integer in 1..4096"]);
    assert!(out.contains("found a string"), "{out}");
    assert!(
        out.contains("help: size of the hidden and cell state"),
        "{out}"
    );
}

#[test]
fn unknown_setting_lists_the_valid_ones() {
    let out = check(&GOOD.replace("lookback = 270", "lookbak = 270"));
    assert_eq!(
        messages(&out),
        ["unknown setting `lookbak` for `camels_us`"]
    );
    assert!(out.contains("did you mean `lookback`?"), "{out}");
    assert!(
        out.contains("root, basins, forcing, inputs, statics"),
        "{out}"
    );
}

#[test]
fn malformed_date_and_reversed_range() {
    let out = check(&GOOD.replace("2008-09-30\n    test", "2008-13-30\n    test"));
    assert_eq!(messages(&out), ["malformed date `2008-13-30`"]);
    assert!(
        out.contains("help: write dates as ISO 8601, e.g. 1999-10-01"),
        "{out}"
    );

    let out = check(&GOOD.replace("1999-10-01..2008-09-30", "2008-09-30..1999-10-01"));
    assert_eq!(messages(&out), ["`train` ends before it starts"]);
    assert!(out.contains("2008-09-30 is after 1999-10-01"), "{out}");
}

#[test]
fn missing_used_file() {
    let out = check(&GOOD.replace("camels_us.hydro", "camels_uz.hydro"));
    let found = messages(&out);
    assert_eq!(found[0], "cannot find `camels_uz.hydro`");
    assert!(out.contains("did you mean `camels_us.hydro`?"), "{out}");
}

#[test]
fn every_error_is_reported_not_just_the_first() {
    let broken = GOOD
        .replace("inputs", "x")
        .replace("lookback = 270", "lookback = 0")
        .replace("dropout = 0.4", "dropout = 1.5")
        .replace("[nse, kge]", "[nse, kgee]")
        .replace("nse_star(eps = 0.1)", "nse_stra(eps = 0.1)");
    let out = check(&broken);
    assert_eq!(
        messages(&out),
        [
            "`lookback` is out of range",
            "`dropout` is out of range",
            "unknown function `nse_stra`",
        ],
        "{out}"
    );
    assert!(out.contains("0 is not an integer in 1..10000"), "{out}");
    assert!(out.contains("did you mean `nse_star`?"), "{out}");
}

#[test]
fn unknown_metric_forcing_variable_and_forcing_source() {
    let out = check(&GOOD.replace("[nse, kge]", "[nse, kgee]"));
    assert_eq!(messages(&out), ["unknown name `kgee` for `metrics`"]);
    assert!(out.contains("did you mean `kge`?"), "{out}");

    let out = check(&GOOD.replace(
        "lookback = 270",
        "lookback = 270, inputs = [prcp, sard], forcing = nldsa",
    ));
    assert_eq!(
        messages(&out),
        [
            "unknown name `sard` for `inputs`",
            "unknown name `nldsa` for `forcing`"
        ],
        "{out}"
    );
    assert!(
        out.contains("did you mean `srad`?") && out.contains("did you mean `nldas`?"),
        "{out}"
    );
}

#[test]
fn missing_required_setting_points_at_the_declaration() {
    let out = check(&GOOD.replace("    train    = 1999-10-01..2008-09-30\n", ""));
    assert_eq!(messages(&out), ["data `camels` needs the setting `train`"]);
    assert!(
        out.contains("training period, e.g. 1999-10-01..2008-09-30"),
        "{out}"
    );
}

#[test]
fn evaluating_an_undeclared_period() {
    let out = check(&GOOD.replace("    test     = 2008-10-01..2013-09-30\n", ""));
    assert_eq!(messages(&out), ["data set `camels` has no test period"]);
    assert!(
        out.contains("add `test = START..END` to the data declaration"),
        "{out}"
    );
}

#[test]
fn syntax_error_names_what_was_expected() {
    let out = check("model net = lstm { hidden = }");
    assert_eq!(messages(&out), ["syntax error"]);
    assert!(out.contains("expected a value"), "{out}");
}

#[test]
fn unknown_name_in_print_and_no_cascade_after_a_failed_let() {
    let out = check(&GOOD.replace("print scores", "print scroes"));
    assert_eq!(messages(&out), ["unknown name `scroes`"]);
    assert!(out.contains("did you mean `scores`?"), "{out}");

    // `scores` fails to be defined; printing and writing it must not add more errors.
    let out = check(&GOOD.replace("evaluate(run,", "evaluate(rnu,"));
    assert_eq!(messages(&out), ["unknown training run `rnu`"], "{out}");
}

#[test]
fn write_needs_a_result_and_a_table_file() {
    let out = check(&GOOD.replace(
        "write scores -> \"scores.csv\"",
        "write scores -> \"scores.png\"",
    ));
    assert_eq!(messages(&out), ["unsupported output file"]);
    let out = check(&GOOD.replace("write scores -> \"scores.csv\"", "write 3 -> \"x.csv\""));
    assert_eq!(messages(&out), ["only results can be written"]);
}

#[test]
fn basin_ids_must_be_strings() {
    let out = check(&GOOD.replace("basin_file(\"basins_nldas19.txt\")", "[01013500]"));
    assert_eq!(messages(&out), ["basin ids are written as strings"]);
    assert!(out.contains("keep its leading zeros"), "{out}");
}
