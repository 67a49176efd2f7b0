//! UTC timestamps as RFC 3339 text, for manifests shown to users, audit
//! entries and backup names, without a calendar dependency.

/// Seconds since the Unix epoch, now.
pub fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// `2026-11-28T02:39:39Z`.
pub fn rfc3339(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let (y, m, d) = civil(days);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

/// `20261128T023939Z`: sortable and safe in file names on every platform.
pub fn compact(secs: u64) -> String {
    rfc3339(secs).replace(['-', ':'], "")
}

#[cfg(test)]
mod tests {
    #[test]
    fn known_dates() {
        assert_eq!(super::rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(super::rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(super::rfc3339(1_735_689_599), "2024-12-31T23:59:59Z");
        assert_eq!(super::rfc3339(4_102_444_800), "2100-01-01T00:00:00Z");
        assert_eq!(super::rfc3339(1_795_833_579), "2026-11-28T02:39:39Z");
        assert_eq!(super::compact(1_795_833_579), "20261128T023939Z");
    }

    /// Every day from 1970 to 2500 against a calendar that counts days one
    /// by one with the Gregorian leap rule: the centuries (2100 is no leap
    /// year, 2000 and 2400 are) and the last day of a 400-year era included.
    #[test]
    fn every_day_to_2500_follows_the_calendar() {
        let leap = |y: i64| (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        let (mut y, mut m, mut d) = (1970i64, 1u32, 1u32);
        for days in 0..(2500 - 1970) * 366 {
            if y == 2500 {
                break;
            }
            let want = format!("{y:04}-{m:02}-{d:02}T00:00:00Z");
            assert_eq!(super::rfc3339(days as u64 * 86_400), want);
            let len = match m {
                2 if leap(y) => 29,
                2 => 28,
                4 | 6 | 9 | 11 => 30,
                _ => 31,
            };
            d += 1;
            if d > len {
                (d, m) = (1, m + 1);
                if m > 12 {
                    (m, y) = (1, y + 1);
                }
            }
        }
        assert_eq!(y, 2500);
    }

    /// `now` is the system clock's, in seconds since 1970.
    #[test]
    fn now_is_the_clock_in_seconds() {
        let before = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
        let now = super::now();
        assert!(now >= before && now <= before + 1, "{now} against {before}");
    }
}
