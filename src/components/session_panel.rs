use api::sessions::{ChangedInZoom, Session, ZoomNotice, ZoomSync, ZoomTimeChoice};
use api::zoom::ZoomStatus;
use leptos::html::Dialog;
use leptos::prelude::*;
use stylers::style;

use crate::components::cancel_session_dialog::CancelSessionDialog;
use crate::components::copy::CopyFeedback;
use crate::components::session_dialog::NOTES_HINT;
use crate::logic::link_state::{self, FailureHelp};
use crate::logic::zones::{zone_label, Zone};
use crate::logic::{dates, guidance};

/// The product documentation's words about launching Zoom.
pub const OPEN_ZOOM_NOTE: &str = "Your browser may display a prompt asking to \u{201c}Open Zoom Meetings\u{201d} \u{2014} click Allow to launch the Zoom desktop application. If you prefer, you can also join via the browser without installing the app.";
pub const START_LABEL: &str = "Start Zoom Session";
pub const OUTDATED_NOTE: &str = "This link is from before the reschedule; a new link is on its way.";
pub const REMADE_NOTE: &str = "Zoom no longer had this session\u{2019}s meeting when BetterBeing checked before the session, so it made a new one. The Zoom link changed: send your client the new link, or the session link below (it always leads to the current meeting).";
pub const SWITCHED_NOTE: &str = "You switched Zoom accounts, so this session has a new meeting on the new account. The Zoom link changed: send your client the new link, or the session link below (it always leads to the current meeting).";
pub const SESSION_LINK_NOTE: &str = "It always leads to this session\u{2019}s current Zoom meeting, even after a reschedule, and tells your client if the session was cancelled. Share it instead of the Zoom link if the time may change.";

/// One session: its Zoom link at the top (open, copy, start), where the link stands with Zoom and what to do about
/// it, the session's details, and Edit / Cancel session. The owner does every request through the callbacks.
#[component]
pub fn SessionPanel(
    #[prop(into)] session: Signal<Session>,
    /// The calendar's zone.
    #[prop(into)]
    zone: Signal<Zone>,
    /// The Zoom connection, once known: decides between "Add Zoom link" and "Connect Zoom Account".
    #[prop(into)]
    zoom_status: Signal<Option<ZoomStatus>>,
    #[prop(into)] zoom_page_href: String,
    #[prop(into)] on_start: Callback<()>,
    #[prop(into)] on_add_link: Callback<()>,
    #[prop(into)] on_edit: Callback<()>,
    #[prop(into)] on_cancel_session: Callback<()>,
    #[prop(into, optional)] on_close: Option<Callback<()>>,
    #[prop(into, optional)] starting: Signal<bool>,
    #[prop(into, optional)] start_problem: Signal<Option<FailureHelp>>,
    #[prop(into, optional)] link_busy: Signal<bool>,
    #[prop(into, optional)] link_error: Signal<Option<String>>,
    #[prop(into, optional)] cancelling: Signal<bool>,
    #[prop(into, optional)] cancel_error: Signal<Option<String>>,
    /// The session as an `.ics` file (the API URL), for "Download .ics".
    #[prop(into, optional)]
    ics_href: Signal<Option<String>>,
    /// The meeting was moved in Zoom: "Put it back in Zoom" or "Use Zoom's time".
    #[prop(into, optional)]
    on_resolve_zoom_time: Option<Callback<ZoomTimeChoice>>,
    #[prop(into, optional)] resolving: Signal<bool>,
    /// Just rescheduled in this panel: the message for the client is offered first.
    #[prop(into, optional)]
    rescheduled: Signal<bool>,
) -> impl IntoView {
    let class = style! {"SessionPanel",
        .panel {
            background: var(--bb-color-surface);
            border: 1px solid var(--bb-color-border);
            border-radius: var(--bb-radius-large);
            padding: 1.25rem 1.5rem 1.5rem 1.5rem;
            box-shadow: var(--bb-shadow-raised);
        }
        header {
            display: flex;
            align-items: flex-start;
            justify-content: space-between;
            gap: 1rem;
        }
        h2 {
            font-size: 1.25rem;
            margin: 0 0 0.25rem 0;
        }
        h3 {
            font-size: 1rem;
            margin: 0 0 0.5rem 0;
        }
        p {
            margin: 0 0 0.625rem 0;
        }
        .when {
            color: var(--bb-color-text-muted);
            margin: 0 0 1rem 0;
        }
        .zoom {
            border: 1px solid var(--bb-color-border);
            border-radius: var(--bb-radius);
            background: var(--bb-color-surface-muted);
            padding: 1rem;
            margin: 0 0 1.25rem 0;
        }
        .label {
            font-size: 0.875rem;
            color: var(--bb-color-text-muted);
            margin: 0 0 0.25rem 0;
        }
        .join {
            font-family: var(--bb-font-mono);
            font-size: 0.9375rem;
            overflow-wrap: anywhere;
        }
        .actions {
            display: flex;
            flex-wrap: wrap;
            gap: 0.625rem;
            margin: 0.75rem 0;
        }
        .feedback {
            min-height: 1.5rem;
            margin: 0;
            font-weight: 600;
            color: var(--bb-color-primary);
        }
        .note {
            font-size: 0.9375rem;
            color: var(--bb-color-text-muted);
        }
        .problem {
            background: var(--bb-color-danger-surface);
            border: 1px solid var(--bb-color-danger-border);
            border-radius: var(--bb-radius);
            padding: 0.75rem 1rem;
            margin: 0.5rem 0 0.75rem 0;
        }
        .state {
            border-radius: var(--bb-radius);
            padding: 0.75rem 1rem;
            margin: 0.75rem 0 0 0;
        }
        .state:empty {
            display: none;
        }
        .state[data-state="no_link"], .state[data-state="pending"] {
            background: var(--bb-color-info-surface);
            border-left: 4px solid var(--bb-color-info-border);
        }
        .state[data-state="retrying"] {
            background: var(--bb-color-warning-surface);
            border-left: 4px solid var(--bb-color-warning-border);
        }
        .state[data-state="failed"] {
            background: var(--bb-color-danger-surface);
            border-left: 4px solid var(--bb-color-danger-border);
        }
        .message {
            margin: 1rem 0 0 0;
        }
        .message[data-highlight="true"] {
            background: var(--bb-color-info-surface);
            border-left: 4px solid var(--bb-color-info-border);
            border-radius: var(--bb-radius);
            padding: 0.75rem 1rem;
        }
        .message-text {
            white-space: pre-wrap;
            overflow-wrap: anywhere;
            background: var(--bb-color-surface);
            border: 1px solid var(--bb-color-border);
            border-radius: var(--bb-radius);
            padding: 0.625rem 0.75rem;
            font-size: 0.9375rem;
        }
        .stable {
            border-top: 1px solid var(--bb-color-border);
            margin: 1rem 0 0 0;
            padding: 1rem 0 0 0;
        }
        .in-progress {
            display: inline-block;
            margin: 0 0 0.5rem 0;
            padding: 0.125rem 0.625rem;
            border-radius: 999px;
            background: var(--bb-color-primary);
            color: var(--bb-color-primary-text);
            font-size: 0.875rem;
            font-weight: 600;
        }
        .changed {
            background: var(--bb-color-warning-surface);
            border-left: 4px solid var(--bb-color-warning-border);
            border-radius: var(--bb-radius);
            padding: 0.75rem 1rem;
            margin: 0 0 0.75rem 0;
        }
        .outdated {
            background: var(--bb-color-warning-surface);
            border-left: 4px solid var(--bb-color-warning-border);
            border-radius: var(--bb-radius);
            padding: 0.625rem 0.875rem;
            margin: 0.5rem 0 0 0;
        }
        ul {
            margin: 0 0 0.625rem 0;
            padding-left: 1.25rem;
        }
        dl {
            display: grid;
            grid-template-columns: max-content 1fr;
            gap: 0.5rem 1.25rem;
            margin: 0 0 1.25rem 0;
        }
        dt {
            color: var(--bb-color-text-muted);
        }
        dd {
            margin: 0;
            overflow-wrap: anywhere;
        }
        .notes {
            white-space: pre-wrap;
        }
        .hint {
            display: block;
            font-size: 0.8125rem;
            color: var(--bb-color-text-muted);
        }
        .error {
            color: var(--bb-color-danger-text);
            font-weight: 600;
        }
        @media (max-width: 32rem) {
            dl {
                grid-template-columns: 1fr;
            }
        }
    };

    let feedback = CopyFeedback::new();
    let copy = move |_| {
        if let Some(link) = session.with_untracked(|s| s.zoom.link.as_ref().map(|l| l.join_url.clone())) {
            feedback.copy(link);
        }
    };

    let stable_feedback = CopyFeedback::new();
    let copy_stable = move |_| {
        let link = session.with_untracked(|s| s.session_link.clone());
        if !link.is_empty() {
            stable_feedback.copy(link);
        }
    };

    let message_feedback = CopyFeedback::new();
    let client_message = Signal::derive(move || session.with(crate::logic::client_message::client_message));
    let copy_message = move |_| message_feedback.copy(client_message.get_untracked());

    let cancel_dialog = NodeRef::<Dialog>::new();
    let ask_to_cancel = move |_| {
        if let Some(d) = cancel_dialog.get_untracked() {
            if !d.open() {
                let _ = d.show_modal();
            }
        }
    };

    let when_here = Signal::derive(move || {
        let s = session.get();
        dates::session_when(&zone.get(), s.starts_at, s.ends_at)
    });

    let zoom_page = StoredValue::new(zoom_page_href);

    let link_block = move || {
        session.with(|s| s.zoom.link.clone()).map(|link| {
            view! { class = class,
                <p class="label" id="zoom-join-label">"Zoom meeting link"</p>
                <a
                    class="join"
                    data-testid="zoom-join-link"
                    href=link.join_url.clone()
                    target="_blank"
                    rel="noopener"
                    aria-describedby="zoom-join-label"
                >
                    {link.join_url.clone()}
                </a>
                <div class="actions">
                    <button type="button" class="bb-button bb-button-primary" data-testid="start-zoom" disabled=starting aria-busy=move || starting.get().to_string() on:click=move |_| on_start.run(())>
                        {START_LABEL}
                    </button>
                    <button type="button" class="bb-button bb-button-secondary" data-testid="copy-link" on:click=copy>
                        "Copy link"
                    </button>
                </div>
                <p class="feedback" aria-live="polite" data-testid="copy-feedback-region">
                    {move || feedback.message.get().map(|text| view! { <span data-testid="copy-feedback">{text}</span> })}
                </p>
                {move || start_problem.get().map(|help| view! { class = class, <Problem help=help zoom_page=zoom_page.get_value() class=class testid="start-error"/> })}
                <p class="note" data-testid="open-zoom-note">
                    {OPEN_ZOOM_NOTE} " "
                    <a data-testid="browser-join" href=link.browser_join_url.clone() target="_blank" rel="noopener">
                        "Join from your browser instead"
                    </a>
                </p>
            }
        })
    };

    let state_body = move || {
        let s = session.get();
        match s.zoom.sync {
            ZoomSync::InSync => ().into_any(),
            ZoomSync::NoLink => view! { class = class,
                <NoLink status=zoom_status zoom_page=zoom_page.get_value() on_add_link=on_add_link busy=link_busy class=class/>
            }
            .into_any(),
            ZoomSync::Pending => view! { class = class,
                <p role="status"><strong>"Creating the Zoom meeting\u{2026}"</strong></p>
                <p>"The link appears here in a moment."</p>
            }
            .into_any(),
            ZoomSync::Retrying { next_attempt_at, code: code @ ::api::error::ErrorCode::ZoomDailyLimit, .. } => {
                // Nothing failed: Zoom's daily limit is used, and the link follows after its reset.
                let zone = zone.get();
                let when = format!(
                    "{}, {}",
                    dates::long_date(zone.local(next_attempt_at).date()),
                    dates::clock_in(&zone, next_attempt_at)
                );
                view! { class = class,
                    <h3>"Waiting for Zoom\u{2019}s daily limit"</h3>
                    <p data-testid="retry-reason">{link_state::retry_reason(code)}</p>
                    <dl>
                        <dt>"Link expected after"</dt>
                        <dd data-testid="retry-next"><time datetime=next_attempt_at.to_rfc3339()>{when}</time></dd>
                    </dl>
                    <p>"Need this link sooner? Part of each day is kept for the sessions you book and change yourself."</p>
                    <RetryButton on_retry=on_add_link busy=link_busy label="Make this link now"/>
                }
                .into_any()
            }
            ZoomSync::Retrying { attempts, next_attempt_at, code } => {
                let next = dates::clock_in(&zone.get(), next_attempt_at);
                view! { class = class,
                    <h3>"Zoom has not answered yet"</h3>
                    <p>"BetterBeing keeps trying on its own; you do not need to do anything."</p>
                    <dl>
                        <dt>"Attempts so far"</dt>
                        <dd data-testid="retry-attempts">{attempts}</dd>
                        <dt>"Next attempt"</dt>
                        <dd data-testid="retry-next"><time datetime=next_attempt_at.to_rfc3339()>{next}</time></dd>
                        <dt>"Reason"</dt>
                        <dd data-testid="retry-reason">{link_state::retry_reason(code)}</dd>
                    </dl>
                    <RetryButton on_retry=on_add_link busy=link_busy/>
                }
                .into_any()
            }
            ZoomSync::Failed { code, zoom_message } => {
                let help = link_state::failure_help(&code);
                let steps = help.steps.clone().into_iter().map(|step| view! { <li>{step}</li> }).collect_view();
                let needs_page = help.needs_zoom_page;
                view! { class = class,
                    <h3>{help.title}</h3>
                    <p data-testid="failed-message">{link_state::failure_message(code, zoom_message.as_deref())}</p>
                    <p>"What you can do:"</p>
                    <ul data-testid="failed-steps">{steps}</ul>
                    {needs_page.then(|| view! { class = class,
                        <p><a data-testid="zoom-page-link" href=zoom_page.get_value()>"Go to Video Accounts \u{2192} Zoom"</a></p>
                    })}
                    <RetryButton on_retry=on_add_link busy=link_busy/>
                }
                .into_any()
            }
        }
    };

    let zoom_notice = move || {
        session.with(|s| s.zoom.notice.clone()).map(|notice| {
            let (kind, title, words, at) = match notice {
                ZoomNotice::RemadeAfterDeletion { at } => (
                    "remade_after_deletion",
                    "New Zoom link made before the session",
                    REMADE_NOTE,
                    at,
                ),
                ZoomNotice::RemadeAfterAccountSwitch { at } => (
                    "remade_after_account_switch",
                    "New Zoom link on your new Zoom account",
                    SWITCHED_NOTE,
                    at,
                ),
            };
            let when = dates::clock_in(&zone.get(), at);
            view! { class = class,
                <div class="changed" role="status" data-testid="zoom-notice" data-kind=kind>
                    <h3>{title}</h3>
                    <p>{words} " (" <time datetime=at.to_rfc3339()>{when}</time> ")"</p>
                </div>
            }
        })
    };

    let changed_in_zoom = move || {
        let s = session.get();
        let here = zone.get();
        match s.zoom.changed_in_zoom {
            None => ().into_any(),
            Some(ChangedInZoom::Deleted) => view! { class = class,
                <div class="changed" role="status" data-testid="changed-in-zoom" data-kind="deleted">
                    <h3>"This meeting was deleted in Zoom"</h3>
                    <p>"Its Zoom link no longer works, for you or your client. Make a new one: the session link for your client keeps working and leads to the new meeting."</p>
                    <button
                        type="button"
                        class="bb-button bb-button-primary"
                        data-testid="make-new-zoom-link"
                        disabled=link_busy
                        aria-busy=move || link_busy.get().to_string()
                        on:click=move |_| on_add_link.run(())
                    >
                        {move || if link_busy.get() { "Making a new link\u{2026}" } else { "Make a new Zoom link" }}
                    </button>
                </div>
            }
            .into_any(),
            Some(ChangedInZoom::Moved { starts_at, duration_minutes }) => {
                let zoom_when = dates::session_when(&here, starts_at, starts_at + chrono::Duration::minutes(i64::from(duration_minutes)));
                let ours = dates::session_when(&here, s.starts_at, s.ends_at);
                let resolve = move |choice: ZoomTimeChoice| {
                    if let Some(cb) = on_resolve_zoom_time {
                        cb.run(choice);
                    }
                };
                view! { class = class,
                    <div class="changed" role="status" data-testid="changed-in-zoom" data-kind="moved">
                        <h3>"This meeting was moved in Zoom"</h3>
                        <dl>
                            <dt>"In Zoom"</dt>
                            <dd data-testid="zoom-time">{zoom_when}</dd>
                            <dt>"In BetterBeing"</dt>
                            <dd data-testid="betterbeing-time">{ours}</dd>
                        </dl>
                        <p>"Your client\u{2019}s invitation, your calendar and the session link show BetterBeing\u{2019}s time. Put the meeting back, or move the session to Zoom\u{2019}s time (the Zoom link stays the same)."</p>
                        <div class="actions">
                            <button type="button" class="bb-button bb-button-primary" data-testid="zoom-time-put-back" disabled=resolving on:click=move |_| resolve(ZoomTimeChoice::PutBack)>
                                "Put it back in Zoom"
                            </button>
                            <button type="button" class="bb-button bb-button-secondary" data-testid="zoom-time-follow" disabled=resolving on:click=move |_| resolve(ZoomTimeChoice::FollowZoom)>
                                "Use Zoom\u{2019}s time"
                            </button>
                        </div>
                    </div>
                }
                .into_any()
            }
        }
    };

    let details = move || {
        let s = session.get();
        let here = zone.get();
        let own = Zone::named_or_utc(&s.time_zone);
        let own_when = (own.name() != here.name()).then(|| dates::session_when(&own, s.starts_at, s.ends_at));
        let own_label = zone_label(&s.time_zone);
        view! { class = class,
            <dl data-testid="session-details">
                <dt>"When"</dt>
                <dd data-testid="session-when">{dates::session_when(&here, s.starts_at, s.ends_at)} " (" {zone_label(here.name())} ")"</dd>
                {own_when.map(|when| view! { class = class,
                    <dt>"Scheduled in"</dt>
                    <dd data-testid="session-when-own-zone">{when} " (" {own_label} ")"</dd>
                })}
                <dt>"Duration"</dt>
                <dd data-testid="session-duration">{dates::duration_words(s.duration_minutes)}</dd>
                <dt>"Zoom meeting title"</dt>
                <dd>{if s.client_name_in_zoom_topic { "Shows the client\u{2019}s name" } else { "Neutral (does not name the client)" }}</dd>
                <dt>"Private notes"</dt>
                <dd>
                    <span class="notes" data-testid="session-notes">{if s.private_notes.trim().is_empty() { "None".to_string() } else { s.private_notes.clone() }}</span>
                    <span class="hint">{NOTES_HINT}</span>
                </dd>
            </dl>
        }
    };

    view! { class = class,
        <section
            class="panel"
            data-testid="session-panel"
            data-session-id=move || session.with(|s| s.id.to_string())
            aria-labelledby="session-panel-title"
        >
            <header>
                <div>
                    <h2 id="session-panel-title" tabindex="-1">{move || session.with(|s| s.client_name.clone())}</h2>
                    <p class="when">{when_here}</p>
                    {move || session.with(|s| s.zoom.in_progress).then(|| view! { class = class,
                        <span class="in-progress" role="status" data-testid="in-progress">"In progress in Zoom"</span>
                    })}
                </div>
                {on_close.map(|close| view! { class = class,
                    <button type="button" class="bb-button bb-button-quiet" data-testid="close-session-panel" aria-label="Close session details" on:click=move |_| close.run(())>
                        "Close"
                    </button>
                })}
            </header>
            <div class="zoom" data-testid="session-zoom">
                {changed_in_zoom}
                {zoom_notice}
                {link_block}
                {move || session.with(|s| s.zoom.link_outdated).then(|| view! { class = class,
                    <p class="outdated" data-testid="link-outdated" role="status">{OUTDATED_NOTE}</p>
                })}
                <div class="state" data-testid="zoom-link-state" data-state=move || session.with(|s| link_state::sync_name(&s.zoom.sync))>
                    {state_body}
                </div>
                {move || link_error.get().map(|text| view! { class = class,
                    <p class="error" role="alert" data-testid="link-error">{text}</p>
                })}
                {move || {
                    let url = session.with(|s| s.session_link.clone());
                    (!url.is_empty()).then(|| view! { class = class,
                        <div class="stable" data-testid="session-link-block">
                            <p class="label" id="session-link-label">"Session link for your client"</p>
                            <a class="join" data-testid="session-link" href=url.clone() target="_blank" rel="noopener" aria-describedby="session-link-label">
                                {url.clone()}
                            </a>
                            <div class="actions">
                                <button type="button" class="bb-button bb-button-secondary" data-testid="copy-session-link" on:click=copy_stable>
                                    "Copy session link"
                                </button>
                            </div>
                            <p class="feedback" aria-live="polite" data-testid="copy-session-link-feedback-region">
                                {move || stable_feedback.message.get().map(|text| view! { <span data-testid="copy-session-link-feedback">{text}</span> })}
                            </p>
                            <p class="note">{SESSION_LINK_NOTE}</p>
                        </div>
                    })
                }}
                <div class="message" data-testid="client-message-block" data-highlight=move || rescheduled.get().to_string()>
                    {move || rescheduled.get().then(|| view! { class = class,
                        <p role="status" data-testid="rescheduled-tell-client"><strong>"Rescheduled: let your client know the new time and link."</strong></p>
                    })}
                    <p class="label" id="client-message-label">"Message for your client"</p>
                    <p class="message-text" data-testid="client-message" aria-describedby="client-message-label">{client_message}</p>
                    <div class="actions">
                        <button type="button" class="bb-button bb-button-secondary" data-testid="copy-client-message" on:click=copy_message>
                            "Copy message"
                        </button>
                    </div>
                    <p class="feedback" aria-live="polite" data-testid="copy-client-message-feedback-region">
                        {move || message_feedback.message.get().map(|text| view! { <span data-testid="copy-client-message-feedback">{text}</span> })}
                    </p>
                </div>
            </div>
            {details}
            <div class="actions">
                <button type="button" class="bb-button bb-button-secondary" data-testid="edit-session" on:click=move |_| on_edit.run(())>
                    "Edit"
                </button>
                <button type="button" class="bb-button bb-button-danger-outline" data-testid="cancel-session" on:click=ask_to_cancel>
                    "Cancel session"
                </button>
                {move || ics_href.get().map(|href| {
                    let file = session.with_untracked(|s| format!("betterbeing-session-{}.ics", s.id));
                    view! {
                        <a class="bb-button bb-button-secondary" data-testid="download-ics" href=href download=file>
                            "Download .ics"
                        </a>
                    }
                })}
            </div>
            <CancelSessionDialog
                node_ref=cancel_dialog
                client_name=Signal::derive(move || session.with(|s| s.client_name.clone()))
                when=when_here
                on_confirm=on_cancel_session
                zoom_words=Signal::derive(move || {
                    let has_meeting = session.with(|s| s.zoom.link.is_some());
                    zoom_status.with(|z| link_state::CancelZoom::of(has_meeting, z.as_ref()).before())
                })
                busy=cancelling
                error=cancel_error
            />
        </section>
    }
}

#[component]
fn RetryButton(
    on_retry: Callback<()>,
    busy: Signal<bool>,
    #[prop(optional)] label: Option<&'static str>,
) -> impl IntoView {
    let label = label.unwrap_or("Retry now");
    view! {
        <button
            type="button"
            class="bb-button bb-button-secondary"
            data-testid="retry-zoom"
            disabled=busy
            aria-busy=move || busy.get().to_string()
            on:click=move |_| on_retry.run(())
        >
            {move || if busy.get() { "Retrying\u{2026}" } else { label }}
        </button>
    }
}

#[component]
fn NoLink(
    status: Signal<Option<ZoomStatus>>,
    zoom_page: String,
    on_add_link: Callback<()>,
    busy: Signal<bool>,
    class: &'static str,
) -> impl IntoView {
    let zoom_page = StoredValue::new(zoom_page);
    move || {
        let add = view! { class = class,
            <button
                type="button"
                class="bb-button bb-button-primary"
                data-testid="add-zoom-link"
                disabled=busy
                aria-busy=move || busy.get().to_string()
                on:click=move |_| on_add_link.run(())
            >
                {move || if busy.get() { "Adding\u{2026}" } else { "Add Zoom link" }}
            </button>
        };
        match status.get() {
            Some(ZoomStatus::NotConnected { .. }) => view! { class = class,
                <h3>"No Zoom link"</h3>
                <p>"Connect your Zoom account so BetterBeing can create a Zoom meeting for this session."</p>
                <a class="bb-button bb-button-primary" data-testid="connect-zoom-link" href=zoom_page.get_value()>"Connect Zoom Account"</a>
            }
            .into_any(),
            Some(ZoomStatus::NeedsReauth { .. }) => view! { class = class,
                <h3>"No Zoom link"</h3>
                <p>"Zoom needs you to re-authorize BetterBeing before it can create a meeting for this session."</p>
                <a class="bb-button bb-button-primary" data-testid="connect-zoom-link" href=zoom_page.get_value()>"Go to Video Accounts \u{2192} Zoom to Reauth"</a>
            }
            .into_any(),
            Some(ZoomStatus::BlockedByOrganisation { admin_name, .. }) => view! { class = class,
                <h3>"No Zoom link"</h3>
                <p>"Your organisation\u{2019}s administrator has not enabled Zoom access, so BetterBeing cannot create a meeting."</p>
                <p>{guidance::blocked_by_organisation_ask(admin_name.as_deref())}</p>
            }
            .into_any(),
            Some(ZoomStatus::Connected { .. }) | None => view! { class = class,
                <h3>"No Zoom link"</h3>
                <p>"This session was scheduled without a Zoom meeting. Add one now; your client needs the link to join."</p>
                {add}
            }
            .into_any(),
        }
    }
}

#[component]
fn Problem(help: FailureHelp, zoom_page: String, class: &'static str, testid: &'static str) -> impl IntoView {
    let steps = help
        .steps
        .into_iter()
        .map(|s| view! { class = class, <li>{s}</li> })
        .collect_view();
    view! { class = class,
        <div class="problem" role="alert" data-testid=testid>
            <p><strong>{help.title}</strong></p>
            <ul>{steps}</ul>
            {help.needs_zoom_page.then(|| view! { class = class,
                <p><a data-testid="zoom-page-link" href=zoom_page>"Go to Video Accounts \u{2192} Zoom"</a></p>
            })}
        </div>
    }
}
