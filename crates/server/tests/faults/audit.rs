//! After the queue settles: the sandbox's meetings against the server's sessions.

use std::collections::HashMap;

use serde_json::Value;

use crate::support::TestApp;

pub struct Audit {
    pub sessions_lost: usize,
    pub duplicate_live_meetings: usize,
    pub live_meetings_of_cancelled_sessions: usize,
    pub scheduled_sessions_without_a_current_link: usize,
    pub sessions_stuck_in_a_non_final_state: usize,
    pub live_meetings_of_no_session: usize,
    pub jobs_left_in_the_queue: usize,
    pub scheduled: usize,
    pub cancelled: usize,
    pub live_meetings: usize,
    pub meeting_calls: u64,
    pub daily_cap_answers: usize,
}

/// `bb-{ref}-{sequence}` from a meeting's agenda.
fn reference(agenda: &str) -> Option<(String, i64)> {
    let marker = agenda.rsplit("Reference: ").next()?.trim().strip_prefix("bb-")?;
    let (session_ref, sequence) = marker.rsplit_once('-')?;
    Some((session_ref.to_string(), sequence.parse().ok()?))
}

impl Audit {
    /// Calls the sandbox answered with an injected fault.
    pub async fn faults_consumed(app: &TestApp) -> usize {
        let calls = app.sandbox_get("/calls").await;
        calls["calls"]
            .as_array()
            .map_or(0, |c| c.iter().filter(|c| c["fault"].is_string()).count())
    }

    pub async fn take(app: &TestApp, created: &[i64]) -> Audit {
        let rows: Vec<(i64, String, String, Option<String>, String, i64)> =
            sqlx::query_as("SELECT id, ref, status, zoom_meeting_id, zoom_sync, sequence FROM sessions")
                .fetch_all(&app.db)
                .await
                .unwrap();
        let jobs_left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM zoom_jobs")
            .fetch_one(&app.db)
            .await
            .unwrap();
        let meetings = app.sandbox_get("/meetings").await;
        let live: Vec<&Value> = meetings
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["deleted"] == false && m["expired"] != true)
            .collect();
        let mut live_by_ref: HashMap<String, Vec<(String, i64)>> = HashMap::new();
        let mut live_of_no_session = 0;
        for m in &live {
            match reference(m["agenda"].as_str().unwrap_or("")) {
                Some((r, seq)) => live_by_ref.entry(r).or_default().push((m["id"].to_string(), seq)),
                None => live_of_no_session += 1,
            }
        }
        let by_id: HashMap<i64, _> = rows.iter().map(|r| (r.0, r)).collect();
        let known_refs: std::collections::HashSet<&String> = rows.iter().map(|r| &r.1).collect();
        live_of_no_session += live_by_ref
            .keys()
            .filter(|r| !known_refs.contains(r))
            .map(|r| live_by_ref[r].len())
            .sum::<usize>();
        let mut audit = Audit {
            sessions_lost: created.iter().filter(|id| !by_id.contains_key(id)).count(),
            duplicate_live_meetings: 0,
            live_meetings_of_cancelled_sessions: 0,
            scheduled_sessions_without_a_current_link: 0,
            sessions_stuck_in_a_non_final_state: 0,
            live_meetings_of_no_session: live_of_no_session,
            jobs_left_in_the_queue: jobs_left as usize,
            scheduled: 0,
            cancelled: 0,
            live_meetings: live.len(),
            meeting_calls: 0,
            daily_cap_answers: 0,
        };
        for (_, session_ref, status, meeting, sync, sequence) in &rows {
            let theirs = live_by_ref.get(session_ref).cloned().unwrap_or_default();
            if status == "cancelled" {
                audit.cancelled += 1;
                audit.live_meetings_of_cancelled_sessions += theirs.len();
                continue;
            }
            audit.scheduled += 1;
            audit.duplicate_live_meetings += theirs.len().saturating_sub(1);
            if theirs.len() > 1 {
                // For whoever reads a failure: the session and every meeting Zoom holds for it (id, sequence).
                println!("  session ref {session_ref} (sequence {sequence}, linked {meeting:?}): live {theirs:?}");
            }
            let current = meeting
                .as_ref()
                .is_some_and(|id| theirs.iter().any(|(live_id, seq)| live_id == id && seq == sequence));
            if !current {
                audit.scheduled_sessions_without_a_current_link += 1;
            }
            if sync != "in_sync" {
                audit.sessions_stuck_in_a_non_final_state += 1;
            }
        }
        let calls = app.sandbox_get("/calls").await;
        audit.meeting_calls = calls["counters"]
            .as_object()
            .map(|c| {
                c.iter()
                    .filter(|(k, _)| k.starts_with("api.meetings."))
                    .map(|(_, v)| v.as_u64().unwrap_or(0))
                    .sum()
            })
            .unwrap_or(0);
        audit.daily_cap_answers = calls["calls"].as_array().map_or(0, |c| {
            c.iter()
                .filter(|c| c["status"] == 429 && !c["fault"].is_string())
                .count()
        });
        audit
    }

    pub fn print_and_assert_clean(&self) {
        let figures = [
            ("sessions lost", self.sessions_lost),
            (
                "duplicate live meetings (beyond one per session)",
                self.duplicate_live_meetings,
            ),
            (
                "live meetings of cancelled sessions",
                self.live_meetings_of_cancelled_sessions,
            ),
            (
                "scheduled sessions without a current link",
                self.scheduled_sessions_without_a_current_link,
            ),
            (
                "sessions stuck in a non-final state",
                self.sessions_stuck_in_a_non_final_state,
            ),
            ("live meetings of no session", self.live_meetings_of_no_session),
            ("jobs left in the queue", self.jobs_left_in_the_queue),
        ];
        println!(
            "  audit: {} scheduled sessions, {} cancelled, {} live meetings",
            self.scheduled, self.cancelled, self.live_meetings
        );
        for (name, n) in figures {
            println!("  {name}: {n}");
        }
        let bad: Vec<_> = figures.iter().filter(|(_, n)| *n != 0).collect();
        assert!(bad.is_empty(), "the queue lost track of Zoom meetings: {bad:?}");
    }
}
