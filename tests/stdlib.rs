//! The shipped standard library: every file checks, and the 27 attributes of Kratzert et al.
//! (2019, Table A1) are numeric columns of the real CAMELS attribute tables.

mod common;

use common::data_root;

use hydro::checking::stdlib::FILES;
use hydro::checking::value::Value;
use hydro::checking::{Checker, Environment};
use hydro::data::camels_us::AttributeTables;
use hydro::syntax::render_plain;

#[test]
fn every_stdlib_file_checks() {
    for (name, _) in FILES {
        let mut checker = Checker::new(Environment {
            data_root: data_root(),
            mode: Default::default(),
        });
        if let Err((sources, errors)) =
            checker.check_snippet("t.hydro", None, format!("use \"{name}\""))
        {
            panic!("{name}: {}", render_plain(&errors, &sources));
        }
    }
}

#[test]
fn kratzert_attributes_are_the_27_of_table_a1_and_exist_in_the_tables() {
    let mut checker = Checker::new(Environment {
        data_root: data_root(),
        mode: Default::default(),
    });
    checker
        .check_snippet("t.hydro", None, "use \"camels_us.hydro\"".into())
        .unwrap_or_else(|(s, e)| panic!("{}", render_plain(&e, &s)));
    let Some(Value::List(items)) = checker.value("kratzert_attributes") else {
        panic!("kratzert_attributes is not a list");
    };
    let names: Vec<String> = items.iter().map(|i| i.value.to_string()).collect();
    assert_eq!(names.len(), 27);
    // Table A1 in the paper's order (three renamed in CAMELS v2.0: frac_snow_daily -> frac_snow,
    // forest_frac -> frac_forest, carb_rocks_frac -> carbonate_rocks_frac).
    assert_eq!(
        names[..5],
        [
            "p_mean",
            "pet_mean",
            "aridity",
            "p_seasonality",
            "frac_snow"
        ]
    );
    assert_eq!(names[26], "geol_permeability");
    let tables =
        AttributeTables::load(data_root().join("camels_us/camels_attributes_v2.0")).unwrap();
    for name in &names {
        assert!(
            tables.is_numeric(name).unwrap(),
            "{name} is not a numeric attribute"
        );
        // A value for a basin of the quickstart list.
        tables
            .value("01013500", name)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}
