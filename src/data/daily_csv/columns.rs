//! Finding columns by name in a file's header.
//!
//! A name matches a column written exactly so; failing that, one written with other
//! capitalisation; failing that, the single column whose short name (lower case, without a
//! unit in parentheses: `precip(mm/day)` -> `precip`) is the name's short name.

use std::path::Path;

use super::super::error::{closest, DataError};

/// The lower-case column name without a unit in parentheses: `Discharge (mm/d)` -> `discharge`.
pub(super) fn short_name(column: &str) -> String {
    column
        .split('(')
        .next()
        .unwrap_or(column)
        .trim()
        .to_lowercase()
}

/// The position of column `name` among `names`, the header of `path`.
pub(super) fn find(name: &str, names: &[String], path: &Path) -> Result<usize, DataError> {
    if let Some(i) = names.iter().position(|n| n == name) {
        return Ok(i);
    }
    let same_case: Vec<usize> = (0..names.len())
        .filter(|&i| names[i].to_lowercase() == name.to_lowercase())
        .collect();
    if let [i] = same_case[..] {
        return Ok(i);
    }
    let short = short_name(name);
    let same_short: Vec<usize> = (0..names.len())
        .filter(|&i| short_name(&names[i]) == short)
        .collect();
    if let [i] = same_short[..] {
        return Ok(i);
    }
    let help = if same_short.len() > 1 {
        let matches: Vec<String> = same_short
            .iter()
            .map(|&i| format!("`{}`", names[i]))
            .collect();
        format!(
            "`{name}` matches several columns ({}): give the full name",
            matches.join(", ")
        )
    } else {
        suggestion(name, names)
    };
    Err(DataError::UnknownColumn {
        name: name.to_string(),
        path: path.to_path_buf(),
        available: names.join(", "),
        help,
    })
}

/// A "did you mean" help line: the column closest to `name`, comparing full names first and
/// short names (`precp` -> `precip(mm/day)`) second.
fn suggestion(name: &str, names: &[String]) -> String {
    let by_full = closest(name, names.iter().map(String::as_str));
    let by_short = || {
        let shorts: Vec<String> = names.iter().map(|n| short_name(n)).collect();
        let short = closest(&short_name(name), shorts.iter().map(String::as_str))?;
        let i = shorts.iter().position(|s| s == short)?;
        Some(names[i].as_str())
    };
    match by_full.or_else(by_short) {
        Some(column) => format!("did you mean `{column}`?"),
        None => "columns are named as in the file's header line".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header() -> Vec<String> {
        [
            "Date",
            "Discharge (m3/s)",
            "Discharge (mm/d)",
            "precip(mm/day)",
        ]
        .map(String::from)
        .to_vec()
    }

    #[test]
    fn exact_then_case_then_short_name() {
        let path = Path::new("discharge.csv");
        assert_eq!(find("Date", &header(), path).unwrap(), 0);
        assert_eq!(find("date", &header(), path).unwrap(), 0);
        assert_eq!(find("precip", &header(), path).unwrap(), 3);
        assert_eq!(find("discharge (mm/d)", &header(), path).unwrap(), 2);
    }

    #[test]
    fn ambiguous_and_unknown_names_are_errors() {
        let path = Path::new("discharge.csv");
        let err = find("discharge", &header(), path).unwrap_err();
        assert!(
            format!("{err:?}").contains("matches several columns"),
            "{err:?}"
        );
        let err = find("precp(mm/day)", &header(), path).unwrap_err();
        assert!(
            format!("{err:?}").contains("did you mean `precip(mm/day)`?"),
            "{err:?}"
        );
    }
}
