//! The `.hydro` files shipped with the tool (the repository's `stdlib/` folder), built into the
//! binary so that `use "camels_us.hydro"` works from any directory.

/// File name and text of every stdlib file.
pub const FILES: &[(&str, &str)] = &[
    (
        "camels_us.hydro",
        include_str!("../../stdlib/camels_us.hydro"),
    ),
    (
        "kratzert_attributes.hydro",
        include_str!("../../stdlib/kratzert_attributes.hydro"),
    ),
];

/// The text of a stdlib file, looked up by its name (a leading `stdlib/` is accepted).
pub fn lookup(name: &str) -> Option<&'static str> {
    let name = name.strip_prefix("stdlib/").unwrap_or(name);
    FILES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| *text)
}
