//! Periods of days: inclusive date ranges such as a training or test period.

use std::fmt;

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

/// An inclusive range of days, written `1999-10-01..2008-09-30`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DateRange {
    /// The first day.
    pub start: NaiveDate,
    /// The last day (inclusive).
    pub end: NaiveDate,
}

impl DateRange {
    /// The range `start..=end`.
    pub fn new(start: NaiveDate, end: NaiveDate) -> Self {
        DateRange { start, end }
    }

    /// Number of days in the range, both ends included (0 if `end` is before `start`).
    pub fn days(&self) -> usize {
        usize::try_from((self.end - self.start).num_days() + 1).unwrap_or(0)
    }

    /// Whether `date` lies in the range.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.start <= date && date <= self.end
    }

    /// Whether `other` lies entirely in this range.
    pub fn covers(&self, other: &DateRange) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    /// The same range with `days` more days before its start (e.g. a look-back warm-up of
    /// `lookback - 1` days, so that the first day's window is complete).
    pub fn extended_back(&self, days: u64) -> DateRange {
        DateRange {
            start: self
                .start
                .checked_sub_days(Days::new(days))
                .unwrap_or(NaiveDate::MIN),
            end: self.end,
        }
    }
}

impl fmt::Display for DateRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn days_count_both_ends() {
        // 1999-10-01..2008-09-30 is nine hydrological years, three of which contain a
        // 29 February (2000, 2004, 2008): 9 * 365 + 3 = 3288 days.
        let r = DateRange::new(d(1999, 10, 1), d(2008, 9, 30));
        assert_eq!(r.days(), 3288);
        assert_eq!(DateRange::new(d(2000, 1, 1), d(2000, 1, 1)).days(), 1);
        assert_eq!(DateRange::new(d(2000, 1, 2), d(2000, 1, 1)).days(), 0);
    }

    #[test]
    fn display_and_contains() {
        let r = DateRange::new(d(1999, 10, 1), d(2008, 9, 30));
        assert_eq!(r.to_string(), "1999-10-01..2008-09-30");
        assert!(r.contains(d(1999, 10, 1)));
        assert!(r.contains(d(2008, 9, 30)));
        assert!(!r.contains(d(2008, 10, 1)));
        assert!(!r.contains(d(1999, 9, 30)));
    }

    #[test]
    fn extended_back_moves_only_the_start() {
        let r = DateRange::new(d(2000, 3, 1), d(2000, 3, 31)).extended_back(1);
        assert_eq!(r, DateRange::new(d(2000, 2, 29), d(2000, 3, 31)));
    }

    #[test]
    fn serde_round_trip() {
        let r = DateRange::new(d(2000, 1, 1), d(2002, 12, 31));
        let json = serde_json::to_string(&r).unwrap();
        assert_eq!(json, r#"{"start":"2000-01-01","end":"2002-12-31"}"#);
        assert_eq!(serde_json::from_str::<DateRange>(&json).unwrap(), r);
    }
}
