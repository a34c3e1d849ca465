//! The daily record of one basin: dynamic inputs and targets on a contiguous run of days.

use chrono::NaiveDate;

use super::period::DateRange;

/// Daily inputs and targets of one basin over a contiguous run of days.
///
/// Inputs are always complete (a missing forcing value is an error when loading). Targets may
/// be missing on some days: a missing observation is stored as `NaN`, and such days are never
/// used as training samples.
#[derive(Debug, Clone, PartialEq)]
pub struct BasinRecord {
    /// The gauge id (for CAMELS-US the 8-digit USGS id, leading zeros kept).
    pub basin: String,
    /// The days of the record, contiguous and increasing.
    pub dates: Vec<NaiveDate>,
    /// Dynamic inputs in physical units, `[n_inputs][n_days]`.
    pub inputs: Vec<Vec<f32>>,
    /// Names of the inputs, in the order of `inputs`.
    pub input_names: Vec<String>,
    /// Targets in physical units, `[n_targets][n_days]`; `NaN` marks a missing observation.
    pub targets: Vec<Vec<f32>>,
    /// Names of the targets, in the order of `targets`.
    pub target_names: Vec<String>,
    /// Basin area in km^2.
    pub area_km2: f64,
}

impl BasinRecord {
    /// Number of days in the record.
    pub fn len(&self) -> usize {
        self.dates.len()
    }

    /// Whether the record has no day.
    pub fn is_empty(&self) -> bool {
        self.dates.is_empty()
    }

    /// The position of `date` in the record, if the record contains it.
    pub fn index_of(&self, date: NaiveDate) -> Option<usize> {
        let first = *self.dates.first()?;
        let offset = usize::try_from((date - first).num_days()).ok()?;
        (offset < self.dates.len()).then_some(offset)
    }

    /// The period the record covers (`None` for an empty record).
    pub fn period(&self) -> Option<DateRange> {
        Some(DateRange::new(*self.dates.first()?, *self.dates.last()?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record() -> BasinRecord {
        let start = NaiveDate::from_ymd_opt(2000, 2, 28).unwrap();
        BasinRecord {
            basin: "01022500".into(),
            dates: start.iter_days().take(3).collect(),
            inputs: vec![vec![1.0, 2.0, 3.0]],
            input_names: vec!["prcp".into()],
            targets: vec![vec![0.5, f32::NAN, 0.7]],
            target_names: vec!["streamflow".into()],
            area_km2: 573.6,
        }
    }

    #[test]
    fn index_of_counts_days_from_the_start() {
        let r = record();
        let d = |m, day| NaiveDate::from_ymd_opt(2000, m, day).unwrap();
        assert_eq!(r.index_of(d(2, 28)), Some(0));
        assert_eq!(r.index_of(d(2, 29)), Some(1));
        assert_eq!(r.index_of(d(3, 1)), Some(2));
        assert_eq!(r.index_of(d(3, 2)), None);
        assert_eq!(r.index_of(d(2, 27)), None);
        assert_eq!(
            r.period(),
            Some(DateRange::new(d(2, 28), d(3, 1))),
            "2000 is a leap year"
        );
    }
}
