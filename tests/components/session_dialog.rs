//! The create / edit dialog: its fields, the checks it makes before saving, and server errors next to their field.
#![cfg(target_arch = "wasm32")]

use std::sync::{Arc, Mutex};

use crate::support::{mount, set_value, Mounted};
use api::sessions::SessionInput;
use betterbeing_zoom_web::components::session_dialog::{SessionDialog, NOTES_HINT};
use betterbeing_zoom_web::logic::session_form::{Field, FieldError, SessionDraft};
use betterbeing_zoom_web::logic::zones::zone_options;
use chrono::{Datelike, NaiveDate, NaiveTime, Utc, Weekday};
use leptos::prelude::*;
use leptos::task::tick;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlDialogElement, HtmlInputElement, HtmlSelectElement};

type Saved = Arc<Mutex<Vec<SessionInput>>>;

/// Next year: always ahead, and always within the two years a session may be scheduled ahead.
fn next_year() -> i32 {
    Utc::now().year() + 1
}

fn day(month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(next_year(), month, day).unwrap()
}

fn draft() -> SessionDraft {
    SessionDraft::new_at(day(11, 25), NaiveTime::from_hms_opt(9, 0, 0).unwrap(), "Europe/London")
}

fn mount_dialog(draft: SessionDraft, server_error: RwSignal<Option<FieldError>>, saved: &Saved) -> Mounted {
    let saved = saved.clone();
    mount(move || {
        view! {
            <SessionDialog
                draft=draft
                title="New session"
                zone_options=zone_options(["Europe/London"])
                on_save=move |(input, _): (SessionInput, SessionDraft)| saved.lock().unwrap().push(input)
                on_close=|| ()
                server_error=server_error
            />
        }
    })
}

fn input(page: &Mounted, selector: &str) -> HtmlInputElement {
    page.get(selector).unchecked_into()
}

fn errors(page: &Mounted) -> Vec<(String, String)> {
    page.all("[data-testid=field-error]")
        .into_iter()
        .map(|e| {
            (
                e.get_attribute("data-field").unwrap_or_default(),
                e.text_content().unwrap_or_default(),
            )
        })
        .collect()
}

fn focused_id() -> String {
    document().active_element().map(|e| e.id()).unwrap_or_default()
}

#[wasm_bindgen_test]
async fn opens_with_labelled_fields_and_defaults() {
    let saved = Saved::default();
    let page = mount_dialog(draft(), RwSignal::new(None), &saved);
    tick().await;
    let dialog: HtmlDialogElement = page.get("[data-testid=session-dialog]").unchecked_into();
    assert!(dialog.open(), "opens as a modal when mounted");
    for id in [
        "session-client",
        "session-date",
        "session-time",
        "session-duration",
        "session-time-zone",
        "session-notes",
        "session-topic-opt-in",
    ] {
        assert!(page.find(&format!("label[for={id}]")).is_some(), "{id} has a label");
    }
    assert_eq!(input(&page, "#session-duration").value(), "50");
    assert_eq!(input(&page, "#session-date").value(), day(11, 25).to_string());
    assert_eq!(input(&page, "#session-time").value(), "09:00");
    assert!(
        !input(&page, "#session-topic-opt-in").checked(),
        "the client's name stays out of Zoom by default"
    );
    let zone: HtmlSelectElement = page.get("#session-time-zone").unchecked_into();
    assert_eq!(zone.value(), "Europe/London");
    assert_eq!(page.text("[data-testid=notes-hint]"), NOTES_HINT);
    assert!(page.text("[data-testid=session-dialog]").contains("neutral title"));
}

#[wasm_bindgen_test]
async fn an_empty_client_is_refused_with_focus_on_it() {
    let saved = Saved::default();
    let page = mount_dialog(draft(), RwSignal::new(None), &saved);
    tick().await;
    page.get("[data-testid=save-session]").click();
    tick().await;
    assert_eq!(
        errors(&page),
        vec![("client_name".into(), "Enter the client\u{2019}s name.".into())]
    );
    assert_eq!(focused_id(), "session-client");
    assert_eq!(
        input(&page, "#session-client").get_attribute("aria-invalid").as_deref(),
        Some("true")
    );
    assert!(saved.lock().unwrap().is_empty());
}

#[wasm_bindgen_test]
async fn a_time_skipped_by_dst_and_a_bad_duration_are_refused() {
    let saved = Saved::default();
    let page = mount_dialog(draft(), RwSignal::new(None), &saved);
    tick().await;
    set_value(&page.get("#session-client"), "Alex Kim");
    // Clocks in London jump from 01:00 to 02:00 on the last Sunday of March.
    let mut change = day(3, 31);
    while change.weekday() != Weekday::Sun {
        change = change.pred_opt().unwrap();
    }
    set_value(&page.get("#session-date"), &change.to_string());
    set_value(&page.get("#session-time"), "01:30");
    set_value(&page.get("#session-duration"), "1000");
    page.get("[data-testid=save-session]").click();
    tick().await;
    let found = errors(&page);
    assert_eq!(
        found.iter().map(|(f, _)| f.as_str()).collect::<Vec<_>>(),
        vec!["start", "duration"]
    );
    assert!(found[0].1.contains("does not exist"), "{}", found[0].1);
    assert_eq!(focused_id(), "session-date");
    assert!(saved.lock().unwrap().is_empty());
}

#[wasm_bindgen_test]
async fn a_tab_in_the_name_a_control_character_in_notes_and_year_9999_are_refused() {
    let saved = Saved::default();
    let page = mount_dialog(draft(), RwSignal::new(None), &saved);
    tick().await;
    set_value(&page.get("#session-client"), "Alex\tKim");
    set_value(&page.get("#session-date"), "9999-12-31");
    set_value(&page.get("#session-notes"), "Line one\nline two\u{7}");
    page.get("[data-testid=save-session]").click();
    tick().await;
    let found = errors(&page);
    assert_eq!(
        found.iter().map(|(f, _)| f.as_str()).collect::<Vec<_>>(),
        vec!["client_name", "start", "notes"],
        "{found:?}"
    );
    assert!(found[0].1.contains("control characters"), "{}", found[0].1);
    assert!(found[1].1.contains("at most two years ahead"), "{}", found[1].1);
    assert!(found[2].1.contains("line breaks and tabs"), "{}", found[2].1);
    assert_eq!(focused_id(), "session-client");
    assert!(saved.lock().unwrap().is_empty());

    // Line breaks and tabs in notes are fine.
    set_value(&page.get("#session-client"), "Alex Kim");
    set_value(&page.get("#session-date"), &day(12, 2).to_string());
    set_value(&page.get("#session-notes"), "Line one\nline two\n\tindented");
    page.get("[data-testid=save-session]").click();
    tick().await;
    assert!(errors(&page).is_empty(), "{:?}", errors(&page));
    assert_eq!(saved.lock().unwrap()[0].private_notes, "Line one\nline two\n\tindented");
}

#[wasm_bindgen_test]
async fn a_good_session_is_saved_with_what_was_typed() {
    let saved = Saved::default();
    let page = mount_dialog(draft(), RwSignal::new(None), &saved);
    tick().await;
    set_value(&page.get("#session-client"), "  Alex Kim ");
    set_value(&page.get("#session-date"), &day(12, 2).to_string());
    set_value(&page.get("#session-time"), "14:30");
    set_value(&page.get("#session-time-zone"), "America/New_York");
    set_value(&page.get("#session-notes"), "Bring worksheet");
    input(&page, "#session-topic-opt-in").click();
    page.get("[data-testid=save-session]").click();
    tick().await;
    assert!(errors(&page).is_empty(), "{:?}", errors(&page));
    let saved = saved.lock().unwrap();
    assert_eq!(saved.len(), 1);
    let input = &saved[0];
    assert_eq!(input.client_name, "Alex Kim");
    assert_eq!(input.start_local.to_string(), format!("{} 14:30:00", day(12, 2)));
    assert_eq!(input.time_zone, "America/New_York");
    assert_eq!(input.duration_minutes, 50);
    assert_eq!(input.private_notes, "Bring worksheet");
    assert!(input.client_name_in_zoom_topic);
}

#[wasm_bindgen_test]
async fn a_server_error_lands_next_to_its_field() {
    let saved = Saved::default();
    let server_error = RwSignal::new(None);
    let page = mount_dialog(draft(), server_error, &saved);
    tick().await;
    server_error.set(Some(FieldError {
        field: Field::TimeZone,
        message: "Choose a time zone from the list.".into(),
    }));
    tick().await;
    assert_eq!(
        errors(&page),
        vec![("time_zone".into(), "Choose a time zone from the list.".into())]
    );
    assert_eq!(focused_id(), "session-time-zone");
}
