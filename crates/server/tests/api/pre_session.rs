//! The check before each session (about 24 hours and 15 minutes ahead): one GET per checkpoint confirms Zoom still
//! has the meeting at the session's time, repairs a missing one, shows a moved one; meetings still to delete once
//! Zoom is reconnected are listed. Zoom's meeting events are switched off in the sandbox here, as if their delivery
//! had been dropped: the check is the backstop.

use api::sessions::{Attention, AttentionReason, ChangedInZoom, ZoomNotice};
use serde_json::json;

use crate::sessions::{cancel, create, get, input, settled, upcoming};
use crate::support::*;

async fn checks(app: &TestApp) -> usize {
    app.calendar.as_ref().unwrap().run_pre_session_checks().await
}

async fn attention(app: &TestApp) -> Attention {
    app.get_json(api::paths::SESSIONS_ATTENTION).await
}

#[tokio::test]
async fn a_meeting_gone_from_zoom_is_remade_before_the_session_with_one_get_per_checkpoint() {
    let app = spawn_app().await;
    app.sign_in(SOLO).await;
    app.connect_as(LICENSED).await;
    app.without_meeting_events().await;
    let zone = "Europe/London";
    let session = create(&app, &input("Jordan", upcoming(zone, 9, 0), zone)).await;
    let session = settled(&app, session.id).await;
    let old = session.zoom.link.clone().unwrap();
    assert_eq!(checks(&app).await, 0, "nothing is due days ahead");

    app.sandbox_post(&format!("/meetings/{}/delete-in-zoom", old.meeting_id), json!({}))
        .await;
    let start_ms = session.starts_at.timestamp_millis();
    app.clock.advance_to_ms(start_ms - 23 * 3_600_000);
    let gets = app.zoom_calls("api.meetings.get").await;
    assert_eq!(checks(&app).await, 1);
    assert_eq!(app.zoom_calls("api.meetings.get").await, gets + 1, "one GET");
    let repaired = settled(&app, session.id).await;
    let new = repaired.zoom.link.clone().unwrap();
    assert_ne!(new.meeting_id, old.meeting_id, "a new meeting");
    assert!(matches!(
        repaired.zoom.notice,
        Some(ZoomNotice::RemadeAfterDeletion { .. })
    ));
    assert_eq!(app.live_meetings().await.len(), 1);
    let listed = attention(&app).await;
    assert_eq!(listed.sessions.len(), 1);
    assert_eq!(listed.sessions[0].session_id, session.id);
    assert_eq!(listed.sessions[0].reason, AttentionReason::RemadeAfterDeletion);

    // The same checkpoint never asks twice; the quarter-hour one asks once more.
    assert_eq!(checks(&app).await, 0);
    app.clock.advance_to_ms(start_ms - 14 * 60_000);
    assert_eq!(checks(&app).await, 1);
    assert_eq!(checks(&app).await, 0);
    assert_eq!(app.zoom_calls("api.meetings.get").await, gets + 2, "two GETs in all");
    assert_eq!(get(&app, session.id).await.zoom.link, Some(new));
}

#[tokio::test]
async fn a_meeting_moved_in_zoom_without_an_event_is_found_by_the_check() {
    let app = spawn_app().await;
    app.sign_in(SOLO).await;
    app.connect_as(LICENSED).await;
    app.without_meeting_events().await;
    let zone = "Europe/London";
    let session = settled(&app, create(&app, &input("Sam", upcoming(zone, 9, 0), zone)).await.id).await;
    let meeting = session.zoom.link.clone().unwrap().meeting_id;
    let zoom_time = session.starts_at + chrono::Duration::hours(1);
    app.sandbox_post(
        &format!("/meetings/{meeting}/move-in-zoom"),
        json!({ "start_time": zoom_time.to_rfc3339() }),
    )
    .await;
    assert_eq!(get(&app, session.id).await.zoom.changed_in_zoom, None, "no event came");
    app.clock
        .advance_to_ms(session.starts_at.timestamp_millis() - 20 * 3_600_000);
    assert_eq!(checks(&app).await, 1);
    let seen = get(&app, session.id).await;
    assert_eq!(
        seen.zoom.changed_in_zoom,
        Some(ChangedInZoom::Moved {
            starts_at: zoom_time,
            duration_minutes: 50
        })
    );
    assert_eq!(seen.zoom.link, session.zoom.link, "moved, not replaced");
    assert_eq!(attention(&app).await.sessions[0].reason, AttentionReason::MovedInZoom);
}

#[tokio::test]
async fn a_check_that_cannot_reach_zoom_is_tried_again_by_the_next_sweep() {
    let app = spawn_app().await;
    app.sign_in(SOLO).await;
    app.connect_as(LICENSED).await;
    let zone = "Europe/London";
    let session = settled(&app, create(&app, &input("Sam", upcoming(zone, 9, 0), zone)).await.id).await;
    app.sandbox_post(
        "/faults",
        json!({ "endpoint": "meetings.get", "mode": "error_503", "count": 1 }),
    )
    .await;
    app.clock
        .advance_to_ms(session.starts_at.timestamp_millis() - 3_600_000);
    assert_eq!(checks(&app).await, 1, "asked, Zoom did not answer");
    assert_eq!(checks(&app).await, 1, "asked again");
    assert_eq!(checks(&app).await, 0, "done");
    assert_eq!(get(&app, session.id).await.zoom, session.zoom, "nothing changed");
}

#[tokio::test]
async fn meetings_waiting_for_a_reconnect_to_be_deleted_are_listed() {
    let app = spawn_app().await;
    app.sign_in(SOLO).await;
    app.connect_as(LICENSED).await;
    let zone = "Europe/London";
    let session = settled(&app, create(&app, &input("Robin", upcoming(zone, 9, 0), zone)).await.id).await;
    let meeting = session.zoom.link.clone().unwrap().meeting_id;
    assert!(attention(&app).await.pending_deletions.is_empty());
    let zoom_user = app.zoom_user_id(LICENSED).await;
    app.sandbox_post(&format!("/users/{zoom_user}/kill-grant"), json!({}))
        .await;
    app.expire_stored_access_token(SOLO).await;
    cancel(&app, session.id).await;
    app.settle().await;
    let listed = attention(&app).await;
    assert_eq!(listed.pending_deletions.len(), 1, "{listed:?}");
    let pending = &listed.pending_deletions[0];
    assert_eq!(pending.meeting_id, meeting);
    assert_eq!(pending.client_name.as_deref(), Some("Robin"));
    assert_eq!(pending.starts_at, Some(session.starts_at));
    assert_eq!(
        app.live_meetings().await.len(),
        1,
        "still live in Zoom, as the list says"
    );

    // Reconnected: the deletion goes through and the list empties.
    app.connect_as(LICENSED).await;
    app.settle().await;
    app.settled_live_meetings(0).await;
    assert!(attention(&app).await.pending_deletions.is_empty());
}
