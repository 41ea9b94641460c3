//! Meeting settings: the ones the sandbox knows, Zoom's defaults, and the rules Zoom applies over what was asked.

use serde_json::{json, Map, Value};

use crate::users::User;

/// Boolean settings the sandbox stores and echoes, with Zoom's defaults.
const BOOL_SETTINGS: [(&str, bool); 23] = [
    ("host_video", false),
    ("participant_video", false),
    ("cn_meeting", false),
    ("in_meeting", false),
    ("join_before_host", false),
    ("mute_upon_entry", false),
    ("watermark", false),
    ("use_pmi", false),
    ("enforce_login", false),
    ("waiting_room", false),
    ("meeting_authentication", false),
    ("email_notification", true),
    ("alternative_hosts_email_notification", true),
    ("private_meeting", false),
    ("focus_mode", false),
    ("device_testing", false),
    ("close_registration", false),
    ("show_share_button", false),
    ("allow_multiple_devices", false),
    ("participant_focused_meeting", false),
    ("push_change_to_calendar", false),
    ("internal_meeting", false),
    ("host_save_video_order", false),
];

/// Enumerated settings: name, default, allowed values.
fn enum_settings() -> [(&'static str, Value, Vec<Value>); 6] {
    [
        ("approval_type", json!(2), vec![json!(0), json!(1), json!(2)]),
        ("registration_type", json!(1), vec![json!(1), json!(2), json!(3)]),
        ("jbh_time", json!(0), vec![json!(0), json!(5), json!(10), json!(15)]),
        (
            "audio",
            json!("both"),
            vec![json!("both"), json!("telephony"), json!("voip"), json!("thirdParty")],
        ),
        (
            "auto_recording",
            json!("none"),
            vec![json!("local"), json!("cloud"), json!("none")],
        ),
        (
            "encryption_type",
            json!("enhanced_encryption"),
            vec![json!("enhanced_encryption"), json!("e2ee")],
        ),
    ]
}

const STRING_SETTINGS: [&str; 3] = ["alternative_hosts", "enforce_login_domains", "authentication_option"];

pub(super) fn default_settings() -> Map<String, Value> {
    let mut settings = Map::new();
    for (name, default) in BOOL_SETTINGS {
        settings.insert(name.to_owned(), json!(default));
    }
    for (name, default, _) in enum_settings() {
        settings.insert(name.to_owned(), default);
    }
    for name in STRING_SETTINGS {
        settings.insert(name.to_owned(), json!(""));
    }
    settings
}

/// Known settings are type- and enum-checked; unknown ones are dropped silently, as Zoom drops settings an
/// account does not allow (facts §3.1).
pub(super) fn parse_settings(input: &Map<String, Value>) -> Result<Map<String, Value>, Vec<String>> {
    let mut out = Map::new();
    let mut bad = Vec::new();
    for (name, value) in input {
        if value.is_null() {
            continue;
        }
        let field = || format!("settings.{name}");
        if BOOL_SETTINGS.iter().any(|(n, _)| n == name) {
            match value {
                Value::Bool(_) => {
                    out.insert(name.clone(), value.clone());
                }
                _ => bad.push(field()),
            }
        } else if let Some((_, _, allowed)) = enum_settings().into_iter().find(|(n, ..)| n == name) {
            if allowed.contains(value) {
                out.insert(name.clone(), value.clone());
            } else {
                bad.push(field());
            }
        } else if STRING_SETTINGS.contains(&name.as_str()) {
            match value {
                Value::String(_) => {
                    out.insert(name.clone(), value.clone());
                }
                _ => bad.push(field()),
            }
        }
    }
    if bad.is_empty() {
        Ok(out)
    } else {
        Err(bad)
    }
}

/// Rules Zoom applies over what was asked: a waiting room disables join-before-host (facts §3.1); the
/// sandbox does not model PMI meetings; Basic hosts cannot cloud-record.
pub(super) fn enforce_settings(settings: &mut Map<String, Value>, host: &User) {
    if settings.get("waiting_room") == Some(&json!(true)) {
        settings.insert("join_before_host".into(), json!(false));
    }
    settings.insert("use_pmi".into(), json!(false));
    if host.user_type == 1 && settings.get("auto_recording") == Some(&json!("cloud")) {
        settings.insert("auto_recording".into(), json!("none"));
    }
}
