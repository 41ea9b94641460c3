//! IANA time zones. The offsets of the zone the calendar is shown in come from the server, for the span it tells
//! (`learn`); beyond it, and for other zones, the rules come from `Intl` in the browser (the tz database the browser
//! already ships), which keeps ~147 KB of compressed chrono-tz tables out of the wasm; native tests use chrono-tz.
//! Everything else here is plain arithmetic on top of one question: the UTC offset of a zone at an instant.

use std::cell::RefCell;
use std::collections::HashMap;

use api::sessions::ZoneOffsets;
use chrono::{DateTime, Duration, FixedOffset, LocalResult, NaiveDateTime, Utc};

/// A time zone known to the rules backend, by IANA name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Zone {
    name: String,
}

impl Zone {
    /// The zone for an IANA name, or `None` when the rules do not know it.
    pub fn named(name: &str) -> Option<Zone> {
        let name = name.trim();
        let known = !name.is_empty()
            && (name == UTC || TOLD.with(|told| told.borrow().contains_key(name)) || backend::is_known(name));
        known.then(|| Zone { name: name.to_string() })
    }

    pub fn utc() -> Zone {
        Zone { name: UTC.into() }
    }

    /// The zone to compute with; an unknown name (a newer server's zone list) falls back to UTC so the calendar still
    /// draws, and the picker shows the name as it is.
    pub fn named_or_utc(name: &str) -> Zone {
        Zone::named(name).unwrap_or_else(Zone::utc)
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn offset_at(&self, at: DateTime<Utc>) -> FixedOffset {
        let seconds = remembered_offset(&self.name, at.timestamp());
        FixedOffset::east_opt(seconds).unwrap_or(FixedOffset::east_opt(0).expect("zero offset"))
    }

    /// The wall-clock time at `at`.
    pub fn local(&self, at: DateTime<Utc>) -> NaiveDateTime {
        at.with_timezone(&self.offset_at(at)).naive_local()
    }

    /// The instant(s) a wall-clock time names: none in a DST gap, two in a DST overlap (earliest first).
    pub fn from_local(&self, local: NaiveDateTime) -> LocalResult<DateTime<Utc>> {
        let as_utc = local.and_utc();
        let mut found: Vec<DateTime<Utc>> = Vec::with_capacity(2);
        // The offsets a day either side cover any single transition near this time.
        for probe in [as_utc - Duration::days(1), as_utc + Duration::days(1)] {
            let offset = self.offset_at(probe).local_minus_utc();
            let candidate = as_utc - Duration::seconds(i64::from(offset));
            if self.offset_at(candidate).local_minus_utc() == offset && !found.contains(&candidate) {
                found.push(candidate);
            }
        }
        found.sort_unstable();
        match found.as_slice() {
            [] => LocalResult::None,
            [one] => LocalResult::Single(*one),
            [first, second, ..] => LocalResult::Ambiguous(*first, *second),
        }
    }
}

const UTC: &str = "UTC";

thread_local! {
    /// The offsets the server told, per zone (`api::sessions::ZoneOffsets`, with the preferences).
    static TOLD: RefCell<HashMap<String, ZoneOffsets>> = RefCell::new(HashMap::new());
}

/// Remembers a zone's offsets as the server worked them out: inside their span the zone needs nothing from the
/// browser's own rules, whose first use costs 10–20 ms (`Intl` setting up its data) before a calendar can draw.
pub fn learn(offsets: ZoneOffsets) {
    TOLD.with(|told| told.borrow_mut().insert(offsets.zone.clone(), offsets));
}

/// Six hours: a zone never changes its offset twice within one window this long.
const WINDOW_SECONDS: i64 = 6 * 3600;

thread_local! {
    /// Per zone, per window: the offset throughout it, or `None` when it changes inside.
    static WINDOWS: RefCell<HashMap<String, HashMap<i64, Option<i32>>>> = RefCell::new(HashMap::new());
}

/// The backend's offset, remembered per six-hour window. Drawing a calendar asks it thousands of times and each
/// `Intl` answer costs tens of microseconds (a week of 250 sessions spent 24 ms on it). A window whose first and
/// last second have the same offset has it throughout; a window with a transition inside is asked exactly each time.
fn remembered_offset(name: &str, unix_seconds: i64) -> i32 {
    if name == UTC {
        return 0;
    }
    if let Some(told) = TOLD.with(|told| told.borrow().get(name).and_then(|o| o.offset_at(unix_seconds))) {
        return told;
    }
    let window = unix_seconds.div_euclid(WINDOW_SECONDS);
    let known = WINDOWS.with(|w| w.borrow().get(name).and_then(|zone| zone.get(&window).copied()));
    let steady = known.unwrap_or_else(|| {
        let first = window * WINDOW_SECONDS;
        let start = backend::offset_seconds(name, first);
        let steady = (backend::offset_seconds(name, first + WINDOW_SECONDS - 1) == start).then_some(start);
        WINDOWS.with(|w| {
            w.borrow_mut()
                .entry(name.to_string())
                .or_default()
                .insert(window, steady)
        });
        steady
    });
    steady.unwrap_or_else(|| backend::offset_seconds(name, unix_seconds))
}

#[cfg(target_arch = "wasm32")]
mod backend {
    //! `Intl.DateTimeFormat` with the zone, read back in parts: the wall clock at an instant.
    use std::cell::RefCell;
    use std::collections::HashMap;

    use chrono::NaiveDate;
    use js_sys::{Array, Date, Function, Intl::DateTimeFormat, Object, Reflect};
    use wasm_bindgen::{JsCast, JsValue};

    thread_local! {
        static FORMATS: RefCell<HashMap<String, Option<DateTimeFormat>>> = RefCell::new(HashMap::new());
    }

    fn format_for(name: &str) -> Option<DateTimeFormat> {
        FORMATS.with(|cache| {
            cache
                .borrow_mut()
                .entry(name.to_string())
                .or_insert_with(|| build(name))
                .clone()
        })
    }

    fn build(name: &str) -> Option<DateTimeFormat> {
        let options = Object::new();
        let set = |key: &str, value: &str| Reflect::set(&options, &key.into(), &value.into()).ok();
        set("timeZone", name)?;
        set("hourCycle", "h23")?;
        for key in ["year", "month", "day", "hour", "minute", "second"] {
            set(key, "numeric")?;
        }
        let intl = Reflect::get(&js_sys::global(), &"Intl".into()).ok()?;
        let constructor: Function = Reflect::get(&intl, &"DateTimeFormat".into()).ok()?.dyn_into().ok()?;
        let args = Array::of2(&JsValue::from_str("en-US"), &options);
        // Construct through Reflect so an unknown zone's RangeError comes back as an Err instead of a trap.
        Reflect::construct(&constructor, &args).ok().map(JsCast::unchecked_into)
    }

    pub fn is_known(name: &str) -> bool {
        format_for(name).is_some()
    }

    pub fn offset_seconds(name: &str, unix_seconds: i64) -> i32 {
        let Some(format) = format_for(name) else { return 0 };
        let parts = format.format_to_parts(&Date::new(&JsValue::from_f64(unix_seconds as f64 * 1000.0)));
        let mut fields = [0i64; 6];
        for part in parts.iter() {
            let kind = Reflect::get(&part, &"type".into())
                .ok()
                .and_then(|v| v.as_string())
                .unwrap_or_default();
            let value = Reflect::get(&part, &"value".into())
                .ok()
                .and_then(|v| v.as_string())
                .unwrap_or_default();
            let slot = match kind.as_str() {
                "year" => 0,
                "month" => 1,
                "day" => 2,
                "hour" => 3,
                "minute" => 4,
                "second" => 5,
                _ => continue,
            };
            fields[slot] = value.trim().parse().unwrap_or(0);
        }
        let [year, month, day, hour, minute, second] = fields;
        let local = NaiveDate::from_ymd_opt(year as i32, month as u32, day as u32)
            .and_then(|d| d.and_hms_opt((hour % 24) as u32, minute as u32, second as u32));
        match local {
            Some(local) => (local.and_utc().timestamp() - unix_seconds) as i32,
            None => 0,
        }
    }

    /// The zone the browser itself is set to.
    pub fn browser_zone_name() -> Option<String> {
        let format = DateTimeFormat::new(&Array::new(), &Object::new());
        let options = format.resolved_options();
        Reflect::get(&options, &"timeZone".into()).ok()?.as_string()
    }
}

#[cfg(all(not(target_arch = "wasm32"), test))]
mod backend {
    use chrono::{Offset, TimeZone};
    use chrono_tz::Tz;

    pub fn is_known(name: &str) -> bool {
        name.parse::<Tz>().is_ok()
    }

    pub fn offset_seconds(name: &str, unix_seconds: i64) -> i32 {
        let Ok(tz) = name.parse::<Tz>() else { return 0 };
        let at = chrono::DateTime::from_timestamp(unix_seconds, 0).expect("in range");
        tz.offset_from_utc_datetime(&at.naive_utc()).fix().local_minus_utc()
    }

    pub fn browser_zone_name() -> Option<String> {
        None
    }
}

// The SPA only runs in a browser; a native non-test build (a workspace `cargo build`) just needs to compile.
#[cfg(all(not(target_arch = "wasm32"), not(test)))]
mod backend {
    pub fn is_known(name: &str) -> bool {
        name == "UTC"
    }

    pub fn offset_seconds(_name: &str, _unix_seconds: i64) -> i32 {
        0
    }

    pub fn browser_zone_name() -> Option<String> {
        None
    }
}

/// The zone the browser is set to, when it says.
pub fn browser_zone_name() -> Option<String> {
    backend::browser_zone_name()
}

/// Runs `then` once the browser has a moment (within a second), for work a page can show a little later than
/// itself, like asking `Intl` for the browser's zone. Outside a browser, at once.
pub fn when_idle(then: impl FnOnce() + 'static) {
    #[cfg(target_arch = "wasm32")]
    {
        use wasm_bindgen::closure::Closure;
        use wasm_bindgen::JsCast;
        let then = Closure::once_into_js(then);
        let Some(window) = web_sys::window() else { return };
        let options = web_sys::IdleRequestOptions::new();
        options.set_timeout(1000);
        // Safari has no `requestIdleCallback`: a timer then.
        if window
            .request_idle_callback_with_options(then.unchecked_ref(), &options)
            .is_err()
        {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(then.unchecked_ref(), 0);
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    then();
}

/// Zones most practitioners work in, west to east. The pickers add the current choice and the browser's zone.
pub const COMMON_ZONES: &[&str] = &[
    "Pacific/Honolulu",
    "America/Anchorage",
    "America/Los_Angeles",
    "America/Phoenix",
    "America/Denver",
    "America/Chicago",
    "America/New_York",
    "America/Toronto",
    "America/Halifax",
    "America/Sao_Paulo",
    "UTC",
    "Europe/London",
    "Europe/Dublin",
    "Europe/Lisbon",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Madrid",
    "Europe/Amsterdam",
    "Europe/Stockholm",
    "Europe/Athens",
    "Europe/Helsinki",
    "Africa/Johannesburg",
    "Asia/Jerusalem",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Hong_Kong",
    "Asia/Tokyo",
    "Australia/Perth",
    "Australia/Adelaide",
    "Australia/Brisbane",
    "Australia/Sydney",
    "Pacific/Auckland",
];

/// The picker's options: `extra` names first (the current choice, the browser's zone) when not already common,
/// then the common ones. An unknown current name is still listed, so the picker shows what is saved.
pub fn zone_options<'a>(extra: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut options: Vec<String> = Vec::new();
    for name in extra {
        let name = name.trim();
        if !name.is_empty() && !COMMON_ZONES.contains(&name) && !options.iter().any(|o| o == name) {
            options.push(name.to_string());
        }
    }
    options.extend(COMMON_ZONES.iter().map(|z| z.to_string()));
    options
}

/// "America/New_York" → "America/New York": what a person reads in a list.
pub fn zone_label(name: &str) -> String {
    name.replace('_', " ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, Offset, TimeZone};

    fn local(y: i32, m: u32, d: u32, h: u32, mi: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(h, mi, 0).unwrap()
    }

    #[test]
    fn every_common_zone_is_known() {
        for zone in COMMON_ZONES {
            assert!(Zone::named(zone).is_some(), "{zone}");
        }
        assert!(Zone::named("Mars/Olympus").is_none());
        assert!(Zone::named("").is_none());
    }

    #[test]
    fn options_add_the_current_zone_once() {
        let options = zone_options(["Asia/Kathmandu", "Europe/London", "Asia/Kathmandu", ""]);
        assert_eq!(options[0], "Asia/Kathmandu");
        assert_eq!(options.iter().filter(|o| *o == "Asia/Kathmandu").count(), 1);
        assert_eq!(options.iter().filter(|o| *o == "Europe/London").count(), 1);
        assert_eq!(options.len(), COMMON_ZONES.len() + 1);
    }

    #[test]
    fn unknown_zones_fall_back_to_utc() {
        assert_eq!(Zone::named_or_utc("Mars/Olympus"), Zone::utc());
        assert_eq!(Zone::named_or_utc(" Europe/Paris ").name(), "Europe/Paris");
        assert_eq!(zone_label("America/New_York"), "America/New York");
    }

    #[test]
    fn wall_clock_and_back() {
        let ny = Zone::named("America/New_York").unwrap();
        let at = Utc.with_ymd_and_hms(2026, 7, 1, 13, 0, 0).unwrap();
        assert_eq!(ny.local(at), local(2026, 7, 1, 9, 0));
        assert_eq!(ny.from_local(local(2026, 7, 1, 9, 0)), LocalResult::Single(at));
        assert_eq!(ny.offset_at(at).local_minus_utc(), -4 * 3600);
    }

    #[test]
    fn remembered_offsets_match_the_rules_every_minute_across_transitions() {
        // New York springs forward on 2026-03-08 at 07:00 UTC and falls back on 2026-11-01 at 06:00 UTC; Lord Howe
        // moves by half an hour; Kathmandu sits at +5:45.
        for (name, around) in [
            ("America/New_York", Utc.with_ymd_and_hms(2026, 3, 8, 7, 0, 0).unwrap()),
            ("America/New_York", Utc.with_ymd_and_hms(2026, 11, 1, 6, 0, 0).unwrap()),
            (
                "Australia/Lord_Howe",
                Utc.with_ymd_and_hms(2026, 4, 4, 15, 0, 0).unwrap(),
            ),
            ("Asia/Kathmandu", Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).unwrap()),
        ] {
            let from = around.timestamp() - 2 * WINDOW_SECONDS;
            for minute in 0..(4 * WINDOW_SECONDS / 60) {
                let at = from + minute * 60;
                assert_eq!(
                    remembered_offset(name, at),
                    backend::offset_seconds(name, at),
                    "{name} at {at}"
                );
            }
        }
    }

    #[test]
    fn gaps_and_overlaps_are_seen() {
        let ny = Zone::named("America/New_York").unwrap();
        assert_eq!(ny.from_local(local(2026, 3, 8, 2, 30)), LocalResult::None);
        match ny.from_local(local(2026, 11, 1, 1, 30)) {
            LocalResult::Ambiguous(a, b) => {
                assert_eq!(a, Utc.with_ymd_and_hms(2026, 11, 1, 5, 30, 0).unwrap());
                assert_eq!(b, Utc.with_ymd_and_hms(2026, 11, 1, 6, 30, 0).unwrap());
            }
            other => panic!("{other:?}"),
        }
        let kathmandu = Zone::named("Asia/Kathmandu").unwrap();
        assert_eq!(kathmandu.offset_at(Utc::now()).local_minus_utc(), 5 * 3600 + 45 * 60);
    }

    #[test]
    fn offsets_the_server_told_are_used_inside_their_span() {
        // A zone the rules backend does not know, told by the server: +1 h, then +2 h from t = 1,000,000.
        assert!(Zone::named("Test/Told").is_none());
        learn(ZoneOffsets {
            zone: "Test/Told".into(),
            from: 0,
            to: 2_000_000,
            changes: vec![(0, 3600), (1_000_000, 7200)],
        });
        let zone = Zone::named("Test/Told").expect("known once told");
        let at = |t: i64| {
            zone.offset_at(DateTime::from_timestamp(t, 0).unwrap())
                .local_minus_utc()
        };
        assert_eq!(
            [at(10), at(999_999), at(1_000_000), at(1_999_999)],
            [3600, 3600, 7200, 7200]
        );
        // Outside the span, the rules backend answers (which knows nothing of this zone: UTC).
        assert_eq!(at(2_000_000), 0);
        // A real zone told keeps its real offsets.
        let london: chrono_tz::Tz = "Europe/London".parse().unwrap();
        let summer = Utc.with_ymd_and_hms(2027, 7, 1, 12, 0, 0).unwrap();
        learn(ZoneOffsets {
            zone: "Europe/London".into(),
            from: summer.timestamp() - 10,
            to: summer.timestamp() + 10,
            changes: vec![(summer.timestamp() - 10, 3600)],
        });
        let expected = london
            .offset_from_utc_datetime(&summer.naive_utc())
            .fix()
            .local_minus_utc();
        assert_eq!(
            Zone::named("Europe/London")
                .unwrap()
                .offset_at(summer)
                .local_minus_utc(),
            expected
        );
    }
}
