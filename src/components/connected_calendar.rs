use api::calendar_sync::{CalDavCredentials, CalendarConnection, CalendarState, CalendarTest};
use leptos::html::Dialog;
use leptos::prelude::*;
use stylers::style;

use crate::components::confirm_dialog::ConfirmDialog;

/// What the connected calendar does, in the practitioner's words; true of `crates/server/src/calendar_sync.rs`.
pub const HOW_IT_WORKS: [&str; 4] = [
    "Each session you create, reschedule or cancel reaches your calendar within seconds, with its Zoom link.",
    "If your calendar server is unreachable, your sessions are saved and sent as soon as it answers again.",
    "BetterBeing keeps each session's event in line with the session: an event changed in your calendar app is rewritten the next time the session changes, so edit sessions in BetterBeing.",
    "Your password is stored encrypted and is never shown again. Private notes are never written to your calendar.",
];

pub const DISCONNECT_EXPLAINED: &str = "BetterBeing stops writing to this calendar and forgets the password. Events it already wrote stay in your calendar and are no longer updated; delete them in your calendar app if you no longer want them.";

/// Console → Calendar sync, "Connected calendar": connect a CalDAV account (server URL, username, app-specific
/// password), pick the calendar, see where it stands, test it, disconnect. The owner talks to the server through
/// the callbacks; this component only shows and asks.
#[component]
pub fn ConnectedCalendarView(
    /// `None`: no calendar connected.
    #[prop(into)]
    connection: Signal<Option<CalendarConnection>>,
    #[prop(into)] on_connect: Callback<CalDavCredentials>,
    #[prop(into)] on_choose: Callback<String>,
    #[prop(into)] on_test: Callback<()>,
    #[prop(into)] on_disconnect: Callback<()>,
    /// A request is on its way (every button waits for it).
    #[prop(into)]
    busy: Signal<bool>,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(into)] test_result: Signal<Option<CalendarTest>>,
    /// The disconnect confirmation's own error.
    #[prop(into)]
    disconnect_error: Signal<Option<String>>,
    /// Owned by the caller so it can close the dialog once disconnected.
    disconnect_dialog: NodeRef<Dialog>,
) -> impl IntoView {
    let class = style! {"ConnectedCalendarView",
        .panel {
            background: var(--bb-color-surface);
            border: 1px solid var(--bb-color-border);
            border-radius: var(--bb-radius-large);
            padding: 1.5rem;
            margin: 0 0 1.5rem 0;
            box-shadow: var(--bb-shadow);
        }
        h2 {
            font-size: 1.25rem;
            margin: 0 0 0.75rem 0;
        }
        p {
            margin: 0 0 0.75rem 0;
        }
        ul {
            margin: 0 0 1rem 0;
            padding-left: 1.25rem;
        }
        li {
            margin-bottom: 0.25rem;
        }
        form {
            max-width: 32rem;
        }
        fieldset {
            border: 0;
            margin: 0 0 1rem 0;
            padding: 0;
        }
        legend {
            font-weight: 600;
            margin-bottom: 0.5rem;
        }
        .choice {
            display: flex;
            gap: 0.5rem;
            align-items: center;
            margin-bottom: 0.375rem;
        }
        .actions {
            display: flex;
            flex-wrap: wrap;
            gap: 0.75rem;
            margin-top: 0.5rem;
        }
        .notice {
            border-radius: var(--bb-radius);
            padding: 0.625rem 0.875rem;
            margin: 0 0 1rem 0;
        }
        .error {
            color: var(--bb-color-danger-text);
            background: var(--bb-color-danger-surface);
            border: 1px solid var(--bb-color-danger-border);
        }
        .ok {
            background: var(--bb-color-success-surface);
            border: 1px solid var(--bb-color-success-border);
        }
        .muted {
            color: var(--bb-color-text-muted);
        }
    };

    let server_url = RwSignal::new(String::new());
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    // "Connect again" on a failed connection shows the form, prefilled with what is known.
    let reconnecting = RwSignal::new(false);
    let picked = RwSignal::new(None::<String>);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        on_connect.run(CalDavCredentials {
            server_url: server_url.get_untracked(),
            username: username.get_untracked(),
            password: password.get_untracked(),
        });
    };
    // A new answer from the server: the form is done with (the password never lingers in the page).
    Effect::new(move |_| {
        if let Some(c) = connection.get() {
            password.set(String::new());
            if c.state != CalendarState::Failed {
                reconnecting.set(false);
            }
        }
    });

    let form = move || {
        view! { class = class,
            <form data-testid="caldav-form" on:submit=submit novalidate>
                <div class="bb-field">
                    <label for="caldav-server-url">"Server URL"</label>
                    <input
                        id="caldav-server-url"
                        data-testid="caldav-server-url"
                        type="text"
                        inputmode="url"
                        autocomplete="url"
                        placeholder="https://caldav.icloud.com"
                        aria-describedby="caldav-server-url-hint"
                        prop:value=move || server_url.get()
                        on:input=move |ev| server_url.set(event_target_value(&ev))
                    />
                    <p class="bb-field-hint" id="caldav-server-url-hint">
                        "Apple iCloud: https://caldav.icloud.com \u{b7} Fastmail: https://caldav.fastmail.com \u{b7} Nextcloud: https://your-server/remote.php/dav"
                    </p>
                </div>
                <div class="bb-field">
                    <label for="caldav-username">"Username"</label>
                    <input
                        id="caldav-username"
                        data-testid="caldav-username"
                        type="text"
                        autocomplete="username"
                        prop:value=move || username.get()
                        on:input=move |ev| username.set(event_target_value(&ev))
                    />
                </div>
                <div class="bb-field">
                    <label for="caldav-password">"App-specific password"</label>
                    <input
                        id="caldav-password"
                        data-testid="caldav-password"
                        type="password"
                        autocomplete="off"
                        aria-describedby="caldav-password-hint"
                        prop:value=move || password.get()
                        on:input=move |ev| password.set(event_target_value(&ev))
                    />
                    <p class="bb-field-hint" id="caldav-password-hint">
                        "iCloud and Fastmail need an app-specific password, made in your account\u{2019}s security settings, not your account password."
                    </p>
                </div>
                <div class="actions">
                    <button
                        type="submit"
                        class="bb-button bb-button-primary"
                        data-testid="caldav-connect"
                        disabled=busy
                        aria-busy=move || busy.get().to_string()
                    >
                        {move || if busy.get() { "Connecting\u{2026}" } else { "Connect calendar" }}
                    </button>
                </div>
            </form>
        }
    };

    let choose = move |c: CalendarConnection| {
        let first = c.calendars.first().map(|k| k.url.clone());
        if picked
            .get_untracked()
            .is_none_or(|p| !c.calendars.iter().any(|k| k.url == p))
        {
            picked.set(first);
        }
        let host = host_of(&c.server_url);
        view! { class = class,
            <form
                data-testid="calendar-choose"
                on:submit=move |ev: leptos::ev::SubmitEvent| {
                    ev.prevent_default();
                    if let Some(url) = picked.get_untracked() {
                        on_choose.run(url);
                    }
                }
            >
                <fieldset>
                    <legend>{format!("Pick the calendar for your sessions ({} on {host})", c.username)}</legend>
                    {c.calendars.into_iter().enumerate().map(|(i, k)| {
                        let id = format!("calendar-choice-{i}");
                        let url = k.url.clone();
                        let checked = {
                            let url = url.clone();
                            move || picked.get().as_deref() == Some(url.as_str())
                        };
                        view! { class = class,
                            <div class="choice">
                                <input
                                    type="radio"
                                    name="calendar"
                                    id=id.clone()
                                    data-testid="calendar-choice"
                                    value=url.clone()
                                    prop:checked=checked
                                    on:change=move |_| picked.set(Some(url.clone()))
                                />
                                <label for=id>{k.name}</label>
                            </div>
                        }
                    }).collect_view()}
                </fieldset>
                <div class="actions">
                    <button type="submit" class="bb-button bb-button-primary" data-testid="calendar-use" disabled=busy>
                        "Use this calendar"
                    </button>
                    <button
                        type="button"
                        class="bb-button bb-button-secondary"
                        data-testid="calendar-choose-cancel"
                        disabled=busy
                        on:click=move |_| on_disconnect.run(())
                    >
                        "Cancel"
                    </button>
                </div>
            </form>
        }
    };

    let summary = move |c: CalendarConnection| {
        let host = host_of(&c.server_url);
        let name = c.calendar.as_ref().map(|k| k.name.clone()).unwrap_or_default();
        let failed = c.state == CalendarState::Failed;
        let waiting = match c.waiting {
            0 => "Every session is in your calendar.".to_string(),
            1 => "1 session is on its way to your calendar.".to_string(),
            n => format!("{n} sessions are on their way to your calendar."),
        };
        view! { class = class,
            <p data-testid="calendar-summary">
                {format!("Sessions go to \u{201c}{name}\u{201d} on {host}, as {}.", c.username)}
            </p>
            {c.problem.filter(|_| failed).map(|problem| view! { class = class,
                <p class="notice error" data-testid="calendar-problem" role="alert">{problem}</p>
            })}
            <p data-testid="calendar-waiting" class:muted=move || c.waiting == 0>{waiting}</p>
            {c.retrying_because.map(|why| view! { class = class,
                <p class="notice error" data-testid="calendar-retrying" role="status">{why}</p>
            })}
            {move || test_result.get().map(|t| {
                let kind = if t.ok { "notice ok" } else { "notice error" };
                view! { class = class, <p class=kind data-testid="calendar-test-result" role="status">{t.message}</p> }
            })}
            <div class="actions">
                <button
                    type="button"
                    class="bb-button bb-button-secondary"
                    data-testid="calendar-test"
                    disabled=busy
                    on:click=move |_| on_test.run(())
                >
                    "Test connection"
                </button>
                {failed.then(|| view! { class = class,
                    <button
                        type="button"
                        class="bb-button bb-button-primary"
                        data-testid="calendar-reconnect"
                        disabled=busy
                        on:click=move |_| reconnecting.set(true)
                    >
                        "Connect again"
                    </button>
                })}
                <button
                    type="button"
                    class="bb-button bb-button-danger-outline"
                    data-testid="calendar-disconnect"
                    disabled=busy
                    on:click=move |_| {
                        if let Some(dialog) = disconnect_dialog.get_untracked() {
                            let _ = dialog.show_modal();
                        }
                    }
                >
                    "Disconnect calendar"
                </button>
            </div>
        }
    };

    let state_name = move || match connection.get().map(|c| c.state) {
        None => "none",
        Some(CalendarState::Choosing) => "choosing",
        Some(CalendarState::Connected) => "connected",
        Some(CalendarState::Failed) => "failed",
    };
    let body = move || match connection.get() {
        None => form().into_any(),
        Some(c) if c.state == CalendarState::Choosing => choose(c).into_any(),
        Some(c) if reconnecting.get() => {
            if server_url.get_untracked().is_empty() {
                server_url.set(c.server_url.clone());
                username.set(c.username.clone());
            }
            form().into_any()
        }
        Some(c) => summary(c).into_any(),
    };

    view! { class = class,
        <section class="panel" data-testid="connected-calendar" data-state=state_name aria-labelledby="connected-calendar-title">
            <h2 id="connected-calendar-title">"Connected calendar"</h2>
            <p>
                "Write your sessions straight into your own calendar: Apple iCloud, Fastmail, Nextcloud or any other CalDAV calendar."
            </p>
            <ul>
                {HOW_IT_WORKS.iter().map(|line| view! { <li>{*line}</li> }).collect_view()}
            </ul>
            {move || error.get().map(|message| view! { class = class,
                <p class="notice error" data-testid="calendar-error" role="alert">{message}</p>
            })}
            {body}
        </section>
        <ConfirmDialog
            node_ref=disconnect_dialog
            testid="calendar-disconnect-dialog"
            title_id="calendar-disconnect-title"
            described_by="calendar-disconnect-explained"
            title=Signal::derive(|| "Disconnect your calendar?".to_string())
            confirm_label="Disconnect calendar"
            busy_label="Disconnecting\u{2026}"
            confirm_testid="calendar-disconnect-confirm"
            cancel_testid="calendar-disconnect-cancel"
            danger=true
            compact=true
            busy=busy
            error=disconnect_error
            on_confirm=on_disconnect
        >
            <p id="calendar-disconnect-explained">{DISCONNECT_EXPLAINED}</p>
        </ConfirmDialog>
    }
}

fn host_of(url: &str) -> String {
    url.split("://")
        .nth(1)
        .and_then(|rest| rest.split(['/', '?', '#']).next())
        .filter(|h| !h.is_empty())
        .unwrap_or(url)
        .to_string()
}
