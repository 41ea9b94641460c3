//! The calendar's arithmetic: which days a view shows, the instants those days span in the practitioner's zone
//! (days are 23 or 25 hours long across a DST change), and where each session sits on them.

use api::sessions::Session;
use chrono::{DateTime, Datelike, Days, Months, NaiveDate, NaiveTime, TimeZone, Timelike, Utc};

use crate::logic::dates;
use crate::logic::zones::Zone;

pub use api::calendar::{first_of_month, request_range, visible_days, week_start, CalendarView};

pub const MINUTES_PER_DAY: u32 = 24 * 60;

/// The date `instant` falls on in `tz`.
pub fn date_in(zone: &Zone, instant: DateTime<Utc>) -> NaiveDate {
    zone.local(instant).date()
}

/// Every date in `[first, end)`.
pub fn days_between(first: NaiveDate, end: NaiveDate) -> Vec<NaiveDate> {
    first.iter_days().take_while(|d| *d < end).collect()
}

/// The instant a local day begins. Where a DST change skips midnight (e.g. America/Santiago) the day begins at the
/// first wall-clock time that exists.
pub fn day_start(zone: &Zone, date: NaiveDate) -> DateTime<Utc> {
    let mut time = NaiveTime::MIN;
    for _ in 0..(24 * 4) {
        if let Some(at) = zone.from_local(date.and_time(time)).earliest() {
            return at;
        }
        time += chrono::Duration::minutes(15);
    }
    Utc.from_utc_datetime(&date.and_time(NaiveTime::MIN))
}

/// The instants `[from, to)` the days `[first, end)` cover in `tz`: the sessions the calendar shows.
pub fn instant_range(zone: &Zone, first: NaiveDate, end: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
    (day_start(zone, first), day_start(zone, end))
}

/// Where Previous / Next go from `anchor`.
pub fn step(view: CalendarView, anchor: NaiveDate, forward: bool) -> NaiveDate {
    match (view, forward) {
        (CalendarView::Day, true) => anchor + Days::new(1),
        (CalendarView::Day, false) => anchor - Days::new(1),
        (CalendarView::Week, true) => anchor + Days::new(7),
        (CalendarView::Week, false) => anchor - Days::new(7),
        (CalendarView::Month, true) => anchor + Months::new(1),
        (CalendarView::Month, false) => anchor - Months::new(1),
    }
}

/// The period's heading: "Monday, 23 November 2026", "23 – 29 November 2026", "November 2026".
pub fn title(view: CalendarView, anchor: NaiveDate) -> String {
    match view {
        CalendarView::Day => format!("{}, {}", dates::weekday_name(anchor), dates::day_month_year(anchor)),
        CalendarView::Month => dates::month_year(anchor),
        CalendarView::Week => {
            let (first, end) = visible_days(view, anchor);
            let last = end - Days::new(1);
            if first.year() != last.year() {
                format!(
                    "{} \u{2013} {}",
                    dates::day_month_year(first),
                    dates::day_month_year(last)
                )
            } else if first.month() != last.month() {
                format!("{} \u{2013} {}", dates::day_month(first), dates::day_month_year(last))
            } else {
                format!("{} \u{2013} {}", first.day(), dates::day_month_year(last))
            }
        }
    }
}

/// A session's piece on one day of a time grid. Minutes are wall-clock minutes since local midnight, so the grid's
/// hour lines read true even on a DST day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed {
    pub id: i64,
    pub day_index: usize,
    pub start_minute: u32,
    pub end_minute: u32,
    /// Side-by-side columns for sessions that overlap: this one's column and how many its group needs.
    pub lane: usize,
    pub lanes: usize,
    /// Began on an earlier day (crosses midnight).
    pub continues_from_previous_day: bool,
}

fn wall_minutes(zone: &Zone, instant: DateTime<Utc>) -> u32 {
    let local = zone.local(instant);
    local.hour() * 60 + local.minute()
}

/// Places scheduled `sessions` on the days starting at `first` (`days` of them), in `tz`. A session that crosses
/// midnight gets a piece on each day it touches.
pub fn place_on_days(sessions: &[Session], zone: &Zone, first: NaiveDate, days: usize) -> Vec<Placed> {
    let mut placed = Vec::new();
    for day_index in 0..days {
        let date = first + Days::new(day_index as u64);
        let (start, end) = (day_start(zone, date), day_start(zone, date + Days::new(1)));
        let mut today: Vec<Placed> = sessions
            .iter()
            .filter(|s| s.starts_at < end && s.ends_at > start)
            .map(|s| {
                let start_minute = if s.starts_at <= start {
                    0
                } else {
                    wall_minutes(zone, s.starts_at)
                };
                let mut end_minute = if s.ends_at >= end {
                    MINUTES_PER_DAY
                } else {
                    wall_minutes(zone, s.ends_at)
                };
                // Across a DST fall-back the wall clock can run backwards within one session.
                if end_minute <= start_minute {
                    end_minute = (start_minute + s.duration_minutes.max(1)).min(MINUTES_PER_DAY);
                }
                Placed {
                    id: s.id,
                    day_index,
                    start_minute,
                    end_minute,
                    lane: 0,
                    lanes: 1,
                    continues_from_previous_day: s.starts_at < start,
                }
            })
            .collect();
        assign_lanes(&mut today);
        placed.extend(today);
    }
    placed
}

/// Greedy columns: each session takes the first column free at its start; a group of transitively overlapping
/// sessions shares its column count.
fn assign_lanes(day: &mut [Placed]) {
    day.sort_unstable_by_key(|p| (p.start_minute, std::cmp::Reverse(p.end_minute), p.id));
    let mut group_start = 0;
    let mut group_end = 0;
    let mut lane_ends: Vec<u32> = Vec::new();
    for i in 0..day.len() {
        if i > group_start && day[i].start_minute >= group_end {
            finish_group(&mut day[group_start..i], lane_ends.len());
            group_start = i;
            lane_ends.clear();
        }
        let lane = match lane_ends.iter().position(|end| *end <= day[i].start_minute) {
            Some(lane) => lane,
            None => {
                lane_ends.push(0);
                lane_ends.len() - 1
            }
        };
        lane_ends[lane] = day[i].end_minute;
        day[i].lane = lane;
        group_end = if i == group_start {
            day[i].end_minute
        } else {
            group_end.max(day[i].end_minute)
        };
    }
    let len = day.len();
    finish_group(&mut day[group_start..len], lane_ends.len());
}

fn finish_group(group: &mut [Placed], lanes: usize) {
    for p in group {
        p.lanes = lanes.max(1);
    }
}

/// The hours a time grid shows, `[first, end)`: working hours 07:00–20:00, stretched to show every placed session.
pub fn visible_hours(placed: &[Placed]) -> (u32, u32) {
    let mut first = 7;
    let mut end = 20;
    for p in placed {
        first = first.min(p.start_minute / 60);
        end = end.max(p.end_minute.div_ceil(60));
    }
    (first, end.min(24))
}

/// `part / whole` as a CSS percentage with four decimals ("12.5000%"), in integers so the wasm carries no float
/// formatting.
pub fn percent(part: u32, whole: u32) -> String {
    let whole = u64::from(whole.max(1));
    let ten_thousandths = u64::from(part) * 1_000_000 / whole;
    format!("{}.{:04}%", ten_thousandths / 10_000, ten_thousandths % 10_000)
}

/// Sessions listed under each day of a month grid: by the local date they start on, earliest first.
pub fn by_start_day(sessions: &[Session], zone: &Zone, first: NaiveDate, days: usize) -> Vec<Vec<i64>> {
    let mut sorted: Vec<&Session> = sessions.iter().collect();
    sorted.sort_unstable_by_key(|s| (s.starts_at, s.id));
    let mut out = vec![Vec::new(); days];
    for s in sorted {
        let date = date_in(zone, s.starts_at);
        if date >= first {
            let index = (date - first).num_days() as usize;
            if index < days {
                out[index].push(s.id);
            }
        }
    }
    out
}

/// The date a new session is proposed on: today when the shown period holds today, otherwise the period's first
/// day. Its time is the next whole hour (today) or 09:00.
pub fn proposed_start(
    view: CalendarView,
    anchor: NaiveDate,
    zone: &Zone,
    now: DateTime<Utc>,
) -> (NaiveDate, NaiveTime) {
    let (first, end) = visible_days(view, anchor);
    let (first, end) = if view == CalendarView::Month {
        (first_of_month(anchor), first_of_month(anchor) + Months::new(1))
    } else {
        (first, end)
    };
    let local_now = zone.local(now);
    let today = local_now.date();
    let nine = NaiveTime::from_hms_opt(9, 0, 0).expect("09:00");
    if today >= first && today < end {
        let next_hour = local_now.hour() + 1;
        if next_hour < 24 {
            (today, NaiveTime::from_hms_opt(next_hour, 0, 0).expect("a whole hour"))
        } else {
            (today + Days::new(1), nine)
        }
    } else {
        (first, nine)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use api::sessions::{SessionStatus, SessionZoom, ZoomSync};

    #[test]
    fn the_request_covers_the_shown_days_in_every_zone() {
        let (first, end) = visible_days(CalendarView::Week, NaiveDate::from_ymd_opt(2026, 3, 4).unwrap());
        let asked = request_range(first, end);
        for name in [
            "Pacific/Kiritimati",
            "Etc/GMT+12",
            "Pacific/Chatham",
            "America/New_York",
            "UTC",
        ] {
            let shown = instant_range(&Zone::named(name).unwrap(), first, end);
            assert!(
                asked.0 <= shown.0 && shown.1 <= asked.1,
                "{name}: {shown:?} not inside {asked:?}"
            );
        }
        // Not the whole calendar: the shown week and a day either side.
        assert_eq!(asked.1 - asked.0, chrono::Duration::days(9));
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
    }

    /// A scheduled session without a Zoom link, for the SPA's unit tests.
    pub(crate) fn session(id: i64, starts_at: DateTime<Utc>, minutes: u32) -> Session {
        Session {
            id,
            client_name: format!("Client {id}"),
            starts_at,
            ends_at: starts_at + chrono::Duration::minutes(i64::from(minutes)),
            duration_minutes: minutes,
            time_zone: "Europe/London".into(),
            private_notes: String::new(),
            client_name_in_zoom_topic: false,
            status: SessionStatus::Scheduled,
            zoom: SessionZoom {
                link: None,
                link_outdated: false,
                sync: ZoomSync::NoLink,
                changed_in_zoom: None,
                in_progress: false,
                notice: None,
            },
            session_link: format!("https://console.example/join/t{id}"),
        }
    }

    #[test]
    fn views_round_trip_their_names() {
        for v in CalendarView::ALL {
            assert_eq!(CalendarView::parse(v.name()), Some(v));
        }
        assert_eq!(CalendarView::parse("year"), None);
        assert_eq!(CalendarView::default(), CalendarView::Week);
    }

    #[test]
    fn weeks_start_on_monday() {
        // Sunday 29 November 2026.
        assert_eq!(
            visible_days(CalendarView::Week, date(2026, 11, 29)),
            (date(2026, 11, 23), date(2026, 11, 30))
        );
        assert_eq!(
            visible_days(CalendarView::Week, date(2026, 11, 23)),
            (date(2026, 11, 23), date(2026, 11, 30))
        );
        assert_eq!(
            visible_days(CalendarView::Day, date(2026, 11, 25)),
            (date(2026, 11, 25), date(2026, 11, 26))
        );
    }

    #[test]
    fn months_show_whole_weeks() {
        // November 2026: Sunday the 1st to Monday the 30th.
        let (first, end) = visible_days(CalendarView::Month, date(2026, 11, 17));
        assert_eq!(first, date(2026, 10, 26));
        assert_eq!(end, date(2026, 12, 7));
        assert_eq!(days_between(first, end).len(), 42);
        // February 2027 starts on a Monday and ends on a Sunday: exactly four weeks.
        let (first, end) = visible_days(CalendarView::Month, date(2027, 2, 10));
        assert_eq!((first, end), (date(2027, 2, 1), date(2027, 3, 1)));
    }

    #[test]
    fn a_dst_week_is_one_hour_short_in_new_york() {
        // Clocks go forward on Sunday 8 March 2026 in America/New_York.
        let tz = Zone::named("America/New_York").unwrap();
        let (first, end) = visible_days(CalendarView::Week, date(2026, 3, 4));
        let (from, to) = instant_range(&tz, first, end);
        assert_eq!(from, utc(2026, 3, 2, 5, 0));
        assert_eq!(to, utc(2026, 3, 9, 4, 0));
        assert_eq!((to - from).num_hours(), 7 * 24 - 1);
    }

    #[test]
    fn a_dst_week_is_one_hour_long_in_london() {
        // Clocks go back on Sunday 25 October 2026 in Europe/London.
        let tz = Zone::named("Europe/London").unwrap();
        let (from, to) = instant_range(&tz, date(2026, 10, 19), date(2026, 10, 26));
        assert_eq!(from, utc(2026, 10, 18, 23, 0));
        assert_eq!(to, utc(2026, 10, 26, 0, 0));
        assert_eq!((to - from).num_hours(), 7 * 24 + 1);
    }

    #[test]
    fn a_day_without_midnight_starts_at_one() {
        // America/Santiago skipped from 00:00 to 01:00 on 6 September 2026.
        let tz = Zone::named("America/Santiago").unwrap();
        let start = day_start(&tz, date(2026, 9, 6));
        assert_eq!(tz.local(start).time(), NaiveTime::from_hms_opt(1, 0, 0).unwrap());
    }

    #[test]
    fn steps_move_by_the_view() {
        let d = date(2027, 1, 31);
        assert_eq!(step(CalendarView::Day, d, true), date(2027, 2, 1));
        assert_eq!(step(CalendarView::Week, d, false), date(2027, 1, 24));
        assert_eq!(step(CalendarView::Month, d, true), date(2027, 2, 28));
        assert_eq!(step(CalendarView::Month, date(2027, 3, 31), false), date(2027, 2, 28));
    }

    #[test]
    fn titles_read_naturally() {
        assert_eq!(
            title(CalendarView::Week, date(2026, 11, 25)),
            "23 \u{2013} 29 November 2026"
        );
        assert_eq!(
            title(CalendarView::Week, date(2026, 12, 1)),
            "30 November \u{2013} 6 December 2026"
        );
        assert_eq!(
            title(CalendarView::Week, date(2026, 12, 30)),
            "28 December 2026 \u{2013} 3 January 2027"
        );
        assert_eq!(title(CalendarView::Day, date(2026, 11, 23)), "Monday, 23 November 2026");
        assert_eq!(title(CalendarView::Month, date(2026, 11, 23)), "November 2026");
    }

    #[test]
    fn a_session_lands_on_its_local_day_and_time() {
        // 14:00 UTC on Wednesday 25 November 2026 is 09:00 in New York and 01:00 Thursday in Auckland.
        let s = session(1, utc(2026, 11, 25, 14, 0), 50);
        let ny = Zone::named("America/New_York").unwrap();
        let placed = place_on_days(std::slice::from_ref(&s), &ny, date(2026, 11, 23), 7);
        assert_eq!(placed.len(), 1);
        assert_eq!(
            (placed[0].day_index, placed[0].start_minute, placed[0].end_minute),
            (2, 540, 590)
        );

        let akl = Zone::named("Pacific/Auckland").unwrap();
        let placed = place_on_days(std::slice::from_ref(&s), &akl, date(2026, 11, 23), 7);
        assert_eq!((placed[0].day_index, placed[0].start_minute), (3, 180));
    }

    #[test]
    fn a_session_keeps_its_wall_clock_across_dst() {
        // 09:00 in London is 09:00 UTC before 29 March 2026 and 08:00 UTC after.
        let tz = Zone::named("Europe/London").unwrap();
        let sessions = [
            session(1, utc(2026, 3, 27, 9, 0), 60),
            session(2, utc(2026, 3, 30, 8, 0), 60),
        ];
        let placed = place_on_days(&sessions, &tz, date(2026, 3, 23), 14);
        assert_eq!(
            placed.iter().map(|p| (p.day_index, p.start_minute)).collect::<Vec<_>>(),
            vec![(4, 540), (7, 540)]
        );
    }

    #[test]
    fn a_session_over_midnight_is_split() {
        let tz = Zone::named("UTC").unwrap();
        let placed = place_on_days(&[session(1, utc(2026, 11, 23, 23, 30), 60)], &tz, date(2026, 11, 23), 7);
        assert_eq!(placed.len(), 2);
        assert_eq!(
            (placed[0].day_index, placed[0].start_minute, placed[0].end_minute),
            (0, 1410, 1440)
        );
        assert_eq!(
            (placed[1].day_index, placed[1].start_minute, placed[1].end_minute),
            (1, 0, 30)
        );
        assert!(placed[1].continues_from_previous_day);
    }

    #[test]
    fn a_session_across_fall_back_keeps_its_height() {
        // 01:30 BST → 01:15 GMT on 25 October 2026: the wall clock runs backwards.
        let tz = Zone::named("Europe/London").unwrap();
        let placed = place_on_days(&[session(1, utc(2026, 10, 25, 0, 30), 45)], &tz, date(2026, 10, 25), 1);
        assert_eq!((placed[0].start_minute, placed[0].end_minute), (90, 135));
    }

    #[test]
    fn overlapping_sessions_sit_side_by_side() {
        let tz = Zone::named("UTC").unwrap();
        let sessions = [
            session(1, utc(2026, 11, 23, 9, 0), 60),
            session(2, utc(2026, 11, 23, 9, 30), 60),
            session(3, utc(2026, 11, 23, 10, 0), 30),
            session(4, utc(2026, 11, 23, 13, 0), 30),
        ];
        let placed = place_on_days(&sessions, &tz, date(2026, 11, 23), 1);
        let lanes: Vec<(i64, usize, usize)> = placed.iter().map(|p| (p.id, p.lane, p.lanes)).collect();
        assert_eq!(lanes, vec![(1, 0, 2), (2, 1, 2), (3, 0, 2), (4, 0, 1)]);
    }

    #[test]
    fn hours_stretch_to_fit_sessions() {
        assert_eq!(visible_hours(&[]), (7, 20));
        let tz = Zone::named("UTC").unwrap();
        let placed = place_on_days(
            &[
                session(1, utc(2026, 11, 23, 6, 30), 50),
                session(2, utc(2026, 11, 23, 21, 0), 50),
            ],
            &tz,
            date(2026, 11, 23),
            1,
        );
        assert_eq!(visible_hours(&placed), (6, 22));
    }

    #[test]
    fn percentages_for_css() {
        assert_eq!(percent(1, 8), "12.5000%");
        assert_eq!(percent(60, 780), "7.6923%");
        assert_eq!(percent(3, 3), "100.0000%");
        assert_eq!(percent(0, 0), "0.0000%");
    }

    #[test]
    fn month_lists_sessions_by_local_start_day() {
        let tz = Zone::named("America/Los_Angeles").unwrap();
        // 02:00 UTC on 2 November is the evening of 1 November in Los Angeles.
        let sessions = [
            session(2, utc(2026, 11, 2, 18, 0), 50),
            session(1, utc(2026, 11, 2, 2, 0), 50),
        ];
        let days = by_start_day(&sessions, &tz, date(2026, 10, 26), 42);
        assert_eq!(days[6], vec![1]);
        assert_eq!(days[7], vec![2]);
    }

    #[test]
    fn new_sessions_are_proposed_in_the_shown_period() {
        let tz = Zone::named("Europe/Paris").unwrap();
        let now = utc(2026, 11, 25, 10, 20); // 11:20 in Paris
        assert_eq!(
            proposed_start(CalendarView::Week, date(2026, 11, 23), &tz, now),
            (date(2026, 11, 25), NaiveTime::from_hms_opt(12, 0, 0).unwrap())
        );
        assert_eq!(
            proposed_start(CalendarView::Week, date(2026, 12, 2), &tz, now),
            (date(2026, 11, 30), NaiveTime::from_hms_opt(9, 0, 0).unwrap())
        );
        assert_eq!(
            proposed_start(CalendarView::Month, date(2026, 12, 2), &tz, now).0,
            date(2026, 12, 1)
        );
    }
}
