//! The calendar's periods: which days a view shows and the sessions it asks the server for. Shared so that the
//! server can answer a calendar page's sessions in the page it hands out (`pages::first_reads`).

use chrono::{DateTime, Datelike, Days, Months, NaiveDate, NaiveTime, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CalendarView {
    Day,
    #[default]
    Week,
    Month,
}

impl CalendarView {
    pub const ALL: [CalendarView; 3] = [CalendarView::Day, CalendarView::Week, CalendarView::Month];

    /// The name in the URL (`?view=`) and in `data-view`.
    pub fn name(self) -> &'static str {
        match self {
            CalendarView::Day => "day",
            CalendarView::Week => "week",
            CalendarView::Month => "month",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CalendarView::Day => "Day",
            CalendarView::Week => "Week",
            CalendarView::Month => "Month",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.name() == name)
    }

    /// "No sessions this week".
    pub fn empty_message(self) -> &'static str {
        match self {
            CalendarView::Day => "No sessions this day",
            CalendarView::Week => "No sessions this week",
            CalendarView::Month => "No sessions this month",
        }
    }

    pub fn previous_label(self) -> &'static str {
        match self {
            CalendarView::Day => "Previous day",
            CalendarView::Week => "Previous week",
            CalendarView::Month => "Previous month",
        }
    }

    pub fn next_label(self) -> &'static str {
        match self {
            CalendarView::Day => "Next day",
            CalendarView::Week => "Next week",
            CalendarView::Month => "Next month",
        }
    }
}

/// Monday of the week holding `date` (weeks start on Monday, as in ISO 8601).
pub fn week_start(date: NaiveDate) -> NaiveDate {
    date - Days::new(u64::from(date.weekday().num_days_from_monday()))
}

pub fn first_of_month(date: NaiveDate) -> NaiveDate {
    date.with_day(1).expect("every month has a first day")
}

/// The days a view shows, `[first, end)`. A month shows whole weeks, so it starts on the Monday on or before the
/// 1st and ends after the Sunday on or after the last day.
pub fn visible_days(view: CalendarView, anchor: NaiveDate) -> (NaiveDate, NaiveDate) {
    match view {
        CalendarView::Day => (anchor, anchor + Days::new(1)),
        CalendarView::Week => {
            let start = week_start(anchor);
            (start, start + Days::new(7))
        }
        CalendarView::Month => {
            let first = first_of_month(anchor);
            let next_month = first + Months::new(1);
            let last = next_month - Days::new(1);
            (week_start(first), week_start(last) + Days::new(7))
        }
    }
}

/// What the calendar asks the server for: the days `[first, end)` with a day either side, in UTC. The days of
/// every zone fall inside it (offsets run from −12 to +14 hours), so the sessions can be asked for before the saved
/// zone is known, beside it, and a change of zone needs no new request.
pub fn request_range(first: NaiveDate, end: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
    let midnight = |d: NaiveDate| d.and_time(NaiveTime::MIN).and_utc();
    (midnight(first - Days::new(1)), midnight(end + Days::new(1)))
}

/// The date of a calendar URL's `?date=`, exactly as the SPA writes it (`2027-01-04`).
pub fn parse_url_date(raw: &str) -> Option<NaiveDate> {
    (raw.len() == 10).then(|| NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok())?
}
