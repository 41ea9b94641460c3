//! `cargo bench -p server --bench session_list`: the month's session list with 1,000 sessions, against a real server
//! on a real SQLite file, at 1 and at 20 concurrent clients. Prints p50 / p99 latency and, as the baseline measured in
//! the same process and the same way, `GET /api/me` (sign-in check plus one small query): the ratio is what listing
//! a month costs over the cheapest authenticated request. Also prints the SQL statements one list request runs,
//! and the list's database work before (a query per session) and after (constant queries), timed in the same run.
//! `BB_TEST_DATABASE=postgres scripts/with-postgres cargo bench -p server --bench session_list` runs it on
//! PostgreSQL.

#[path = "../tests/support/app.rs"]
mod support;

use std::time::{Duration, Instant};

use api::sessions::SessionInput;
use chrono::{Datelike, NaiveDate, Utc};
use support::*;

const SESSIONS: usize = 1_000;
const ROUNDS: usize = 200;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// Latencies of `ROUNDS` requests to `path`, `concurrency` at a time.
async fn measure(app: &TestApp, path: &str, concurrency: usize) -> Vec<Duration> {
    let mut all = Vec::with_capacity(ROUNDS);
    for _ in 0..ROUNDS / concurrency {
        let batch = futures_util::future::join_all((0..concurrency).map(|_| async {
            let start = Instant::now();
            let r = app.client.get(app.url(path)).send().await.unwrap();
            assert_eq!(r.status(), 200, "{path}");
            r.bytes().await.unwrap();
            start.elapsed()
        }))
        .await;
        all.extend(batch);
    }
    all.sort();
    all
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

#[tokio::main]
async fn main() {
    let app = spawn_app().await;
    app.sign_in(SOLO).await;
    // Next month, 1,000 sessions (about 33 a day), while Zoom is not connected: the list's own cost.
    let today = Utc::now().date_naive();
    let first = NaiveDate::from_ymd_opt(today.year(), today.month(), 1).unwrap() + chrono::Months::new(1);
    let last = first + chrono::Months::new(1);
    for i in 0..SESSIONS {
        let day = first + chrono::Days::new((i % 28) as u64);
        let start = day
            .and_hms_opt(7 + (i / 28 % 14) as u32, (i % 2 * 30) as u32, 0)
            .unwrap();
        let input = SessionInput {
            client_name: format!("Client {i}"),
            start_local: start,
            time_zone: "UTC".into(),
            duration_minutes: 25,
            private_notes: String::new(),
            client_name_in_zoom_topic: false,
        };
        let r = app
            .send(reqwest::Method::POST, api::paths::SESSIONS, Some(&input))
            .await;
        assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    }
    let list = format!(
        "{}?from={}T00:00:00Z&to={}T00:00:00Z",
        api::paths::SESSIONS,
        first,
        last
    );
    let sessions: Vec<serde_json::Value> = app
        .client
        .get(app.url(&list))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(sessions.len(), SESSIONS);

    // Statements per list request, from sqlx's statement log (debug level, captured by the support module).
    let before = captured_logs().matches("sqlx::query").count();
    app.client
        .get(app.url(&list))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;
    let statements = captured_logs().matches("sqlx::query").count() - before;

    println!("\nsession list, {SESSIONS} sessions in one month, {ROUNDS} requests per row");
    println!(
        "{:<34} {:>12} {:>12} {:>12} {:>12}",
        "", "p50", "p99", "p50 / me", "p99 / me"
    );
    for concurrency in [1, 20] {
        // Warm both, then measure the baseline and the list in the same way, one after the other.
        measure(&app, api::paths::ME, concurrency).await;
        measure(&app, &list, concurrency).await;
        let me = measure(&app, api::paths::ME, concurrency).await;
        let listed = measure(&app, &list, concurrency).await;
        let (me50, me99) = (percentile(&me, 0.5), percentile(&me, 0.99));
        let (l50, l99) = (percentile(&listed, 0.5), percentile(&listed, 0.99));
        println!(
            "{:<34} {:>12} {:>12}",
            format!("GET /api/me, {concurrency} concurrent"),
            ms(me50),
            ms(me99)
        );
        println!(
            "{:<34} {:>12} {:>12} {:>11.1}x {:>11.1}x",
            format!("month list, {concurrency} concurrent"),
            ms(l50),
            ms(l99),
            l50.as_secs_f64() / me50.as_secs_f64(),
            l99.as_secs_f64() / me99.as_secs_f64()
        );
    }
    println!("SQL statements per list request (incl. sign-in check): {statements}");

    // Before / after, in this run: the list's database work as it was (one query for the sessions, then one per
    // session for its queued Zoom work) against today's (two queries whatever the number of sessions).
    let from = first.and_hms_opt(0, 0, 0).unwrap().and_utc().timestamp_millis();
    let to = last.and_hms_opt(0, 0, 0).unwrap().and_utc().timestamp_millis();
    let one_per_session = || async {
        let rows = server::db::sessions::list(&app.db, server::ids::UserId(SOLO), from, to)
            .await
            .unwrap();
        for row in &rows {
            server::db::zoom_jobs::ensure_job_of(&app.db, row.id).await.unwrap();
        }
        rows.len()
    };
    let constant = || async {
        let rows = server::db::sessions::list(&app.db, server::ids::UserId(SOLO), from, to)
            .await
            .unwrap();
        let jobs = server::db::zoom_jobs::ensure_jobs_of_listed(&app.db, server::ids::UserId(SOLO), from, to)
            .await
            .unwrap();
        drop(jobs);
        rows.len()
    };
    println!(
        "\nthe list's database work, {SESSIONS} sessions ({:?}), {DB_ROUNDS} runs per row",
        backend()
    );
    println!("{:<44} {:>12} {:>12} {:>10}", "", "p50", "p99", "queries");
    for concurrency in [1, 20] {
        let before = time_db(concurrency, one_per_session).await;
        let after = time_db(concurrency, constant).await;
        let (b50, b99) = (percentile(&before, 0.5), percentile(&before, 0.99));
        let (a50, a99) = (percentile(&after, 0.5), percentile(&after, 0.99));
        println!(
            "{:<44} {:>12} {:>12} {:>10}",
            format!("before: a query per session, {concurrency} concurrent"),
            ms(b50),
            ms(b99),
            SESSIONS + 1
        );
        println!(
            "{:<44} {:>12} {:>12} {:>10}   p50 {:.1}x faster",
            format!("after: constant queries, {concurrency} concurrent"),
            ms(a50),
            ms(a99),
            2,
            b50.as_secs_f64() / a50.as_secs_f64()
        );
    }
}

const DB_ROUNDS: usize = 60;

/// Latencies of `DB_ROUNDS` runs of `work`, `concurrency` at a time (after one warm-up batch).
async fn time_db<F, Fut>(concurrency: usize, work: F) -> Vec<Duration>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = usize>,
{
    let mut all = Vec::with_capacity(DB_ROUNDS);
    for batch in 0..=DB_ROUNDS / concurrency {
        let times = futures_util::future::join_all((0..concurrency).map(|_| async {
            let start = Instant::now();
            assert_eq!(work().await, SESSIONS);
            start.elapsed()
        }))
        .await;
        if batch > 0 {
            all.extend(times);
        }
    }
    all.sort();
    all
}
