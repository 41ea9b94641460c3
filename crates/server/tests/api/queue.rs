//! The Zoom queue's protocol, one regression test per way it used to lose track of a meeting: cancels racing a
//! creation, ids reused and jobs finished by whoever held them last, the six-month list horizon, a hanging
//! practitioner holding up everyone else, and refresh races ending a live grant.

use server::ids::{SessionId, UserId};
use std::time::Duration;

use api::sessions::{Session, SessionInput, ZoomSync};
use api::zoom::ZoomStatus;
use chrono::{Duration as Span, NaiveDateTime, Timelike, Utc};
use serde_json::json;
use server::db::zoom_jobs;

use crate::support::*;

fn body(client: &str, start_local: NaiveDateTime) -> SessionInput {
    SessionInput {
        client_name: client.into(),
        start_local,
        time_zone: "UTC".into(),
        duration_minutes: 50,
        private_notes: String::new(),
        client_name_in_zoom_topic: false,
    }
}

fn days_ahead(days: i64) -> NaiveDateTime {
    (Utc::now() + Span::days(days))
        .naive_utc()
        .with_hour(10)
        .and_then(|t| t.with_minute(0))
        .and_then(|t| t.with_second(0))
        .and_then(|t| t.with_nanosecond(0))
        .unwrap()
}

async fn fault(app: &TestApp, endpoint: &str, mode: &str, hang_secs: u64) {
    app.sandbox_post(
        "/faults",
        json!({ "endpoint": endpoint, "mode": mode, "count": 1, "hang_secs": hang_secs }),
    )
    .await;
}

/// Waits until Zoom has taken every injected fault: the calls they slow down have reached Zoom and are being held.
async fn faults_taken(app: &TestApp, what: &str) {
    eventually(what, || async {
        app.sandbox_get("/faults")
            .await
            .as_array()
            .is_some_and(|f| f.is_empty())
    })
    .await
}

async fn create(app: &TestApp, input: &SessionInput) -> Session {
    let r = app.send(reqwest::Method::POST, api::paths::SESSIONS, Some(input)).await;
    assert_eq!(r.status(), 201);
    r.json().await.unwrap()
}

async fn cancel(app: &TestApp, id: i64) {
    let r = app
        .send(reqwest::Method::DELETE, &api::paths::session(id), NO_BODY)
        .await;
    assert_eq!(r.status(), 204);
}

async fn sync_of(app: &TestApp, id: i64) -> String {
    sqlx::query_scalar("SELECT zoom_sync FROM sessions WHERE id = $1")
        .bind(id)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

/// A practitioner connected to Zoom on a server whose requests answer before Zoom does (so the test can act while a
/// call is in flight), with a short Zoom timeout.
async fn racing_app() -> TestApp {
    let app = spawn_app_with(|s| {
        s.inline_wait = Duration::from_millis(20);
        s.zoom_timeout = Duration::from_secs(1);
    })
    .await;
    app.sign_in(SOLO).await;
    app.connect_as(LICENSED).await;
    app
}

#[tokio::test]
async fn cancelling_while_the_creation_is_in_flight_deletes_the_meeting_zoom_made() {
    let app = racing_app().await;
    // Zoom makes the meeting, but its answer is lost.
    fault(&app, "meetings.create", "hang_after_commit", 3).await;
    let session = create(&app, &body("Ana", days_ahead(9))).await;
    app.settled_live_meetings(1).await;
    cancel(&app, session.id).await;
    app.settle().await;
    assert!(
        app.live_meetings().await.is_empty(),
        "the meeting of the cancelled session is deleted"
    );
    assert_eq!(
        sync_of(&app, session.id).await,
        "in_sync",
        "the failed creation never shows 'retrying' on the cancelled session"
    );
}

#[tokio::test]
async fn cancelling_after_a_lost_creation_answer_deletes_the_meeting_zoom_made() {
    let app = racing_app().await;
    fault(&app, "meetings.create", "hang_after_commit", 2).await;
    let session = create(&app, &body("Ana", days_ahead(9))).await;
    // The attempt ends (timed out) and is waiting to retry when the practitioner cancels.
    app.drain().await;
    assert_eq!(sync_of(&app, session.id).await, "retrying");
    assert_eq!(app.live_meetings().await.len(), 1);
    cancel(&app, session.id).await;
    app.settle().await;
    assert!(app.live_meetings().await.is_empty());
}

#[tokio::test]
async fn a_session_more_than_six_months_ahead_gets_one_meeting_after_a_lost_answer() {
    let app = racing_app().await;
    fault(&app, "meetings.create", "hang_after_commit", 2).await;
    let session = create(&app, &body("Ana", days_ahead(240))).await;
    app.settle().await;
    let live = app.live_meetings().await;
    assert_eq!(
        live.len(),
        1,
        "the retry found the first meeting instead of making a second: {live:?}"
    );
    let linked: Option<String> = sqlx::query_scalar("SELECT zoom_meeting_id FROM sessions WHERE id = $1")
        .bind(session.id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(linked.as_deref(), Some(live[0]["id"].to_string().as_str()));
}

#[tokio::test]
async fn job_ids_are_never_reused_and_only_the_lease_holder_finishes_or_reschedules_a_job() {
    let app = racing_app().await;
    // Parked Zoom work for a session, so the worker leaves it alone while the test leases it by hand.
    fault(&app, "meetings.create", "error_500", 1).await;
    let session = create(&app, &body("Ana", days_ahead(9))).await;
    app.settle().await;
    sqlx::query("UPDATE zoom_jobs SET next_attempt_at = NULL")
        .execute(&app.db)
        .await
        .unwrap();
    sqlx::query("DELETE FROM zoom_jobs").execute(&app.db).await.unwrap();
    let mut tx = server::db::begin_write(&app.db).await.unwrap();
    let first = zoom_jobs::enqueue_ensure(&mut tx, UserId(SOLO), SessionId(session.id), 0, false)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let mine = zoom_jobs::claim(&app.db, Some(first), "attempt-1", 1, i64::MAX)
        .await
        .unwrap();
    assert!(mine.is_some(), "claimed");
    // Someone else's (an older attempt's) finish or reschedule does nothing.
    let mut tx = server::db::begin_write(&app.db).await.unwrap();
    assert!(!zoom_jobs::finish(&mut tx, first, "attempt-0").await.unwrap());
    assert!(!zoom_jobs::reschedule(&mut tx, first, "attempt-0", Some(5), "late")
        .await
        .unwrap());
    assert!(zoom_jobs::finish(&mut tx, first, "attempt-1").await.unwrap());
    let second = zoom_jobs::enqueue_ensure(&mut tx, UserId(SOLO), SessionId(session.id), 0, false)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert!(
        second > first,
        "a deleted job's id is never handed out again ({first} then {second})"
    );
    // The old attempt coming back late cannot touch the new job either.
    let mut tx = server::db::begin_write(&app.db).await.unwrap();
    assert!(!zoom_jobs::finish(&mut tx, second, "attempt-1").await.unwrap());
    tx.commit().await.unwrap();
    assert!(zoom_jobs::get(&app.db, second).await.unwrap().is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_practitioners_hanging_zoom_call_does_not_hold_up_another_practitioners_retry() {
    let app = spawn_app_with(|s| {
        s.inline_wait = Duration::from_millis(20);
        s.zoom_timeout = Duration::from_secs(20);
        s.retry_base = Duration::from_millis(100);
    })
    .await;
    app.sign_in(SOLO).await;
    app.connect_as(LICENSED).await;
    let other = app.another_browser();
    other.sign_in(CLINIC_PRACTITIONER).await;
    other.connect_as(BASIC).await;
    // The other practitioner's creation fails once and waits for its retry...
    fault(&app, "meetings.create", "error_503", 1).await;
    let waiting = create(&other, &body("Ben", days_ahead(9))).await;
    // ...while this practitioner's creation hangs at Zoom (the call stays open for 15 s).
    fault(&app, "meetings.create", "hang", 15).await;
    let hanging = create(&app, &body("Ana", days_ahead(9))).await;
    // Whichever is seen first: the retry done, or the hanging call ended.
    let retry_done_first = eventually_some("the retry done or the hanging call ended", || async {
        let retry_done = sync_of(&app, waiting.id).await == "in_sync";
        let hanging_ended = sync_of(&app, hanging.id).await != "pending";
        (retry_done || hanging_ended).then_some(retry_done)
    })
    .await;
    assert!(
        retry_done_first,
        "the retry ran while the other practitioner's call was still hanging"
    );
}

#[tokio::test]
async fn a_refresh_that_loses_a_race_reads_the_new_tokens_instead_of_ending_the_grant() {
    let app = spawn_app().await;
    app.sign_in(SOLO).await;
    app.connect_as(LICENSED).await;
    // This server's refresh is slow to reach Zoom...
    app.expire_stored_access_token(SOLO).await;
    app.sandbox_post(
        "/faults",
        json!({ "endpoint": "token", "mode": "delay", "count": 1, "hang_secs": 2 }),
    )
    .await;
    let (client, url) = (app.client.clone(), app.url(api::paths::ZOOM_STATUS));
    let status = tokio::spawn(async move {
        client
            .get(url)
            .send()
            .await
            .unwrap()
            .json::<ZoomStatus>()
            .await
            .unwrap()
    });
    // The status read asks Zoom nothing (the page reads the database), so no refresh is on its way to wait for:
    // this pause is kept as it was until the test is rethought (see the report on issue 11 item 5).
    tokio::time::sleep(Duration::from_millis(500)).await;
    // ...and meanwhile another instance (whose lease had run out) refreshes with the same refresh token and stores
    // the rotated tokens: this server's request then carries a refresh token Zoom has just rotated out.
    let (encrypted, generation): (String, i64) =
        sqlx::query_as("SELECT refresh_token_enc, token_generation FROM zoom_connections WHERE user_id = $1")
            .bind(SOLO)
            .fetch_one(&app.db)
            .await
            .unwrap();
    let aad = |kind: &str| format!("zoom:{SOLO}:{kind}");
    let refresh_token = app.keys.decrypt(&encrypted, &aad("refresh")).unwrap();
    let demo = zoom_sandbox::SandboxConfig::demo("unused", None);
    let fresh: serde_json::Value = reqwest::Client::new()
        .post(format!("{}/oauth/token", app.sandbox))
        .basic_auth(&demo.client_id, Some(&demo.client_secret))
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token.as_str()),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let stored = server::db::connections::store_refreshed(
        &app.db,
        UserId(SOLO),
        generation,
        &app.keys
            .encrypt(fresh["access_token"].as_str().unwrap(), &aad("access")),
        &app.keys
            .encrypt(fresh["refresh_token"].as_str().unwrap(), &aad("refresh")),
        Utc::now().timestamp_millis() + 3_000_000,
        Utc::now().timestamp_millis(),
    )
    .await
    .unwrap();
    assert!(stored);
    let after_race = status.await.unwrap();
    assert!(
        matches!(after_race, ZoomStatus::Connected { .. }),
        "the loser re-read the stored tokens instead of ending the grant: {after_race:?}"
    );
    let session = create(&app, &body("Ana", days_ahead(9))).await;
    assert_eq!(session.zoom.sync, ZoomSync::InSync, "the grant still works");
}

#[tokio::test]
async fn start_finding_the_meeting_a_reschedule_just_replaced_leaves_the_new_link_alone() {
    let app = spawn_app_with(|s| {
        s.inline_wait = Duration::from_millis(20);
        s.zoom_timeout = Duration::from_secs(5);
    })
    .await;
    app.sign_in(SOLO).await;
    app.connect_as(LICENSED).await;
    let session = create(&app, &body("Ana", days_ahead(9))).await;
    app.settle().await;
    let first = app.settled_live_meetings(1).await[0]["id"].clone();

    // Start reads the session (first meeting) and asks Zoom, which answers late...
    fault(&app, "meetings.get", "delay", 2).await;
    let starting = {
        let (client, url) = (app.client.clone(), app.url(&api::paths::session_start(session.id)));
        tokio::spawn(async move {
            client
                .post(url)
                .header(api::CSRF_HEADER, api::CSRF_HEADER_VALUE)
                .send()
                .await
                .unwrap()
                .status()
        })
    };
    faults_taken(&app, "Start's call reaches Zoom").await;
    // ...while a reschedule gives the session its next meeting and deletes the first.
    let r = app
        .send(
            reqwest::Method::PUT,
            &api::paths::session(session.id),
            Some(&body("Ana", days_ahead(10))),
        )
        .await;
    assert_eq!(r.status(), 200);
    app.settle().await;
    let status = starting.await.unwrap();
    assert_ne!(status, 200, "the first meeting is gone by the time Zoom answers");
    app.settle().await;

    let live = app.live_meetings().await;
    assert_eq!(live.len(), 1, "exactly one meeting for the session: {live:?}");
    assert_ne!(live[0]["id"], first);
    let linked: Option<String> = sqlx::query_scalar("SELECT zoom_meeting_id FROM sessions WHERE id = $1")
        .bind(session.id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(
        linked.as_deref(),
        Some(live[0]["id"].to_string().as_str()),
        "the session keeps its new link"
    );
}

/// An attempt whose lease ended while Zoom was answering queues a reconcile; meanwhile another attempt linked the
/// session to its own meeting. The reconcile must delete the first attempt's meeting even though the session is
/// linked for its current time (it used to finish at once, leaving a second live meeting: seen once in the PostgreSQL
/// fault suite).
#[tokio::test]
async fn a_reconcile_after_a_lost_lease_deletes_the_meeting_the_late_attempt_made() {
    let app = spawn_app().await;
    app.sign_in(SOLO).await;
    app.connect_as(LICENSED).await;
    let r = app
        .send(
            reqwest::Method::POST,
            api::paths::SESSIONS,
            Some(&body("Ana", days_ahead(9))),
        )
        .await;
    let session: Session = r.json().await.unwrap();
    let first = app.settled_live_meetings(1).await[0]["id"].to_string();
    // The late attempt's meeting stays at Zoom while another attempt makes and links its own.
    let mut tx = server::db::begin_write(&app.db).await.unwrap();
    server::db::sessions::clear_link(&mut tx, SessionId(session.id))
        .await
        .unwrap();
    zoom_jobs::enqueue_ensure(&mut tx, UserId(SOLO), SessionId(session.id), app.clock.now_ms(), false)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    app.settle().await;
    assert_eq!(
        app.live_meetings().await.len(),
        2,
        "the late attempt's meeting and the linked one"
    );
    // What the late attempt queues when it finds its lease gone.
    let mut tx = server::db::begin_write(&app.db).await.unwrap();
    zoom_jobs::enqueue_ensure(&mut tx, UserId(SOLO), SessionId(session.id), app.clock.now_ms(), true)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    app.settle().await;
    let live = app.live_meetings().await;
    assert_eq!(live.len(), 1, "one meeting per session: {live:?}");
    assert_ne!(live[0]["id"].to_string(), first, "the late one went");
    let linked: Session = app.get_json(&api::paths::session(session.id)).await;
    assert_eq!(linked.zoom.link.unwrap().meeting_id, live[0]["id"].to_string());
}
