//! Observed streamflow of CAMELS-US (USGS daily discharge with quality flags).
//!
//! A file `<gauge>_streamflow_qc.txt` has one row per day, `gauge Year Mnth Day discharge_cfs
//! qc_flag`, without header. A negative discharge (`-999.00`, flag `M`) marks a missing day.
//! Discharge is converted from ft^3/s to mm/day over the basin area with the CAMELS convention
//! `q_mm_day = cfs * 0.3048^3 * 86400 / (area_km2 * 1e6) * 1000`.

use std::path::Path;

use super::super::error::DataError;
use super::super::period::DateRange;
use super::parse;

/// Cubic metres in one cubic foot (0.3048^3).
const CUBIC_METRES_PER_CUBIC_FOOT: f64 = 0.3048 * 0.3048 * 0.3048;

/// Discharge in ft^3/s as runoff depth in mm/day over a basin of `area_km2` km^2.
pub fn cfs_to_mm_per_day(cfs: f64, area_km2: f64) -> f64 {
    cfs * CUBIC_METRES_PER_CUBIC_FOOT * 86400.0 / (area_km2 * 1e6) * 1000.0
}

/// Number of columns of a streamflow row.
const COLUMNS: usize = 6;

/// Reads the streamflow of basin `basin` from `path` for every day of `period`, in mm/day over
/// a basin of `area_km2` km^2.
///
/// Days marked missing (negative discharge) and days without a row are `NaN` ("missing"): the
/// record of a gauge may start later or end earlier than the period. Malformed rows, dates out
/// of order and rows of another gauge are errors.
pub fn read_streamflow(
    path: &Path,
    basin: &str,
    period: DateRange,
    area_km2: f64,
) -> Result<Vec<f32>, DataError> {
    let text = super::files::read_text(path)?;
    let mut flow = vec![f32::NAN; period.days()];
    let mut fields: Vec<&str> = Vec::with_capacity(COLUMNS);
    let mut previous = None;
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        fields.clear();
        fields.extend(line.split_ascii_whitespace());
        if fields.is_empty() {
            continue;
        }
        if fields.len() != COLUMNS {
            return Err(parse::column_count(path, n, COLUMNS, fields.len()));
        }
        if fields[0] != basin {
            return Err(DataError::malformed(
                path,
                n,
                format!("gauge id `{}` does not match basin `{basin}`", fields[0]),
                "a streamflow file holds the rows of one gauge, named in its file name",
            ));
        }
        let date = parse::date(fields[1], fields[2], fields[3], path, n)?;
        if let Some(prev) = previous {
            if date <= prev {
                return Err(parse::out_of_order(path, n, date, prev));
            }
        }
        previous = Some(date);
        if period.contains(date) {
            let cfs: f64 = parse::number(fields[4], "discharge (cfs)", path, n)?;
            if cfs >= 0.0 {
                let day = (date - period.start).num_days() as usize;
                flow[day] = cfs_to_mm_per_day(cfs, area_km2) as f32;
            }
        }
    }
    Ok(flow)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversion_matches_hand_computation() {
        // 100 cfs = 2.8316846592 m^3/s = 244657.55455488 m^3/day; over 100 km^2 = 1e8 m^2
        // that is 0.0024465755455488 m/day = 2.4465755455488 mm/day.
        let q = cfs_to_mm_per_day(100.0, 100.0);
        assert!((q - 2.446_575_545_548_8).abs() < 1e-12, "{q}");
    }
}
