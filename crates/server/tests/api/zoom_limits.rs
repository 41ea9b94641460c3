//! Zoom's rate limits as a budget (issue 13): a thousand link-less sessions get their links within Zoom's daily cap
//! and per-second limits, soonest first, with no call Zoom refuses; the practitioner's own booking never waits
//! behind the bulk work.

use std::time::Duration;

use api::sessions::{MissingLinks, ZoomSync};
use chrono::{DateTime, Duration as Days, NaiveDateTime, Utc};
use serde_json::json;

use crate::sessions::{create, input, post};
use crate::support::*;

const SESSIONS: usize = 1000;

/// Session `i`'s start: ten a day from three days ahead, 08:00–17:00 UTC.
fn start_of(i: usize) -> NaiveDateTime {
    let day = Utc::now().date_naive() + Days::days(3 + (i / 10) as i64);
    day.and_hms_opt(8 + (i % 10) as u32, 0, 0).unwrap()
}

/// Meeting creates the sandbox answered (any status), and the requests Zoom's limits refused.
async fn creates_and_refusals(app: &TestApp) -> (usize, u64) {
    let log = app.sandbox_get("/calls").await;
    let creates = log["calls"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["method"] == "POST" && c["path"] == "/v2/users/me/meetings")
        .count();
    let limits = app.sandbox_get("/rate-limits").await;
    let refused = &limits["refused"];
    let refused = ["per_second", "daily", "user_daily"]
        .iter()
        .map(|k| refused[k].as_u64().unwrap())
        .sum();
    (creates, refused)
}

/// The practitioner's sessions by start, with whether each has a Zoom link.
async fn linked_by_start(app: &TestApp) -> Vec<(i64, bool)> {
    let rows: Vec<(i64, Option<String>)> =
        sqlx::query_as("SELECT id, zoom_meeting_id FROM sessions WHERE status = 'scheduled' ORDER BY starts_at, id")
            .fetch_all(&app.db)
            .await
            .unwrap();
    rows.into_iter().map(|(id, meeting)| (id, meeting.is_some())).collect()
}

/// Whether each session of the bulk run (all but `booked`) has its link, soonest first.
async fn bulk_linked(app: &TestApp, booked: i64) -> Vec<bool> {
    linked_by_start(app)
        .await
        .into_iter()
        .filter(|(id, _)| *id != booked)
        .map(|(_, linked)| linked)
        .collect()
}

/// Waits until `count` sessions have links. The bulk work is paced by Zoom's per-second limits, which the sandbox
/// keeps on its own clock, so this waits for it rather than draining (the clock must not jump past the pacing).
async fn wait_for_links(app: &TestApp, count: usize) {
    let limit = Duration::from_secs(60);
    eventually_within(limit, &format!("{count} linked sessions"), || async {
        (linked_by_start(app).await.iter().filter(|(_, l)| *l).count() >= count).then_some(())
    })
    .await
}

#[tokio::test]
async fn a_thousand_sessions_get_links_within_zooms_limits_soonest_first() {
    let app = spawn_app().await;
    app.sign_in(SOLO).await;
    // Booked while Zoom was not connected, in an order unrelated to their times.
    let began = std::time::Instant::now();
    for n in 0..SESSIONS {
        let i = (n * 389) % SESSIONS;
        let s = create(&app, &input(&format!("Client {i}"), start_of(i), "UTC")).await;
        assert_eq!(s.zoom.sync, ZoomSync::NoLink);
    }
    println!("{SESSIONS} sessions booked in {:.1} s", began.elapsed().as_secs_f64());
    app.connect_as(LICENSED).await;
    let rate_limits = app.sandbox_get("/rate-limits").await;
    assert_eq!(
        rate_limits["per_second"], true,
        "the sandbox enforces Zoom's per-second limits here"
    );
    let midnight = (Utc::now().date_naive() + Days::days(1))
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc();

    let offered: MissingLinks = app.get_json(api::paths::SESSIONS_MISSING_LINKS).await;
    assert_eq!(offered.session_ids.len(), SESSIONS);
    assert_eq!(
        offered.today, 90,
        "100 a day, 10 kept for the practitioner's own bookings"
    );
    assert_eq!(offered.rest_from, Some(midnight));

    let began = std::time::Instant::now();
    let r = post(&app, api::paths::SESSIONS_MISSING_LINKS).await;
    assert_eq!(r.status(), 200);
    let plan: MissingLinks = r.json().await.unwrap();
    assert!(
        began.elapsed() < Duration::from_secs(10),
        "answers with the plan, not after the work"
    );
    assert_eq!(
        (plan.session_ids.len(), plan.today, plan.rest_from),
        (SESSIONS, 90, Some(midnight))
    );

    // The practitioner books a session while the bulk work runs: it gets its link at once.
    let mine = create(&app, &input("Booked now", start_of(2000), "UTC")).await;
    assert_eq!(mine.zoom.sync, ZoomSync::InSync, "{:?}", mine.zoom.sync);
    assert!(mine.zoom.link.is_some());

    wait_for_links(&app, 91).await;
    // Whatever else is due runs now; the rest waits for midnight.
    app.drain().await;
    let (creates, refused) = creates_and_refusals(&app).await;
    println!("day 1: {creates} Zoom creates for {SESSIONS} sessions + 1 booking, {refused} refused by Zoom's limits");
    assert_eq!(creates, 91, "exactly today's budget, and the booking");
    assert_eq!(refused, 0, "no call Zoom refused");
    let bulk = bulk_linked(&app, mine.id).await;
    assert!(bulk[..90].iter().all(|l| *l), "the 90 soonest are linked");
    assert!(bulk[90..].iter().all(|l| !*l), "the others wait");

    // Each waiting session says so, and when.
    let first_waiting = linked_by_start(&app).await.into_iter().find(|(_, l)| !l).unwrap().0;
    let waiting = crate::sessions::get(&app, first_waiting).await;
    match waiting.zoom.sync {
        ZoomSync::Retrying {
            next_attempt_at, code, ..
        } => {
            assert_eq!(next_attempt_at, midnight);
            assert_eq!(code.as_str(), "zoom_daily_limit");
        }
        other => panic!("{other:?}"),
    }

    // Past 00:00 UTC (Zoom's clock and ours): the next 90, in order, within the per-second limits.
    let tomorrow: DateTime<Utc> = midnight + Days::minutes(1);
    app.sandbox_post("/clock", json!({ "now": tomorrow })).await;
    app.clock.advance_to_ms(tomorrow.timestamp_millis());
    let day_two = std::time::Instant::now();
    wait_for_links(&app, 181).await;
    let spread = day_two.elapsed().as_secs_f64();
    app.drain().await;
    let (creates, refused) = creates_and_refusals(&app).await;
    println!(
        "day 2: {} more Zoom creates in {spread:.1} s, {refused} refused",
        creates - 91
    );
    assert_eq!(creates, 181);
    assert_eq!(refused, 0);
    let bulk = bulk_linked(&app, mine.id).await;
    assert!(bulk[..180].iter().all(|l| *l), "the next 90 soonest are linked");
    assert!(bulk[180..].iter().all(|l| !*l));
}
