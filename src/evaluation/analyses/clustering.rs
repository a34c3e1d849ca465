//! `kmeans` (clusters of a table's basins for every k, with silhouettes), `pca` (a principal
//! component projection of a table's basins) and `variance_reduction` (how much of the spread of
//! each column of a table, e.g. a hydrological signature, the clusters of one k explain).
//!
//! The input tables have one row per basin (a `basin` column); every other column whose cells are
//! all numbers or missing is a feature (text columns are left out). `kmeans` and `pca` skip the
//! basins with a missing feature and say so in the log; `variance_reduction` skips a missing value
//! for that column only (its `basins` column counts the values used) and skips the basins without
//! a cluster, saying so in the log.

use std::collections::HashMap;

use super::{arg_error, input_tables};
use crate::analysis::clustering::{
    kmeans_partitions, labels_table, pca as principal_components, silhouette_table, standardise,
    variance_reduction_table, ClusteringError,
};
use crate::analysis::{Cell, Table};
use crate::checking::plan::AnalysisSpec;
use crate::evaluation::{Output, RunError, Session};
use crate::syntax::ScriptError;

/// Basins listed by name in a log line before the rest are only counted.
const LISTED_BASINS: usize = 10;

/// An error pointing at the whole call.
fn call_error(spec: &AnalysisSpec, message: String, help: String) -> RunError {
    ScriptError::new(spec.span, message).with_help(help).into()
}

/// A clustering failure (invalid points) as an error at the call.
fn clustering_error(spec: &AnalysisSpec, error: ClusteringError) -> RunError {
    call_error(
        spec,
        format!("{}: {error}", spec.function),
        "the rows must be basins with finite numeric columns".into(),
    )
}

/// The position of the `basin` column of `table` (the input labelled `label`).
fn basin_column(spec: &AnalysisSpec, label: &str, table: &Table) -> Result<usize, RunError> {
    table.column("basin").ok_or_else(|| {
        call_error(
            spec,
            format!("the table `{label}` has no `basin` column"),
            format!(
                "{} needs one row per basin; the columns are {}",
                spec.function,
                table.columns.join(", ")
            ),
        )
    })
}

/// The feature columns of `table`: every column but `basin` whose cells are numbers or missing,
/// with at least one number.
fn numeric_columns(table: &Table, basin: usize) -> Vec<usize> {
    (0..table.columns.len())
        .filter(|&j| j != basin)
        .filter(|&j| {
            table
                .rows
                .iter()
                .all(|r| matches!(r[j], Cell::Number(_) | Cell::Missing))
                && table.rows.iter().any(|r| matches!(r[j], Cell::Number(_)))
        })
        .collect()
}

/// Basins as a log line: the first [`LISTED_BASINS`] and a count of the others.
fn listed(entries: &[String]) -> String {
    let mut text = entries[..entries.len().min(LISTED_BASINS)].join(", ");
    if entries.len() > LISTED_BASINS {
        text.push_str(&format!(" and {} more", entries.len() - LISTED_BASINS));
    }
    text
}

/// The basins of a table with a value in every feature column, as points.
struct Features {
    /// Basin ids, one per point.
    basins: Vec<String>,
    /// Names of the feature columns.
    columns: Vec<String>,
    /// `points[basin][feature]`.
    points: Vec<Vec<f64>>,
}

/// The complete rows of `table` as points; rows with a missing feature are skipped and listed in
/// the log (`say`), with the columns they miss.
fn complete_rows(
    spec: &AnalysisSpec,
    session: &Session,
    label: &str,
    table: &Table,
) -> Result<Features, RunError> {
    let basin = basin_column(spec, label, table)?;
    let columns = numeric_columns(table, basin);
    if columns.is_empty() {
        return Err(call_error(
            spec,
            format!("the table `{label}` has no numeric column"),
            format!("its columns are {}", table.columns.join(", ")),
        ));
    }
    let mut features = Features {
        basins: Vec::new(),
        columns: columns.iter().map(|&j| table.columns[j].clone()).collect(),
        points: Vec::new(),
    };
    let mut skipped = Vec::new();
    for row in &table.rows {
        let values: Vec<Option<f64>> = columns.iter().map(|&j| row[j].as_number()).collect();
        if values.iter().all(Option::is_some) {
            features.basins.push(row[basin].as_text());
            features.points.push(values.into_iter().flatten().collect());
        } else {
            let missing: Vec<&str> = columns
                .iter()
                .zip(&values)
                .filter(|(_, v)| v.is_none())
                .map(|(&j, _)| table.columns[j].as_str())
                .collect();
            skipped.push(format!("{} ({})", row[basin].as_text(), missing.join(", ")));
        }
    }
    if !skipped.is_empty() {
        session.run_dir.say(&format!(
            "{}({label}): skipped {} of {} basins with missing values: {}",
            spec.function,
            skipped.len(),
            table.rows.len(),
            listed(&skipped)
        ));
    }
    if features.points.is_empty() {
        return Err(call_error(
            spec,
            format!("no basin of `{label}` has a value in every numeric column"),
            format!("the numeric columns are {}", features.columns.join(", ")),
        ));
    }
    Ok(features)
}

/// Whether the `standardize` argument asks for z-scores.
fn standardize(spec: &AnalysisSpec) -> bool {
    spec.symbol("standardize").as_deref() == Some("yes")
}

/// The points, z-scored column by column when asked for.
fn prepared_points(spec: &AnalysisSpec, points: Vec<Vec<f64>>) -> Result<Vec<Vec<f64>>, RunError> {
    if standardize(spec) {
        Ok(standardise(&points)
            .map_err(|e| clustering_error(spec, e))?
            .values)
    } else {
        Ok(points)
    }
}

/// The distinct whole numbers of clusters of the `k` argument, in increasing order, each at most
/// the number of basins.
fn cluster_counts(spec: &AnalysisSpec, basins: usize) -> Result<Vec<usize>, RunError> {
    let given = spec.numbers("k").unwrap_or_default();
    if let Some(k) = given.iter().find(|k| k.fract() != 0.0) {
        return Err(arg_error(
            spec,
            "k",
            format!("{k} is not a whole number of clusters"),
            "give whole numbers, e.g. `k = 2..8` or `k = [2, 4, 6]`",
        ));
    }
    let mut ks: Vec<usize> = given.iter().map(|&k| k as usize).collect();
    ks.sort_unstable();
    ks.dedup();
    if let Some(k) = ks.iter().find(|&&k| k > basins) {
        return Err(arg_error(
            spec,
            "k",
            format!("cannot form {k} clusters from {basins} basins"),
            "use at most as many clusters as basins (the silhouette needs fewer)",
        ));
    }
    Ok(ks)
}

/// `kmeans(table, k = 2..8, restarts = 10, seed = 1, standardize = yes)`: tables `silhouette`
/// (k, inertia, mean_silhouette, min_silhouette) and `labels` (basin, k, cluster for every k).
pub fn kmeans(spec: &AnalysisSpec, session: &mut Session) -> Result<Output, RunError> {
    let (label, table) = input_tables(spec, session).remove(0);
    let features = complete_rows(spec, session, &label, &table)?;
    let ks = cluster_counts(spec, features.points.len())?;
    let restarts = spec.integer("restarts").unwrap_or(10) as usize;
    let seed = spec.integer("seed").unwrap_or(1) as u64;
    let points = prepared_points(spec, features.points)?;
    let partitions =
        kmeans_partitions(&points, &ks, restarts, seed).map_err(|e| clustering_error(spec, e))?;
    let labels =
        labels_table(&features.basins, &partitions).map_err(|e| clustering_error(spec, e))?;
    Ok(Output::Tables {
        label,
        tables: vec![
            ("silhouette", silhouette_table(&partitions)),
            ("labels", labels),
        ],
    })
}

/// `pca(table, components = 2, standardize = no)`: tables `projection` (basin, pc1, pc2, ...) and
/// `variance` (component, explained_variance, explained_variance_ratio).
pub fn pca(spec: &AnalysisSpec, session: &mut Session) -> Result<Output, RunError> {
    let (label, table) = input_tables(spec, session).remove(0);
    let features = complete_rows(spec, session, &label, &table)?;
    let components = spec.integer("components").unwrap_or(2) as usize;
    if components > features.columns.len() {
        return Err(arg_error(
            spec,
            "components",
            format!(
                "asked for {components} components of {} numeric columns",
                features.columns.len()
            ),
            &format!("the numeric columns are {}", features.columns.join(", ")),
        ));
    }
    let points = prepared_points(spec, features.points)?;
    let decomposition =
        principal_components(&points, components).map_err(|e| clustering_error(spec, e))?;
    let projection = decomposition
        .projection_table(&features.basins)
        .map_err(|e| clustering_error(spec, e))?;
    Ok(Output::Tables {
        label,
        tables: vec![
            ("projection", projection),
            ("variance", decomposition.variance_table()),
        ],
    })
}

/// The cluster of every basin for `k` clusters in a `labels` table of `kmeans`.
fn clusters_for(
    spec: &AnalysisSpec,
    label: &str,
    labels: &Table,
    k: usize,
) -> Result<HashMap<String, usize>, RunError> {
    let (Some(basin), Some(ks), Some(clusters)) = (
        labels.column("basin"),
        labels.numbers("k"),
        labels.numbers("cluster"),
    ) else {
        return Err(call_error(
            spec,
            format!("the table `{label}` is not the labels table of a k-means clustering"),
            format!(
                "pass `x.labels` of `let x = kmeans(...)` (columns basin, k, cluster); its columns are {}",
                labels.columns.join(", ")
            ),
        ));
    };
    let chosen: HashMap<String, usize> = labels
        .rows
        .iter()
        .zip(ks.iter().zip(&clusters))
        .filter_map(|(row, (row_k, cluster))| match (row_k, cluster) {
            (Some(row_k), Some(cluster)) if *row_k == k as f64 => {
                Some((row[basin].as_text(), *cluster as usize))
            }
            _ => None,
        })
        .collect();
    if chosen.is_empty() {
        let mut available: Vec<i64> = ks.iter().flatten().map(|&k| k as i64).collect();
        available.sort_unstable();
        available.dedup();
        let available: Vec<String> = available.iter().map(i64::to_string).collect();
        return Err(arg_error(
            spec,
            "k",
            format!("the labels table `{label}` has no clustering with k = {k}"),
            &format!(
                "its numbers of clusters are {}; add {k} to the `k` of the kmeans",
                available.join(", ")
            ),
        ));
    }
    Ok(chosen)
}

/// `variance_reduction(values, clusters.labels, k = 5)`: table `reduction` with one row per
/// numeric column of `values` (variable, basins, variance_reduction, variance_ratio_cluster_<c>).
pub fn variance_reduction(spec: &AnalysisSpec, session: &mut Session) -> Result<Output, RunError> {
    let mut inputs = input_tables(spec, session);
    let (labels_label, labels) = inputs.remove(1);
    let (label, values) = inputs.remove(0);
    let k = spec.integer("k").unwrap_or(2) as usize;
    let clusters = clusters_for(spec, &labels_label, &labels, k)?;
    let basin = basin_column(spec, &label, &values)?;
    let columns = numeric_columns(&values, basin);
    if columns.is_empty() {
        return Err(call_error(
            spec,
            format!("the table `{label}` has no numeric column"),
            format!("its columns are {}", values.columns.join(", ")),
        ));
    }
    let mut matched_rows = Vec::new();
    let mut assignments = Vec::new();
    let mut unclustered = Vec::new();
    for row in &values.rows {
        let id = row[basin].as_text();
        match clusters.get(&id) {
            Some(&cluster) => {
                matched_rows.push(row);
                assignments.push(cluster);
            }
            None => unclustered.push(id),
        }
    }
    if !unclustered.is_empty() {
        session.run_dir.say(&format!(
            "variance_reduction({label}): skipped {} of {} basins without a cluster in `{labels_label}`: {}",
            unclustered.len(),
            values.rows.len(),
            listed(&unclustered)
        ));
    }
    if matched_rows.len() < 2 {
        return Err(call_error(
            spec,
            format!(
                "{} basin(s) of `{label}` have a cluster in `{labels_label}`, at least 2 are needed",
                matched_rows.len()
            ),
            "cluster the same basins the values describe".into(),
        ));
    }
    let variables: Vec<(String, Vec<f64>)> = columns
        .iter()
        .map(|&j| {
            let column: Vec<f64> = matched_rows
                .iter()
                .map(|row| row[j].as_number().unwrap_or(f64::NAN))
                .collect();
            (values.columns[j].clone(), column)
        })
        .collect();
    let incomplete: Vec<String> = variables
        .iter()
        .filter_map(|(name, column)| {
            let missing = column.iter().filter(|v| v.is_nan()).count();
            (missing > 0).then(|| format!("{name} ({missing})"))
        })
        .collect();
    if !incomplete.is_empty() {
        session.run_dir.say(&format!(
            "variance_reduction({label}): missing values left out of their column only: {}",
            incomplete.join(", ")
        ));
    }
    let reduction = variance_reduction_table(&variables, &assignments)
        .map_err(|e| clustering_error(spec, e))?;
    Ok(Output::table(label, "reduction", reduction))
}
