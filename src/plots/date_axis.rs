//! Calendar-aligned tick marks for a daily time axis.
//!
//! Time axes are drawn on day numbers (`NaiveDate::num_days_from_ce`); the ticks chosen here fall on
//! whole days, first days of months or first days of years, depending on the span, so that labels
//! read as dates rather than arbitrary day counts.

use chrono::{Datelike, Days, Months, NaiveDate};

/// Spacing between two ticks, from finest to coarsest.
#[derive(Clone, Copy)]
enum Step {
    Days(u64),
    Months(u32),
    Years(i32),
}

const STEPS: [Step; 15] = [
    Step::Days(1),
    Step::Days(2),
    Step::Days(7),
    Step::Days(14),
    Step::Months(1),
    Step::Months(2),
    Step::Months(3),
    Step::Months(6),
    Step::Years(1),
    Step::Years(2),
    Step::Years(5),
    Step::Years(10),
    Step::Years(20),
    Step::Years(50),
    Step::Years(100),
];

/// Ticks of a date axis: positions as day numbers and the `strftime` format of their labels.
pub(crate) struct DateTicks {
    /// Tick positions, `NaiveDate::num_days_from_ce` of each tick date.
    pub days: Vec<i32>,
    /// Label format matching the tick spacing (`%Y-%m-%d`, `%Y-%m` or `%Y`).
    pub format: &'static str,
}

/// The finest calendar-aligned ticks between `first` and `last` (inclusive) that number at most
/// `max_ticks`; the coarsest spacing (100 years) when none does.
pub(crate) fn date_ticks(first: NaiveDate, last: NaiveDate, max_ticks: usize) -> DateTicks {
    let mut chosen = (Vec::new(), "%Y");
    for step in STEPS {
        let dates = ticks(first, last, step);
        let fits = dates.len() <= max_ticks;
        chosen = (dates, label_format(step));
        if fits {
            break;
        }
    }
    DateTicks {
        days: chosen.0.iter().map(|d| d.num_days_from_ce()).collect(),
        format: chosen.1,
    }
}

/// Label format for ticks spaced by `step`.
fn label_format(step: Step) -> &'static str {
    match step {
        Step::Days(_) => "%Y-%m-%d",
        Step::Months(_) => "%Y-%m",
        Step::Years(_) => "%Y",
    }
}

/// All dates in `first..=last` aligned to `step`: day numbers divisible by the day count, first of
/// months whose zero-based month index is divisible by the month count, 1 January of years divisible
/// by the year count.
fn ticks(first: NaiveDate, last: NaiveDate, step: Step) -> Vec<NaiveDate> {
    let start = match step {
        Step::Days(n) => {
            let offset = (first.num_days_from_ce() as i64).rem_euclid(n as i64) as u64;
            let back = if offset == 0 { 0 } else { n - offset };
            first.checked_add_days(Days::new(back))
        }
        Step::Months(n) => {
            let month0 = first.month0();
            let aligned = month0.div_ceil(n) * n;
            let base = NaiveDate::from_ymd_opt(first.year(), 1, 1);
            let candidate = base.and_then(|b| b.checked_add_months(Months::new(aligned)));
            // The first of the aligned month is before `first` only when `first` is not a first.
            candidate.and_then(|c| {
                if c < first {
                    c.checked_add_months(Months::new(n))
                } else {
                    Some(c)
                }
            })
        }
        Step::Years(n) => {
            let year = first.year();
            let aligned = year.div_euclid(n) * n;
            let aligned = if aligned < year { aligned + n } else { aligned };
            NaiveDate::from_ymd_opt(aligned, 1, 1).and_then(|d| {
                if d < first {
                    NaiveDate::from_ymd_opt(aligned + n, 1, 1)
                } else {
                    Some(d)
                }
            })
        }
    };
    let mut dates = Vec::new();
    let mut next = start;
    while let Some(date) = next.filter(|d| *d <= last) {
        dates.push(date);
        next = match step {
            Step::Days(n) => date.checked_add_days(Days::new(n)),
            Step::Months(n) => date.checked_add_months(Months::new(n)),
            Step::Years(n) => NaiveDate::from_ymd_opt(date.year() + n, 1, 1),
        };
    }
    dates
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn tick_dates(first: NaiveDate, last: NaiveDate) -> (Vec<NaiveDate>, &'static str) {
        let ticks = date_ticks(first, last, 10);
        let dates = ticks
            .days
            .iter()
            .map(|&d| NaiveDate::from_num_days_from_ce_opt(d).unwrap())
            .collect();
        (dates, ticks.format)
    }

    #[test]
    fn three_water_years_get_half_yearly_ticks() {
        // Quarterly ticks would be 12 (> 10); half-yearly are the first of January and July.
        let (dates, format) = tick_dates(date(2001, 10, 1), date(2004, 9, 30));
        let expected: Vec<NaiveDate> = [2002, 2003, 2004]
            .iter()
            .flat_map(|&y| [date(y, 1, 1), date(y, 7, 1)])
            .collect();
        assert_eq!(dates, expected);
        assert_eq!(format, "%Y-%m");
    }

    #[test]
    fn a_week_gets_daily_ticks_and_decades_get_yearly_multiples() {
        let (dates, format) = tick_dates(date(2000, 2, 27), date(2000, 3, 2));
        assert_eq!(dates.len(), 5);
        assert_eq!(dates[2], date(2000, 2, 29));
        assert_eq!(format, "%Y-%m-%d");
        // 1980-06-15 .. 2013-09-30: every 2 years gives 16 ticks, every 5 years 6 (1985 .. 2010).
        let (dates, format) = tick_dates(date(1980, 6, 15), date(2013, 9, 30));
        assert_eq!(dates.first(), Some(&date(1985, 1, 1)));
        assert_eq!(dates.last(), Some(&date(2010, 1, 1)));
        assert_eq!(dates.len(), 6);
        assert_eq!(format, "%Y");
    }

    #[test]
    fn month_ticks_skip_a_start_after_the_first_of_the_month() {
        // 2001-01-15 .. 2001-08-20: monthly ticks are 7 (February .. August).
        let (dates, _) = tick_dates(date(2001, 1, 15), date(2001, 8, 20));
        assert_eq!(dates.first(), Some(&date(2001, 2, 1)));
        assert_eq!(dates.len(), 7);
    }
}
