//! A session's stable link for the client (`/join/<token>`): it leads to the current Zoom link across reschedules,
//! says "moved" while one finishes and "cancelled" after a cancel, never shows the client's name, is rate-limited
//! and never logged with its token; calendar events and the feed carry it beside the Zoom link.

use serde_json::json;

use crate::sessions::{cancel, create, input, put, settled, upcoming};
use crate::support::*;

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn open(link: &str) -> (u16, String, reqwest::header::HeaderMap) {
    let r = no_redirects().get(link).send().await.unwrap();
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    (status, r.text().await.unwrap(), headers)
}

#[tokio::test]
async fn the_link_follows_reschedules_says_moved_meanwhile_and_cancelled_after() {
    let app = spawn_app().await;
    app.sign_in(1).await;
    app.connect_as(LICENSED).await;
    let zone = "Europe/London";
    let session = create(&app, &input("Jordan Lee", upcoming(zone, 9, 0), zone)).await;
    let session = settled(&app, session.id).await;
    let link = session.session_link.clone();
    assert!(
        link.starts_with(&format!("{}/join/", app.base)),
        "the link is on BetterBeing's origin: {link}"
    );
    let token = link.rsplit('/').next().unwrap();
    assert!(token.len() >= 40, "256 random bits: {token}");

    // Scheduled with its meeting: straight to the Zoom join link, never cached.
    let (status, _, headers) = open(&link).await;
    assert_eq!(status, 307);
    let first_join = session.zoom.link.clone().unwrap().join_url;
    assert_eq!(headers["location"], first_join.as_str());
    assert_eq!(headers["cache-control"], "no-store");

    // Rescheduled while Zoom fails: the page says where the session moved, and keeps looking.
    app.sandbox_post(
        "/faults",
        json!({ "endpoint": "meetings.create", "mode": "error_500", "count": 50 }),
    )
    .await;
    let moved = put(&app, session.id, &input("Jordan Lee", upcoming(zone, 14, 30), zone)).await;
    assert!(moved.zoom.link_outdated, "the reschedule is not finished");
    assert_eq!(moved.session_link, link, "the stable link never changes");
    let (status, body, _) = open(&link).await;
    assert_eq!(status, 200);
    assert!(body.contains("This session moved"), "{body}");
    let local = upcoming(zone, 14, 30);
    let expected = format!("{}, 14:30 (Europe/London, UTC", local.format("%A %-d %B %Y"));
    assert!(body.contains(&expected), "the new time in the session's zone: {body}");
    assert!(
        body.contains(r#"<script src="/join-wait.js""#),
        "the page looks again by itself"
    );
    assert!(!body.contains("http-equiv"), "without a timed refresh (WCAG 2.2.1)");
    assert!(!body.contains("Jordan"), "never the client's name");
    assert!(!body.contains(&first_join), "never the old, soon dead, link");

    // Zoom recovers: the same link now leads to the new meeting.
    app.client
        .delete(format!("{}/_sandbox/faults", app.sandbox))
        .send()
        .await
        .unwrap();
    app.settle().await;
    let now = settled(&app, session.id).await;
    let new_join = now.zoom.link.unwrap().join_url;
    assert_ne!(new_join, first_join);
    let (status, _, headers) = open(&link).await;
    assert_eq!(status, 307);
    assert_eq!(headers["location"], new_join.as_str());

    // Cancelled: said plainly, with the right status.
    cancel(&app, session.id).await;
    let (status, body, _) = open(&link).await;
    assert_eq!(status, 410);
    assert!(body.contains("This session was cancelled"), "{body}");
    assert!(!body.contains("Jordan") && !body.contains(&new_join));

    // A made-up token leads nowhere and says so.
    let (status, body, _) = open(&format!("{}/join/not-a-real-token", app.base)).await;
    assert_eq!(status, 404);
    assert!(body.contains("This link does not lead to a session"), "{body}");

    let logs = captured_logs();
    assert!(!logs.contains(token), "the token is never logged");
}

#[tokio::test]
async fn a_session_without_zoom_gets_a_link_that_says_it_is_not_ready() {
    let app = spawn_app().await;
    app.sign_in(1).await;
    let zone = "America/New_York";
    let session = create(&app, &input("Sam", upcoming(zone, 11, 0), zone)).await;
    let (status, body, _) = open(&session.session_link).await;
    assert_eq!(status, 200);
    assert!(body.contains("The Zoom link is not ready yet"), "{body}");
    assert!(body.contains("11:00 (America/New_York, UTC"), "{body}");
}

#[tokio::test]
async fn each_session_has_its_own_link_and_guessing_is_rate_limited() {
    let app = spawn_app().await;
    app.sign_in(1).await;
    let zone = "Europe/London";
    let a = create(&app, &input("A", upcoming(zone, 9, 0), zone)).await;
    let b = create(&app, &input("B", upcoming(zone, 10, 0), zone)).await;
    assert_ne!(a.session_link, b.session_link);

    let client = no_redirects();
    let mut statuses = Vec::new();
    for i in 0..40 {
        let r = client.get(app.url(&format!("/join/guess-{i}"))).send().await.unwrap();
        let status = r.status().as_u16();
        if status == 429 {
            assert!(r.headers().contains_key("retry-after"));
            let body = r.text().await.unwrap();
            assert!(body.contains("Too many requests"), "{body}");
        }
        statuses.push(status);
    }
    assert!(statuses[..20].iter().all(|s| *s == 404), "{statuses:?}");
    assert!(statuses[20..].iter().all(|s| *s == 429), "{statuses:?}");
}

#[tokio::test]
async fn calendar_files_carry_the_stable_link_beside_the_zoom_link() {
    let app = spawn_app().await;
    app.sign_in(1).await;
    app.connect_as(LICENSED).await;
    let zone = "Europe/London";
    let session = create(&app, &input("Jordan", upcoming(zone, 9, 0), zone)).await;
    let session = settled(&app, session.id).await;
    let ics = app
        .client
        .get(app.url(&api::paths::session_ics(session.id)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let unfolded = ics.replace("\r\n ", "");
    assert!(
        unfolded.contains(&format!(
            "If the Zoom link above no longer works\\, use {}",
            session.session_link
        )),
        "{unfolded}"
    );
}
