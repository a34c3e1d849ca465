//! Decoding CF time coordinates: `<unit> since <origin>` in the standard calendar.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};

/// A time coordinate's `units` attribute: the length of one unit and the origin.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct TimeUnits {
    /// Seconds in one unit.
    seconds: f64,
    /// The instant of value 0.
    origin: NaiveDateTime,
}

impl TimeUnits {
    /// Parses `units` such as `days since 1989-01-01 00:00:00` or `hours since 1990-1-1`
    /// (units: days, hours, minutes, seconds; a trailing `UTC` or `Z` is accepted).
    pub(super) fn parse(units: &str) -> Option<TimeUnits> {
        let (unit, origin) = units.trim().split_once(" since ")?;
        let seconds = match unit.trim().to_ascii_lowercase().as_str() {
            "days" | "day" | "d" => 86_400.0,
            "hours" | "hour" | "hrs" | "hr" | "h" => 3_600.0,
            "minutes" | "minute" | "mins" | "min" => 60.0,
            "seconds" | "second" | "secs" | "sec" | "s" => 1.0,
            _ => return None,
        };
        let origin = origin.trim().replacen('T', " ", 1);
        let mut parts = origin.split_ascii_whitespace();
        let date = parse_date(parts.next()?)?;
        let time = match parts.next() {
            None | Some("UTC" | "Z") => NaiveTime::MIN,
            Some(t) => parse_time(t.strip_suffix('Z').unwrap_or(t))?,
        };
        match parts.next() {
            None | Some("UTC" | "Z") => {}
            Some(_) => return None,
        }
        Some(TimeUnits {
            seconds,
            origin: date.and_time(time),
        })
    }

    /// The instant of coordinate value `value` (to the millisecond).
    pub(super) fn decode(&self, value: f64) -> Option<NaiveDateTime> {
        let millis = value * self.seconds * 1000.0;
        if !millis.is_finite() || millis.abs() > 1e17 {
            return None;
        }
        self.origin
            .checked_add_signed(Duration::milliseconds(millis.round() as i64))
    }
}

/// `1990-1-1` or `1989-01-01`.
fn parse_date(text: &str) -> Option<NaiveDate> {
    let mut fields = text.split('-');
    let year = fields.next()?.parse().ok()?;
    let month = fields.next()?.parse().ok()?;
    let day = fields.next()?.parse().ok()?;
    if fields.next().is_some() {
        return None;
    }
    NaiveDate::from_ymd_opt(year, month, day)
}

/// `00:00:00`, `0:0`, `12:00:00.0`.
fn parse_time(text: &str) -> Option<NaiveTime> {
    let mut fields = text.split(':');
    let hour = fields.next()?.parse().ok()?;
    let minute = fields.next().map_or(Some(0), |m| m.parse().ok())?;
    let second: f64 = fields.next().map_or(Some(0.0), |s| s.parse().ok())?;
    if fields.next().is_some() || !(0.0..60.0).contains(&second) {
        return None;
    }
    NaiveTime::from_hms_opt(hour, minute, second as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(y: i32, m: u32, d: u32, h: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, 0, 0)
            .unwrap()
    }

    #[test]
    fn days_and_hours_since_an_origin() {
        let days = TimeUnits::parse("days since 1989-01-01 00:00:00").unwrap();
        assert_eq!(days.decode(0.0), Some(at(1989, 1, 1, 0)));
        // 1989 has 365 days: value 365 is 1990-01-01.
        assert_eq!(days.decode(365.0), Some(at(1990, 1, 1, 0)));
        let hours = TimeUnits::parse("hours since 1990-1-1 00:00:00").unwrap();
        // 743 hours = 30 days and 23 hours.
        assert_eq!(hours.decode(743.0), Some(at(1990, 1, 31, 23)));
        let iso = TimeUnits::parse("seconds since 2000-01-01T12:00:00Z").unwrap();
        assert_eq!(iso.decode(3600.0), Some(at(2000, 1, 1, 13)));
    }

    #[test]
    fn other_forms_are_rejected() {
        assert_eq!(TimeUnits::parse("months since 1990-01-01"), None);
        assert_eq!(TimeUnits::parse("days after 1990-01-01"), None);
        assert_eq!(TimeUnits::parse("days since 1990-13-01"), None);
        assert_eq!(TimeUnits::parse("days since 1990-01-01 00:00 CET"), None);
    }
}
