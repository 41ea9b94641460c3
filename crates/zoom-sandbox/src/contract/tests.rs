//! The vendored document and the checks built on it.

use super::*;

#[test]
fn the_document_loads_with_its_five_operations() {
    for id in OPERATIONS {
        assert!(documented_statuses(id).is_ok(), "{id}");
    }
    assert_eq!(documented_statuses(MEETING_CREATE).unwrap(), [201, 400, 404, 429]);
    assert_eq!(documented_statuses(MEETING_UPDATE).unwrap(), [204, 400, 404, 429]);
}

#[test]
fn requests_accept_local_start_times_and_reject_bad_fields() {
    let good = json!({ "topic": "Intake", "type": 2, "start_time": "2026-11-09T09:00:00",
        "timezone": "America/New_York", "settings": { "waiting_room": true } });
    assert_eq!(validate_request(MEETING_CREATE, &good), Ok(()));
    let bad = json!({ "topic": "x".repeat(201), "type": 4, "start_time": "tomorrow",
        "settings": { "audio": "pigeon" } });
    let problems = validate_request(MEETING_CREATE, &bad).unwrap_err();
    assert_eq!(problems.len(), 4, "{problems:?}");
    assert!(validate_request(MEETING_GET, &Value::Null).is_ok());
    assert!(validate_request(MEETING_GET, &json!({})).is_err());
}

#[test]
fn strict_requests_name_unknown_fields() {
    let body = json!({ "topic": "t", "settings": { "waitingroom": true } });
    assert_eq!(validate_request(MEETING_UPDATE, &body), Ok(()));
    assert_eq!(
        validate_request_strict(MEETING_UPDATE, &body),
        Err(vec![
            "/settings/waitingroom: not a property the document names".to_owned()
        ])
    );
}

#[test]
fn responses_need_utc_date_times_documented_statuses_and_error_shapes() {
    let ok = json!({ "id": 85746065432u64, "start_time": "2026-11-09T14:00:00Z", "type": 2 });
    assert_eq!(validate_response(MEETING_CREATE, 201, &ok), Ok(()));
    let offset = json!({ "id": 1, "start_time": "2026-11-09T09:00:00-05:00" });
    assert!(validate_response(MEETING_CREATE, 201, &offset).is_err());
    let id_as_string = json!({ "id": "85746065432" });
    assert!(validate_response(MEETING_GET, 200, &id_as_string).is_err());
    assert!(validate_response(MEETING_CREATE, 200, &ok).is_err());
    assert_eq!(validate_response(MEETING_DELETE, 204, &Value::Null), Ok(()));
    assert!(validate_response(MEETING_DELETE, 204, &json!({})).is_err());
    let not_found = json!({ "code": 3001, "message": "Meeting does not exist: 1." });
    assert_eq!(validate_response(MEETING_GET, 404, &not_found), Ok(()));
    assert!(validate_response(MEETING_GET, 404, &json!({ "error": "x" })).is_err());
    // allOf in the list schema is followed.
    let list = json!({ "page_size": 301, "meetings": [{ "id": "x" }] });
    assert_eq!(validate_response(MEETINGS_LIST, 200, &list).unwrap_err().len(), 2);
}

#[test]
fn calls_map_to_operations() {
    assert_eq!(operation_for("POST", "/v2/users/me/meetings"), Some(MEETING_CREATE));
    assert_eq!(
        operation_for("get", "/users/me/meetings?type=live"),
        Some(MEETINGS_LIST)
    );
    assert_eq!(operation_for("PATCH", "/v2/meetings/85746065432"), Some(MEETING_UPDATE));
    assert_eq!(operation_for("GET", "/v2/users/me"), None);
}
