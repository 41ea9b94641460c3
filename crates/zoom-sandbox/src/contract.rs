//! Contract checks against Zoom's official Meetings OpenAPI document (facts' `[SPEC]`), for the sandbox's
//! own tests and for clients' tests (`zoom-sandbox = { features = ["contract"] }`).
//!
//! The document is vendored as `crates/zoom-sandbox/spec/meetings-openapi.json` (OpenAPI 3.0, five operations; its
//! source is in `spec/README.md`) and embedded at build time; `ZOOM_OPENAPI` may point at another copy.
//!
//! Schemas are JSON Schema draft 4 (OpenAPI 3.0's base) with `#/components/schemas/...` references resolved
//! inside a root `{"$ref": <ref>, "components": <the spec's components>}`. Formats are checked, with two
//! deliberate readings of `date-time`:
//! - in **requests** it also accepts a local time without offset (`2026-11-09T09:00:00`), which Zoom's
//!   `start_time` documents as "local time in `timezone`" (facts §3.1);
//! - in **responses** it must be RFC 3339 in UTC with `Z`, as Zoom always answers (facts §3.8).
//!
//! Error statuses (400/404/429) have no schema in the document; their bodies are checked against Zoom's
//! error shape `{"code": int, "message": string, "errors"?: [{"field","message"}]}` (facts §4.1). A 204
//! must have no body. A status the document does not list for the operation is an error.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::OnceLock;

use jsonschema::{Draft, Validator};
use serde_json::{json, Map, Value};

/// `POST /users/{userId}/meetings`.
pub const MEETING_CREATE: &str = "meetingCreate";
/// `GET /meetings/{meetingId}`.
pub const MEETING_GET: &str = "meeting";
/// `PATCH /meetings/{meetingId}`.
pub const MEETING_UPDATE: &str = "meetingUpdate";
/// `DELETE /meetings/{meetingId}`.
pub const MEETING_DELETE: &str = "meetingDelete";
/// `GET /users/{userId}/meetings`.
pub const MEETINGS_LIST: &str = "meetings";

/// The five operation ids in the document.
pub const OPERATIONS: [&str; 5] = [
    MEETING_CREATE,
    MEETING_GET,
    MEETING_UPDATE,
    MEETING_DELETE,
    MEETINGS_LIST,
];

/// The vendored document (see `spec/README.md` for where it comes from), embedded at build time so the contract
/// checks never read outside the repository.
const VENDORED_SPEC: &str = include_str!("../spec/meetings-openapi.json");

/// Where the OpenAPI document comes from: `ZOOM_OPENAPI` if set, else `None` (the vendored copy).
pub fn spec_override() -> Result<Option<PathBuf>, String> {
    match std::env::var_os("ZOOM_OPENAPI").filter(|p| !p.is_empty()) {
        Some(path) => {
            let path = PathBuf::from(path);
            if path.is_file() {
                Ok(Some(path))
            } else {
                Err(format!("ZOOM_OPENAPI={} is not a file", path.display()))
            }
        }
        None => Ok(None),
    }
}

/// The parsed OpenAPI document.
pub fn spec() -> Result<&'static Value, String> {
    contract().map(|c| &c.spec)
}

/// The operation id for a Zoom API call, e.g. (`POST`, `/v2/users/me/meetings`) → `meetingCreate`. The
/// `/v2` prefix and a query string are optional.
pub fn operation_for(method: &str, path: &str) -> Option<&'static str> {
    let path = path.split('?').next().unwrap_or("");
    let path = path.strip_prefix("/v2").unwrap_or(path);
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    match (method.to_ascii_uppercase().as_str(), segments.as_slice()) {
        ("POST", ["users", _, "meetings"]) => Some(MEETING_CREATE),
        ("GET", ["users", _, "meetings"]) => Some(MEETINGS_LIST),
        ("GET", ["meetings", _]) => Some(MEETING_GET),
        ("PATCH", ["meetings", _]) => Some(MEETING_UPDATE),
        ("DELETE", ["meetings", _]) => Some(MEETING_DELETE),
        _ => None,
    }
}

/// Checks a request body against the operation's `requestBody` schema. Operations without a request body
/// (GET, DELETE) accept only `null`. Errors read `"/settings/audio: \"pigeon\" is not one of ..."`.
pub fn validate_request(operation_id: &str, body: &Value) -> Result<(), Vec<String>> {
    let operation = operation(operation_id)?;
    match &operation.request {
        Some(validator) => errors(validator, body),
        None if body.is_null() => Ok(()),
        None => Err(vec![format!("{operation_id} takes no request body")]),
    }
}

/// [`validate_request`] plus: every property must be one the schema names (Zoom silently drops
/// unknown fields, so a misspelt `settings.waitingroom` would otherwise go unnoticed).
pub fn validate_request_strict(operation_id: &str, body: &Value) -> Result<(), Vec<String>> {
    let mut problems = validate_request(operation_id, body).err().unwrap_or_default();
    let contract = contract().map_err(|e| vec![e])?;
    if let Some(schema) = &operation(operation_id)?.request_schema {
        unknown_properties(&contract.spec, schema, body, "", &mut problems);
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// Checks a response: the status must be documented for the operation, and the body must match its
/// schema (or Zoom's error shape, or be `null` for a 204).
pub fn validate_response(operation_id: &str, status: u16, body: &Value) -> Result<(), Vec<String>> {
    let contract = contract().map_err(|e| vec![e])?;
    let operation = operation(operation_id)?;
    let Some(expected) = operation.responses.get(&status) else {
        return Err(vec![format!(
            "status {status} is not documented for {operation_id} (documented: {})",
            documented(operation)
        )]);
    };
    match expected {
        Some(validator) => errors(validator, body),
        None if status == 204 => {
            if body.is_null() {
                Ok(())
            } else {
                Err(vec![format!("a 204 has no body, got {body}")])
            }
        }
        None => errors(&contract.error, body),
    }
}

/// The statuses the document lists for an operation.
pub fn documented_statuses(operation_id: &str) -> Result<Vec<u16>, Vec<String>> {
    Ok(operation(operation_id)?.responses.keys().copied().collect())
}

/// Checks one entry of the sandbox's `GET /_sandbox/calls` log (`method`, `path`, `status`,
/// `request_body`, `response_body`). Calls that are not Meetings API calls pass unchecked; faulted calls
/// (`fault` set: injected 500/503/504) are skipped, except `rate_limit_429` and `hang_after_commit`.
pub fn validate_call(call: &Value) -> Result<(), Vec<String>> {
    let method = call["method"].as_str().unwrap_or("");
    let path = call["path"].as_str().unwrap_or("");
    let Some(operation_id) = operation_for(method, path) else {
        return Ok(());
    };
    if matches!(call["fault"].as_str(), Some("error_500" | "error_503" | "hang")) {
        return Ok(());
    }
    let status = call["status"].as_u64().unwrap_or(0) as u16;
    let context = |problems: Vec<String>, what: &str| -> Vec<String> {
        problems
            .into_iter()
            .map(|p| format!("{method} {path} {what}: {p}"))
            .collect()
    };
    let mut problems = Vec::new();
    // Authentication failures (401 124 / 400 4711) are not part of the Meetings document.
    let auth_failure =
        status == 401 || (status == 400 && matches!(call["response_body"]["code"].as_u64(), Some(4711 | 4700)));
    // A request Zoom refused as invalid is allowed to break the request schema.
    let refused = status == 400 && call["response_body"]["code"].as_u64() == Some(300);
    if !refused && !auth_failure {
        if let Err(p) = validate_request(operation_id, &call["request_body"]) {
            problems.extend(context(p, "request"));
        }
    }
    if !auth_failure {
        if let Err(p) = validate_response(operation_id, status, &call["response_body"]) {
            problems.extend(context(p, &format!("response {status}")));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

// ---- internals ---------------------------------------------------------------------------------------

struct Operation {
    request: Option<Validator>,
    request_schema: Option<Value>,
    /// `None`: documented without a body schema.
    responses: BTreeMap<u16, Option<Validator>>,
}

struct Contract {
    spec: Value,
    operations: BTreeMap<String, Operation>,
    error: Validator,
}

fn contract() -> Result<&'static Contract, String> {
    static CONTRACT: OnceLock<Result<Contract, String>> = OnceLock::new();
    CONTRACT.get_or_init(load).as_ref().map_err(Clone::clone)
}

fn operation(operation_id: &str) -> Result<&'static Operation, Vec<String>> {
    let contract = contract().map_err(|e| vec![e])?;
    contract.operations.get(operation_id).ok_or_else(|| {
        vec![format!(
            "unknown operation {operation_id:?}; the document has {}",
            OPERATIONS.join(", ")
        )]
    })
}

fn documented(operation: &Operation) -> String {
    operation
        .responses
        .keys()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn errors(validator: &Validator, instance: &Value) -> Result<(), Vec<String>> {
    let problems: Vec<String> = validator
        .iter_errors(instance)
        .map(|e| {
            let at = e.instance_path().to_string();
            format!("{}: {e}", if at.is_empty() { "/" } else { &at })
        })
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

fn load() -> Result<Contract, String> {
    let (text, origin) = match spec_override()? {
        Some(path) => (
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?,
            path.display().to_string(),
        ),
        None => (VENDORED_SPEC.to_string(), "spec/meetings-openapi.json".to_string()),
    };
    let spec: Value = serde_json::from_str(&text).map_err(|e| format!("{origin}: {e}"))?;
    let components = spec["components"].clone();
    let mut operations = BTreeMap::new();
    let paths = spec["paths"].as_object().ok_or("the document has no paths")?;
    for item in paths.values() {
        for (method, op) in item.as_object().into_iter().flatten() {
            if !["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                continue;
            }
            let Some(id) = op["operationId"].as_str() else {
                continue;
            };
            let request_schema = json_schema_of(&op["requestBody"]).cloned();
            let request = request_schema
                .as_ref()
                .map(|s| compile(&components, s, DateTimes::Request))
                .transpose()
                .map_err(|e| format!("{id} request: {e}"))?;
            let mut responses = BTreeMap::new();
            for (status, response) in op["responses"].as_object().into_iter().flatten() {
                let Ok(code) = status.parse::<u16>() else {
                    continue;
                };
                let validator = json_schema_of(response)
                    .map(|s| compile(&components, s, DateTimes::Response))
                    .transpose()
                    .map_err(|e| format!("{id} {status}: {e}"))?;
                responses.insert(code, validator);
            }
            operations.insert(
                id.to_owned(),
                Operation {
                    request,
                    request_schema,
                    responses,
                },
            );
        }
    }
    let error_schema = json!({
        "type": "object",
        "required": ["code", "message"],
        "properties": {
            "code": { "type": "integer" },
            "message": { "type": "string", "minLength": 1 },
            "errors": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["field", "message"],
                    "properties": { "field": { "type": "string" }, "message": { "type": "string" } }
                }
            }
        }
    });
    let error = compile(&Value::Null, &error_schema, DateTimes::Response)?;
    Ok(Contract {
        spec,
        operations,
        error,
    })
}

fn json_schema_of(holder: &Value) -> Option<&Value> {
    holder["content"]["application/json"]["schema"]
        .as_object()
        .map(|_| &holder["content"]["application/json"]["schema"])
}

#[derive(Clone, Copy)]
enum DateTimes {
    Request,
    Response,
}

fn compile(components: &Value, schema: &Value, date_times: DateTimes) -> Result<Validator, String> {
    let mut root = match schema.get("$ref") {
        Some(reference) => json!({ "$ref": reference }),
        None => schema.clone(),
    };
    if let (Some(object), false) = (root.as_object_mut(), components.is_null()) {
        object.insert("components".to_owned(), components.clone());
    }
    let options = jsonschema::options()
        .with_draft(Draft::Draft4)
        .should_validate_formats(true);
    let options = match date_times {
        DateTimes::Request => options.with_format("date-time", |s: &str| {
            is_rfc3339(s) || chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S").is_ok()
        }),
        DateTimes::Response => options.with_format("date-time", |s: &str| is_rfc3339(s) && s.ends_with('Z')),
    };
    options.build(&root).map_err(|e| e.to_string())
}

/// Zoom's meeting event payloads as `spec/meeting-events.schema.json` records them (facts §10).
const MEETING_EVENTS_SCHEMA: &str = include_str!("../spec/meeting-events.schema.json");

/// Checks one delivered meeting event (`meeting.created` … `meeting.ended`) against the shapes Zoom sends.
pub fn validate_meeting_event(event: &Value) -> Result<(), Vec<String>> {
    static VALIDATOR: OnceLock<Validator> = OnceLock::new();
    let validator = VALIDATOR.get_or_init(|| {
        let schema: Value = serde_json::from_str(MEETING_EVENTS_SCHEMA).expect("the meeting events schema is JSON");
        jsonschema::options()
            .with_draft(Draft::Draft202012)
            .should_validate_formats(true)
            .with_format("date-time", |s: &str| is_rfc3339(s) && s.ends_with('Z'))
            .build(&schema)
            .expect("the meeting events schema compiles")
    });
    let problems: Vec<String> = validator
        .iter_errors(event)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

fn is_rfc3339(s: &str) -> bool {
    chrono::DateTime::parse_from_rfc3339(s).is_ok()
}

/// Follows `$ref` and `allOf` to the properties an object schema names.
fn known_properties<'a>(spec: &'a Value, schema: &'a Value, out: &mut Map<String, Value>) {
    if let Some(reference) = schema["$ref"].as_str() {
        if let Some(target) = reference.strip_prefix('#').and_then(|pointer| spec.pointer(pointer)) {
            known_properties(spec, target, out);
        }
        return;
    }
    for part in schema["allOf"].as_array().into_iter().flatten() {
        known_properties(spec, part, out);
    }
    for (name, property) in schema["properties"].as_object().into_iter().flatten() {
        out.insert(name.clone(), property.clone());
    }
}

fn unknown_properties(spec: &Value, schema: &Value, instance: &Value, at: &str, out: &mut Vec<String>) {
    match instance {
        Value::Object(fields) => {
            let mut known = Map::new();
            known_properties(spec, schema, &mut known);
            if known.is_empty() {
                return; // a free-form object
            }
            for (name, value) in fields {
                match known.get(name) {
                    Some(property) => {
                        unknown_properties(spec, property, value, &format!("{at}/{name}"), out);
                    }
                    None => out.push(format!("{at}/{name}: not a property the document names")),
                }
            }
        }
        Value::Array(items) => {
            let mut item_schema = schema.clone();
            if let Some(reference) = schema["$ref"].as_str() {
                if let Some(target) = reference.strip_prefix('#').and_then(|p| spec.pointer(p)) {
                    item_schema = target.clone();
                }
            }
            for (index, item) in items.iter().enumerate() {
                unknown_properties(spec, &item_schema["items"], item, &format!("{at}/{index}"), out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests;
