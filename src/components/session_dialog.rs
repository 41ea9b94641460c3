use api::sessions::{SessionInput, MAX_DURATION_MINUTES, MIN_DURATION_MINUTES};
use chrono::{DateTime, Utc};
use leptos::html::{Dialog, Input, Select, Textarea};
use leptos::prelude::*;
use stylers::style;
use wasm_bindgen::JsCast;

use crate::logic::session_form::{self, Field, FieldError, SessionDraft};
use crate::logic::zones::zone_label;

pub const NOTES_HINT: &str = "Private: never sent to Zoom or to calendar feeds";
pub const TOPIC_HINT: &str = "Off by default: the Zoom meeting gets a neutral title that does not name your client.";

/// Create or edit a session: a native modal `<dialog>` that opens as soon as it is mounted and calls `on_close`
/// when it closes (Cancel, Esc). Checks the fields the way the server does before calling `on_save`; a server
/// error for a field comes back through `server_error` and is shown next to it.
#[component]
pub fn SessionDialog(
    draft: SessionDraft,
    #[prop(into)] title: String,
    zone_options: Vec<String>,
    #[prop(optional)] original_start: Option<DateTime<Utc>>,
    #[prop(into)] on_save: Callback<(SessionInput, SessionDraft)>,
    #[prop(into)] on_close: Callback<()>,
    #[prop(into, optional)] busy: Signal<bool>,
    #[prop(into, optional)] server_error: Signal<Option<FieldError>>,
    #[prop(into, optional)] error: Signal<Option<String>>,
) -> impl IntoView {
    let class = style! {"SessionDialog",
        dialog {
            max-width: 34rem;
            width: calc(100% - 2rem);
            border: 1px solid var(--bb-color-border);
            border-radius: var(--bb-radius-large);
            padding: 1.5rem;
            background: var(--bb-color-surface);
            color: var(--bb-color-text);
            box-shadow: var(--bb-shadow-raised);
        }
        h2 {
            margin: 0 0 1rem 0;
            font-size: 1.25rem;
        }
        .row {
            display: grid;
            grid-template-columns: repeat(3, minmax(0, 1fr));
            gap: 0 0.75rem;
        }
        .check {
            display: grid;
            grid-template-columns: auto 1fr;
            gap: 0.25rem 0.625rem;
            align-items: start;
            margin: 0 0 1rem 0;
        }
        .check input {
            width: 1.25rem;
            height: 1.25rem;
            margin: 0.15rem 0 0 0;
        }
        .check label {
            font-weight: 600;
        }
        .check .bb-field-hint {
            grid-column: 2;
        }
        .dialog-error {
            color: var(--bb-color-danger-text);
            background: var(--bb-color-danger-surface);
            border: 1px solid var(--bb-color-danger-border);
            border-radius: var(--bb-radius);
            padding: 0.625rem 0.875rem;
            margin: 0 0 1rem 0;
        }
        .actions {
            display: flex;
            flex-wrap: wrap;
            gap: 0.75rem;
            justify-content: flex-end;
        }
        @media (max-width: 32rem) {
            .row {
                grid-template-columns: 1fr;
            }
        }
    };

    let dialog = NodeRef::<Dialog>::new();
    let client = NodeRef::<Input>::new();
    let date = NodeRef::<Input>::new();
    let time = NodeRef::<Input>::new();
    let duration = NodeRef::<Input>::new();
    let zone = NodeRef::<Select>::new();
    let notes = NodeRef::<Textarea>::new();
    let topic = NodeRef::<Input>::new();
    let errors = RwSignal::new(Vec::<FieldError>::new());

    Effect::new(move |_| {
        if let Some(d) = dialog.get() {
            if !d.open() {
                let _ = d.show_modal();
            }
        }
    });

    let focus_first = move |list: &[FieldError]| {
        if let Some(field) = session_form::first_field(list) {
            if let Some(el) = document().get_element_by_id(field.input_id()) {
                let _ = el.unchecked_into::<web_sys::HtmlElement>().focus();
            }
        }
    };

    Effect::new(move |_| {
        if let Some(e) = server_error.get() {
            let list = vec![e];
            focus_first(&list);
            errors.set(list);
        }
    });

    // Read the controls at submit: whatever set them (typing, a date picker, a script) is what gets saved.
    let read = move || SessionDraft {
        client_name: client.get_untracked().map(|e| e.value()).unwrap_or_default(),
        date: date.get_untracked().map(|e| e.value()).unwrap_or_default(),
        time: time.get_untracked().map(|e| e.value()).unwrap_or_default(),
        duration: duration.get_untracked().map(|e| e.value()).unwrap_or_default(),
        time_zone: zone.get_untracked().map(|e| e.value()).unwrap_or_default(),
        notes: notes.get_untracked().map(|e| e.value()).unwrap_or_default(),
        client_name_in_zoom_topic: topic.get_untracked().map(|e| e.checked()).unwrap_or(false),
    };

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let current = read();
        match session_form::validate(&current, Utc::now(), original_start) {
            Ok(input) => {
                errors.set(Vec::new());
                on_save.run((input, current));
            }
            Err(list) => {
                focus_first(&list);
                errors.set(list);
            }
        }
    };

    let close = move || {
        if let Some(d) = dialog.get_untracked() {
            d.close();
        }
    };

    let message =
        move |field: Field| errors.with(|list| list.iter().find(|e| e.field == field).map(|e| e.message.clone()));
    let error_id = |field: Field| format!("{}-error", field.input_id());
    let described = move |field: Field, hint: Option<&'static str>| {
        let mut ids: Vec<String> = hint.map(str::to_string).into_iter().collect();
        if message(field).is_some() {
            ids.push(error_id(field));
        }
        ids.join(" ")
    };
    let field_error = move |field: Field| {
        move || {
            message(field).map(|text| {
                view! { class = class,
                    <p class="bb-field-error" id=error_id(field) data-testid="field-error" data-field=field.name()>
                        {text}
                    </p>
                }
            })
        }
    };
    let invalid = move |field: Field| move || message(field).is_some().to_string();

    let selected_zone = draft.time_zone.clone();
    let options = zone_options
        .into_iter()
        .map(|z| {
            let selected = z == selected_zone;
            view! { <option value=z.clone() selected=selected>{zone_label(&z)}</option> }
        })
        .collect_view();

    view! { class = class,
        <dialog
            node_ref=dialog
            data-testid="session-dialog"
            aria-labelledby="session-dialog-title"
            on:cancel=move |ev: leptos::ev::Event| {
                if busy.get_untracked() {
                    ev.prevent_default();
                }
            }
            on:close=move |_| on_close.run(())
        >
            <h2 id="session-dialog-title">{title}</h2>
            <form novalidate on:submit=submit>
                <div class="bb-field">
                    <label for="session-client">"Client"</label>
                    <input
                        id="session-client"
                        node_ref=client
                        type="text"
                        autocomplete="off"
                        autofocus
                        value=draft.client_name.clone()
                        aria-invalid=invalid(Field::ClientName)
                        aria-describedby=move || described(Field::ClientName, None)
                    />
                    {field_error(Field::ClientName)}
                </div>
                <div class="row">
                    <div class="bb-field">
                        <label for="session-date">"Date"</label>
                        <input
                            id="session-date"
                            node_ref=date
                            type="date"
                            value=draft.date.clone()
                            aria-invalid=invalid(Field::Start)
                            aria-describedby=move || described(Field::Start, None)
                        />
                    </div>
                    <div class="bb-field">
                        <label for="session-time">"Start time"</label>
                        <input
                            id="session-time"
                            node_ref=time
                            type="time"
                            value=draft.time.clone()
                            aria-invalid=invalid(Field::Start)
                            aria-describedby=move || described(Field::Start, None)
                        />
                    </div>
                    <div class="bb-field">
                        <label for="session-duration">"Duration (minutes)"</label>
                        <input
                            id="session-duration"
                            node_ref=duration
                            type="number"
                            inputmode="numeric"
                            min=MIN_DURATION_MINUTES.to_string()
                            max=MAX_DURATION_MINUTES.to_string()
                            step="5"
                            value=draft.duration.clone()
                            aria-invalid=invalid(Field::Duration)
                            aria-describedby=move || described(Field::Duration, None)
                        />
                    </div>
                </div>
                {field_error(Field::Start)}
                {field_error(Field::Duration)}
                <div class="bb-field">
                    <label for="session-time-zone">"Time zone"</label>
                    <select
                        id="session-time-zone"
                        node_ref=zone
                        aria-invalid=invalid(Field::TimeZone)
                        aria-describedby=move || described(Field::TimeZone, None)
                    >
                        {options}
                    </select>
                    {field_error(Field::TimeZone)}
                </div>
                <div class="bb-field">
                    <label for="session-notes">"Private notes"</label>
                    <p class="bb-field-hint" id="session-notes-hint" data-testid="notes-hint">{NOTES_HINT}</p>
                    <textarea
                        id="session-notes"
                        node_ref=notes
                        rows="4"
                        prop:value=draft.notes.clone()
                        aria-invalid=invalid(Field::Notes)
                        aria-describedby=move || described(Field::Notes, Some("session-notes-hint"))
                    ></textarea>
                    {field_error(Field::Notes)}
                </div>
                <div class="check">
                    <input
                        id="session-topic-opt-in"
                        node_ref=topic
                        type="checkbox"
                        checked=draft.client_name_in_zoom_topic
                        aria-describedby="session-topic-hint"
                    />
                    <label for="session-topic-opt-in">"Show the client\u{2019}s name in the Zoom meeting title"</label>
                    <p class="bb-field-hint" id="session-topic-hint">{TOPIC_HINT}</p>
                </div>
                {move || error.get().map(|text| view! { class = class,
                    <p class="dialog-error" role="alert" data-testid="dialog-error">{text}</p>
                })}
                <div class="actions">
                    <button type="button" class="bb-button bb-button-secondary" data-testid="cancel-session-edit" disabled=busy on:click=move |_| close()>
                        "Cancel"
                    </button>
                    <button
                        type="submit"
                        class="bb-button bb-button-primary"
                        data-testid="save-session"
                        disabled=busy
                        aria-busy=move || busy.get().to_string()
                    >
                        {move || if busy.get() { "Saving\u{2026}" } else { "Save" }}
                    </button>
                </div>
            </form>
        </dialog>
    }
}
