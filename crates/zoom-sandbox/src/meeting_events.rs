//! Meeting event webhooks (facts §10): `meeting.created`, `meeting.updated`, `meeting.deleted`,
//! `meeting.recovered`, `meeting.started` and `meeting.ended`, sent to the app's event endpoint for changes made
//! through the API (echoes of the app's own calls), in Zoom's web portal (the control API's "in Zoom" calls) and by
//! the host starting or ending the meeting. Zoom sends them after the change, not as part of its answer, so they are
//! delivered in the background, in the order they happened; the app must be idempotent and answer 2xx for meetings
//! it does not know. Payload shapes as facts §10: the meeting `id` is a JSON number in created / updated / deleted /
//! recovered and a string in started / ended.

use chrono::{DateTime, Utc};
use serde_json::{json, Map, Value};

use crate::app_state::AppState;
use crate::clock::rfc3339_secs;
use crate::meetings::Meeting;
use crate::state::Sandbox;

/// Who made a change: the host through the API (an app acting for them) or in Zoom itself.
pub struct Operator<'a> {
    pub email: &'a str,
    pub id: &'a str,
}

fn envelope(event: &str, account_id: &str, payload: Map<String, Value>, at: DateTime<Utc>) -> Value {
    let mut body = Map::new();
    body.insert("account_id".into(), json!(account_id));
    body.extend(payload);
    json!({ "event": event, "event_ts": at.timestamp_millis(), "payload": body })
}

/// created / deleted / recovered: `object {uuid, id: number, host_id, topic, type, start_time, duration, timezone}`.
pub fn lifecycle(event: &str, meeting: &Meeting, account_id: &str, operator: &Operator, at: DateTime<Utc>) -> Value {
    let mut payload = Map::new();
    payload.insert("operator".into(), json!(operator.email));
    payload.insert("operator_id".into(), json!(operator.id));
    if event != "meeting.created" {
        payload.insert("operation".into(), json!("single"));
    }
    payload.insert(
        "object".into(),
        json!({
            "uuid": meeting.uuid,
            "id": meeting.id,
            "host_id": meeting.host_id,
            "topic": meeting.topic,
            "type": meeting.meeting_type,
            "start_time": rfc3339_secs(meeting.start_time),
            "duration": meeting.duration,
            "timezone": meeting.timezone,
            "join_url": meeting.join_url,
        }),
    );
    envelope(event, account_id, payload, at)
}

/// The fields `meeting.updated` reports when they change.
fn watched(meeting: &Meeting) -> Map<String, Value> {
    let Value::Object(map) = json!({
        "topic": meeting.topic,
        "type": meeting.meeting_type,
        "start_time": rfc3339_secs(meeting.start_time),
        "duration": meeting.duration,
        "timezone": meeting.timezone,
        "agenda": meeting.agenda,
        "password": meeting.password,
        "join_url": meeting.join_url,
        "settings": meeting.settings,
    }) else {
        unreachable!("a JSON object")
    };
    map
}

/// `meeting.updated` with only what changed between `before` and `after` in `object` and `old_object`; `None`
/// when nothing did.
pub fn updated(
    before: &Meeting,
    after: &Meeting,
    account_id: &str,
    operator: &Operator,
    at: DateTime<Utc>,
) -> Option<Value> {
    let (old, new) = (watched(before), watched(after));
    let mut object = Map::new();
    let mut old_object = Map::new();
    object.insert("id".into(), json!(after.id));
    old_object.insert("id".into(), json!(before.id));
    for (key, value) in &new {
        if old.get(key) != Some(value) {
            object.insert(key.clone(), value.clone());
            old_object.insert(key.clone(), old.get(key).cloned().unwrap_or(Value::Null));
        }
    }
    if object.len() == 1 {
        return None;
    }
    let mut payload = Map::new();
    payload.insert("operator".into(), json!(operator.email));
    payload.insert("operator_id".into(), json!(operator.id));
    payload.insert("time_stamp".into(), json!(at.timestamp_millis()));
    payload.insert("object".into(), Value::Object(object));
    payload.insert("old_object".into(), Value::Object(old_object));
    Some(envelope("meeting.updated", account_id, payload, at))
}

/// started / ended: `object {id: string, uuid, host_id, topic, type, start_time, timezone, duration[, end_time]}`.
pub fn started_or_ended(event: &str, meeting: &Meeting, account_id: &str, at: DateTime<Utc>) -> Value {
    let mut object = json!({
        "id": meeting.id.to_string(),
        "uuid": meeting.uuid,
        "host_id": meeting.host_id,
        "topic": meeting.topic,
        "type": meeting.meeting_type,
        "start_time": rfc3339_secs(meeting.last_started_at.unwrap_or(meeting.start_time)),
        "timezone": meeting.timezone,
        "duration": meeting.duration,
    });
    if event == "meeting.ended" {
        object["end_time"] = json!(rfc3339_secs(at));
    }
    let mut payload = Map::new();
    payload.insert("object".into(), object);
    envelope(event, account_id, payload, at)
}

/// The account a meeting's host belongs to (every event names it).
pub fn account_of(sandbox: &Sandbox, meeting: &Meeting) -> String {
    sandbox
        .user(&meeting.host_id)
        .map(|u| u.account_id.clone())
        .unwrap_or_default()
}

/// Queues `event` for delivery if the app is subscribed to it and has an event endpoint; deliveries leave in the
/// order they were queued, after the current request has answered. Call with the sandbox unlocked.
pub fn emit(state: &AppState, event: Value) {
    let name = event["event"].as_str().unwrap_or_default().to_owned();
    let (url, secret, subscribed) = {
        let sandbox = state.lock();
        (
            sandbox.config.deauthorization_url.clone(),
            sandbox.config.webhook_secret_token.clone(),
            sandbox.config.event_subscriptions.contains(&name),
        )
    };
    let Some(url) = url.filter(|_| subscribed) else {
        return;
    };
    state.queue_webhook(url, secret, event);
}
