//! Changes made in Zoom itself, reported by Zoom's meeting events (the sandbox sends them the way Zoom does, signed,
//! to the server's webhook endpoint): a meeting deleted in Zoom, moved in Zoom, recovered from Zoom's trash,
//! started and ended; our own changes' echoes ignored; unknown meetings answered 200.

use api::sessions::{ChangedInZoom, ResolveZoomTime, Session, ZoomTimeChoice};
use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use crate::sessions::{create, get, input, put, settled, upcoming};
use crate::support::*;

/// Waits until the session satisfies `done`: Zoom's meeting events reach the server when the sandbox delivers them.
async fn until(app: &TestApp, id: i64, what: &str, done: impl Fn(&Session) -> bool) -> Session {
    eventually_some(what, || async {
        let s = get(app, id).await;
        done(&s).then_some(s)
    })
    .await
}

async fn resolve(app: &TestApp, id: i64, choice: ZoomTimeChoice) -> reqwest::Response {
    app.send(
        reqwest::Method::POST,
        &api::paths::session_zoom_time(id),
        Some(&ResolveZoomTime { choice }),
    )
    .await
}

/// Every meeting event the sandbox delivered so far, once each has been answered.
async fn delivered_meeting_events(app: &TestApp) -> Vec<Value> {
    let all = app.sandbox_get("/webhooks").await;
    all.as_array()
        .unwrap()
        .iter()
        .filter(|d| d["event"].as_str().is_some_and(|e| e.starts_with("meeting.")))
        .cloned()
        .collect()
}

async fn connected_with_session(zone: &str) -> (TestApp, Session) {
    let app = spawn_app().await;
    app.sign_in(SOLO).await;
    app.connect_as(LICENSED).await;
    let session = create(&app, &input("Jordan", upcoming(zone, 9, 0), zone)).await;
    let session = settled(&app, session.id).await;
    (app, session)
}

#[tokio::test]
async fn a_meeting_deleted_in_zoom_shows_on_the_session_and_one_click_makes_a_new_link() {
    let (app, session) = connected_with_session("Europe/London").await;
    let old = session.zoom.link.clone().unwrap();

    app.sandbox_post(&format!("/meetings/{}/delete-in-zoom", old.meeting_id), json!({}))
        .await;
    let gone = until(&app, session.id, "the deletion shows", |s| {
        s.zoom.changed_in_zoom == Some(ChangedInZoom::Deleted)
    })
    .await;
    assert!(gone.zoom.link.is_none(), "the dead link is not offered");
    let page = reqwest::get(&session.session_link).await.unwrap();
    assert_eq!(
        page.status(),
        200,
        "the stable link does not send the client to a deleted meeting"
    );
    assert!(page.text().await.unwrap().contains("not ready yet"));
    let missing: api::sessions::MissingLinks = app.get_json(api::paths::SESSIONS_MISSING_LINKS).await;
    assert_eq!(
        missing.session_ids,
        vec![session.id],
        "offered with the sessions that need a link"
    );

    // Make a new Zoom link: one click.
    let r = app
        .send::<()>(reqwest::Method::POST, &api::paths::session_zoom_link(session.id), None)
        .await;
    assert_eq!(r.status(), 200);
    let fixed = settled(&app, session.id).await;
    let new = fixed.zoom.link.unwrap();
    assert_ne!(new.meeting_id, old.meeting_id);
    assert_eq!(fixed.zoom.changed_in_zoom, None);
    assert_eq!(app.live_meetings().await.len(), 1);

    // The practitioner recovers the old meeting from Zoom's trash: it belongs to nobody now, so it goes again.
    app.sandbox_post(&format!("/meetings/{}/recover", old.meeting_id), json!({}))
        .await;
    // The recovery reaches BetterBeing as Zoom's event, delivered by the sandbox on its own: wait for it.
    let live = app.wait_for_live_meetings(1).await;
    assert_eq!(
        live[0]["id"].to_string(),
        new.meeting_id,
        "only the session's meeting stays live"
    );
    assert_eq!(
        get(&app, session.id).await.zoom.link.unwrap().meeting_id,
        new.meeting_id
    );
}

#[tokio::test]
async fn a_meeting_recovered_in_zoom_before_a_new_link_was_made_is_the_sessions_link_again() {
    let (app, session) = connected_with_session("Europe/London").await;
    let link = session.zoom.link.clone().unwrap();
    app.sandbox_post(&format!("/meetings/{}/delete-in-zoom", link.meeting_id), json!({}))
        .await;
    until(&app, session.id, "deleted", |s| s.zoom.changed_in_zoom.is_some()).await;
    app.sandbox_post(&format!("/meetings/{}/recover", link.meeting_id), json!({}))
        .await;
    let back = until(&app, session.id, "recovered", |s| s.zoom.changed_in_zoom.is_none()).await;
    assert_eq!(back.zoom.link, Some(link), "the same meeting and join link");
}

#[tokio::test]
async fn a_meeting_moved_in_zoom_is_put_back_or_followed() {
    let zone = "Europe/London";
    let (app, session) = connected_with_session(zone).await;
    let link = session.zoom.link.clone().unwrap();
    let zoom_time = session.starts_at + chrono::Duration::hours(2);

    // Nothing to resolve yet.
    let r = resolve(&app, session.id, ZoomTimeChoice::PutBack).await;
    assert_eq!(r.status(), 409);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["code"], "zoom_time_matches");

    let move_in_zoom = |to: DateTime<Utc>| {
        let (app, id) = (&app, link.meeting_id.clone());
        async move {
            app.sandbox_post(
                &format!("/meetings/{id}/move-in-zoom"),
                json!({ "start_time": to.to_rfc3339(), "duration": 30 }),
            )
            .await;
        }
    };
    move_in_zoom(zoom_time).await;
    let moved = until(&app, session.id, "the move shows", |s| s.zoom.changed_in_zoom.is_some()).await;
    assert_eq!(
        moved.zoom.changed_in_zoom,
        Some(ChangedInZoom::Moved {
            starts_at: zoom_time,
            duration_minutes: 30
        })
    );
    assert_eq!(
        moved.starts_at, session.starts_at,
        "BetterBeing's time is untouched until the practitioner says"
    );

    // Put it back: Zoom has the session's time again.
    let r = resolve(&app, session.id, ZoomTimeChoice::PutBack).await;
    assert_eq!(r.status(), 200);
    let back = until(&app, session.id, "put back", |s| s.zoom.changed_in_zoom.is_none()).await;
    assert_eq!(back.zoom.link, Some(link.clone()), "the same meeting");
    let meeting = app.sandbox_get(&format!("/meetings/{}", link.meeting_id)).await;
    let zoom_start: DateTime<Utc> = meeting["start_time"].as_str().unwrap().parse().unwrap();
    assert_eq!(zoom_start, session.starts_at);
    assert_eq!(meeting["duration"], 50);

    // Moved again, and this time the session follows Zoom: same link, new time, no new meeting.
    move_in_zoom(zoom_time).await;
    until(&app, session.id, "moved again", |s| s.zoom.changed_in_zoom.is_some()).await;
    let creates_before = app.zoom_calls("api.meetings.create").await;
    let r = resolve(&app, session.id, ZoomTimeChoice::FollowZoom).await;
    assert_eq!(r.status(), 200);
    let followed: Session = r.json().await.unwrap();
    assert_eq!(followed.starts_at, zoom_time);
    assert_eq!(followed.duration_minutes, 30);
    assert_eq!(followed.zoom.changed_in_zoom, None);
    assert_eq!(followed.zoom.link, Some(link.clone()));
    assert!(!followed.zoom.link_outdated, "the meeting already has this time");
    app.settle().await;
    assert_eq!(app.zoom_calls("api.meetings.create").await, creates_before);
    assert_eq!(app.live_meetings().await.len(), 1);
    assert_eq!(get(&app, session.id).await.zoom.link, Some(link));
}

#[tokio::test]
async fn our_own_changes_echoed_by_zoom_change_nothing() {
    let zone = "Europe/London";
    let (app, session) = connected_with_session(zone).await;
    // A new title (PATCH), a reschedule (create + delete), each echoed by Zoom.
    let mut retitled = input("Jordan", upcoming(zone, 9, 0), zone);
    retitled.client_name_in_zoom_topic = true;
    put(&app, session.id, &retitled).await;
    let moved = put(&app, session.id, &input("Jordan", upcoming(zone, 11, 0), zone)).await;
    app.settle().await;
    let now = settled(&app, moved.id).await;
    // created ×2, updated, deleted
    eventually("Zoom's four echoes delivered", || async {
        delivered_meeting_events(&app).await.len() >= 4
    })
    .await;
    let events = delivered_meeting_events(&app).await;
    let names: Vec<&str> = events.iter().map(|e| e["event"].as_str().unwrap()).collect();
    assert!(
        names.contains(&"meeting.updated") && names.contains(&"meeting.deleted"),
        "{names:?}"
    );
    assert!(events.iter().all(|e| e["status"] == 200), "every echo answered 200");
    let after = get(&app, session.id).await;
    assert_eq!(after.zoom.changed_in_zoom, None);
    assert_eq!(after.zoom.link, now.zoom.link);
    assert_eq!(app.live_meetings().await.len(), 1);
}

#[tokio::test]
async fn starting_and_ending_the_meeting_shows_in_progress() {
    let (app, session) = connected_with_session("Europe/London").await;
    let meeting = session.zoom.link.clone().unwrap().meeting_id;
    assert!(!session.zoom.in_progress);
    app.sandbox_post(&format!("/meetings/{meeting}/status"), json!({ "status": "started" }))
        .await;
    until(&app, session.id, "in progress", |s| s.zoom.in_progress).await;
    app.sandbox_post(&format!("/meetings/{meeting}/status"), json!({ "status": "waiting" }))
        .await;
    until(&app, session.id, "ended", |s| !s.zoom.in_progress).await;
}

#[tokio::test]
async fn events_for_meetings_we_do_not_know_are_acknowledged_and_change_nothing() {
    let (app, session) = connected_with_session("Europe/London").await;
    for (event, id) in [
        ("meeting.deleted", json!(99_999_999_999u64)),
        ("meeting.updated", json!(99_999_999_999u64)),
        ("meeting.started", json!("99999999999")),
        ("meeting.recovered", json!("not a number")),
    ] {
        let body = json!({
            "event": event,
            "event_ts": Utc::now().timestamp_millis(),
            "payload": { "account_id": "acc", "operator": "x@example.com", "operator_id": "u",
                         "object": { "id": id, "uuid": "u==", "host_id": "h", "type": 2,
                                     "start_time": "2030-01-01T10:00:00Z" } },
        })
        .to_string();
        let ts = Utc::now().timestamp();
        let signature = zoom_sandbox::webhook_signature("bb-demo-webhook-secret", ts, body.as_bytes());
        let r = app
            .client
            .post(app.url(api::paths::ZOOM_WEBHOOK))
            .header("content-type", "application/json")
            .header("x-zm-request-timestamp", ts.to_string())
            .header("x-zm-signature", signature)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{event}");
    }
    let after = get(&app, session.id).await;
    assert_eq!(after.zoom, session.zoom);
}
