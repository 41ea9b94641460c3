//! Two server instances on one database behind a round-robin load balancer (run on SQLite and on PostgreSQL by
//! `scripts/test`): one token refresh per expiry, one Zoom call per queued job, no duplicate meeting.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use api::sessions::Session;
use futures_util::future::join_all;
use reqwest::Method;

use crate::audit::Audit;
use crate::support::*;
use crate::{days_ahead, session_input};

/// A practitioner's browser behind a load balancer that sends each request to the next instance in turn.
struct RoundRobin {
    instances: Vec<TestApp>,
    next: AtomicUsize,
    served: Vec<AtomicUsize>,
}

impl RoundRobin {
    fn new(browser: &TestApp, instances: &[&TestApp]) -> RoundRobin {
        RoundRobin {
            instances: instances.iter().map(|i| browser.via(i)).collect(),
            next: AtomicUsize::new(0),
            served: instances.iter().map(|_| AtomicUsize::new(0)).collect(),
        }
    }

    fn pick(&self) -> &TestApp {
        let i = self.next.fetch_add(1, Ordering::Relaxed) % self.instances.len();
        self.served[i].fetch_add(1, Ordering::Relaxed);
        &self.instances[i]
    }

    fn served(&self) -> Vec<usize> {
        self.served.iter().map(|s| s.load(Ordering::Relaxed)).collect()
    }
}

/// Waits until both instances' queues have finished every job. The instances' own workers share the work out
/// (what this suite checks), so the test waits for them instead of draining the queue itself.
async fn queue_empty(app: &TestApp) {
    eventually_within(Duration::from_secs(30), "the Zoom queue empty", || async {
        let jobs: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM zoom_jobs")
            .fetch_one(&app.db)
            .await
            .unwrap();
        (jobs == 0).then_some(())
    })
    .await
}

const ROUNDS: usize = 4;
const SESSIONS_PER_ROUND: usize = 6;
const CHECKS_PER_ROUND: usize = 20;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_behind_round_robin_refresh_once_per_expiry_and_run_each_job_once() {
    let first = spawn_app().await;
    let second = first.second_instance().await;
    let people = [(SOLO, LICENSED), (CLINIC_PRACTITIONER, BASIC)];
    let mut browsers = Vec::new();
    for (user, zoom_email) in people {
        let browser = first.another_browser();
        browser.sign_in(user).await;
        browser.connect_as(zoom_email).await;
        browsers.push(RoundRobin::new(&browser, &[&first, &second]));
    }
    let refreshes_before = first.zoom_calls("token.refresh_token").await;
    let started = Instant::now();
    let mut created: Vec<i64> = Vec::new();
    let (mut rescheduled, mut cancelled, mut starts) = (0u64, 0u64, 0u64);

    for round in 0..ROUNDS {
        // Every practitioner's access token expires; what follows reaches Zoom through both instances at once.
        for (user, _) in people {
            first.expire_stored_access_token(user).await;
        }
        let work = browsers.iter().enumerate().map(|(p, lb)| async move {
            let creations = (0..SESSIONS_PER_ROUND).map(|i| async move {
                let body = session_input(
                    &format!("Client {p}-{round}-{i}"),
                    days_ahead(3 + (round * SESSIONS_PER_ROUND + i) as i64, 9 + p as u32),
                );
                let r = lb.pick().send(Method::POST, api::paths::SESSIONS, Some(&body)).await;
                assert_eq!(r.status(), 201);
                r.json::<Session>().await.unwrap().id
            });
            let checks = (0..CHECKS_PER_ROUND).map(|_| async move {
                let status = lb.pick().check_again().await;
                assert!(
                    matches!(status, api::zoom::ZoomStatus::Connected { verified: true, .. }),
                    "{status:?}"
                );
            });
            let (ids, _) = tokio::join!(join_all(creations), join_all(checks));
            ids
        });
        let ids: Vec<Vec<i64>> = join_all(work).await;
        queue_empty(&first).await;

        // On each practitioner's new sessions, through whichever instance comes next: a reschedule, a cancel and
        // a Start.
        for (p, lb) in browsers.iter().enumerate() {
            let ids = &ids[p];
            let moved = session_input(&format!("Client {p}-{round}-0"), days_ahead(200 + round as i64, 15));
            let r = lb
                .pick()
                .send(Method::PUT, &api::paths::session(ids[0]), Some(&moved))
                .await;
            assert_eq!(r.status(), 200);
            rescheduled += 1;
            let r = lb
                .pick()
                .send(Method::DELETE, &api::paths::session(ids[1]), NO_BODY)
                .await;
            assert_eq!(r.status(), 204);
            cancelled += 1;
            queue_empty(&first).await;
            let r = lb
                .pick()
                .send(Method::POST, &api::paths::session_start(ids[2]), NO_BODY)
                .await;
            assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
            starts += 1;
        }
        created.extend(ids.into_iter().flatten());
    }
    queue_empty(&first).await;
    let elapsed = started.elapsed();

    let refreshes = first.zoom_calls("token.refresh_token").await - refreshes_before;
    let expiries = (ROUNDS * people.len()) as u64;
    let creates = first.zoom_calls("api.meetings.create").await;
    let deletes = first.zoom_calls("api.meetings.delete").await;
    let lists = first.zoom_calls("api.meetings.list").await;
    let gets = first.zoom_calls("api.meetings.get").await;
    let sessions = created.len() as u64;
    let served: Vec<Vec<usize>> = browsers.iter().map(|lb| lb.served()).collect();
    println!(
        "two instances on {:?}: round-robin requests per instance per practitioner {served:?}, {:.1} s",
        backend(),
        elapsed.as_secs_f64()
    );
    println!("  token refreshes: {refreshes} for {expiries} expiries");
    println!(
        "  Zoom creates {creates} (sessions {sessions} + reschedules {rescheduled}), deletes {deletes} (reschedules + \
         cancels {}), reconcile lists {lists}, host-link reads {gets} (Starts {starts})",
        rescheduled + cancelled
    );
    let audit = Audit::take(&first, &created).await;
    audit.print_and_assert_clean();

    assert!(
        served.iter().flatten().all(|n| *n > 0),
        "both instances served every practitioner: {served:?}"
    );
    assert_eq!(refreshes, expiries, "one refresh per expiry across both instances");
    assert_eq!(
        (creates, deletes, lists, gets),
        (sessions + rescheduled, rescheduled + cancelled, 0, starts),
        "each queued job made its one Zoom call, once (no job ran twice, none needed a reconcile)"
    );
}

/// What a load balancer does to a URL that names the first instance: sends it to `instance` instead.
fn on_instance(url: &str, from: &TestApp, instance: &TestApp) -> String {
    url.replacen(&from.base, &instance.base, 1)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn oauth_state_and_webhook_replay_protection_hold_across_instances() {
    let first = spawn_app().await;
    let second = first.second_instance().await;
    let browser = first.another_browser();
    browser.sign_in(SOLO).await;

    // Connect starts on one instance; Zoom's redirect back lands on the other, then is replayed on both.
    let authorize = browser.start_connect().await;
    let callback = browser.consent(&authorize, LICENSED, "allow").await;
    let on_second = on_instance(&callback, &first, &second);
    assert_ne!(on_second, callback, "the callback is sent to the other instance");
    assert_eq!(
        browser.follow_callback(&on_second).await,
        format!("{ZOOM_PAGE}?zoom=connected")
    );
    for replay in [&callback, &on_second] {
        assert_eq!(
            browser.follow_callback(replay).await,
            format!("{ZOOM_PAGE}?zoom_error=state_invalid"),
            "a used state is used up on every instance"
        );
    }
    assert_eq!(first.zoom_calls("token.authorization_code").await, 1);
    assert!(matches!(
        browser.via(&first).status().await,
        api::zoom::ZoomStatus::Connected { .. }
    ));

    // Zoom's deauthorization webhook, delivered to both instances at once: acted on once, the copy acknowledged.
    let zoom_user = first.zoom_user_id(LICENSED).await;
    let body = deauthorization_webhook_body(&zoom_user);
    let now = chrono::Utc::now().timestamp();
    let signature = zoom_sandbox::webhook_signature("bb-demo-webhook-secret", now, body.as_bytes());
    let deliver = |instance: &TestApp| {
        instance
            .client
            .post(instance.url(api::paths::ZOOM_WEBHOOK))
            .header("content-type", "application/json")
            .header("x-zm-request-timestamp", now.to_string())
            .header("x-zm-signature", signature.clone())
            .body(body.clone())
            .send()
    };
    let (a, b) = tokio::join!(deliver(&first), deliver(&second));
    assert_eq!((a.unwrap().status().as_u16(), b.unwrap().status().as_u16()), (200, 200));
    let deliveries: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM webhook_deliveries")
        .fetch_one(&first.db)
        .await
        .unwrap();
    assert_eq!(deliveries, 1, "one delivery recorded for the two copies");
    assert!(matches!(
        browser.via(&second).status().await,
        api::zoom::ZoomStatus::NotConnected { ended: Some(_) }
    ));

    // Connected again, a late copy on either instance disconnects nobody.
    browser.connect_as(LICENSED).await;
    for instance in [&first, &second] {
        assert_eq!(deliver(instance).await.unwrap().status(), 200);
        assert!(
            matches!(
                browser.via(instance).status().await,
                api::zoom::ZoomStatus::Connected { .. }
            ),
            "a replay disconnected the practitioner again"
        );
    }
}
