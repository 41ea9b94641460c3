use ::api::zoom::ZoomStatus;
use leptos::prelude::*;
use stylers::style;
use wasm_bindgen::JsValue;

use crate::api::{self, ApiError};
use crate::components::account_switch::AccountSwitchChoice;
use crate::components::callback_notice::CallbackNotice;
use crate::components::missing_links_offer::MissingLinksOffer;
use crate::components::zoom_attention::PendingDeletions;
use crate::components::zoom_help::ZoomHelp;
use crate::components::zoom_status::ZoomStatusView;
use crate::config::Config;
use crate::host::HostEvents;
use crate::logic::host_events::HostEvent;
use crate::logic::messages::friendly_message;
use crate::logic::urls::{self, CallbackOutcome};
use crate::routes;

#[derive(Debug, Clone, PartialEq)]
enum Phase {
    Loading,
    Failed(ApiError),
    Ready,
}

/// BetterBeing Console → Video Accounts → Zoom. Owns the status fetch and the disconnect; `ZoomStatusView` draws.
#[component]
pub fn ZoomPage() -> impl IntoView {
    let config = expect_context::<Config>();
    let outcome = RwSignal::new(take_callback_outcome());
    let notice = RwSignal::new(None::<&'static str>);

    let status = LocalResource::new({
        let config = config.clone();
        move || {
            let config = config.clone();
            async move { api::zoom::status(&config).await }
        }
    });
    let phase = Memo::new(move |_| match status.get() {
        None => Phase::Loading,
        Some(Ok(_)) => Phase::Ready,
        Some(Err(e)) => Phase::Failed(e),
    });
    // A Memo: looking again (on focus) re-renders only when the answer changed.
    let current = Memo::new(move |_| {
        status
            .get()
            .and_then(Result::ok)
            .unwrap_or_else(ZoomStatus::not_connected)
    });

    // An admin may turn Zoom access off (or on) while this page is open: look again when the person comes back.
    let focus = window_event_listener(leptos::ev::focus, move |_| status.refetch());
    let visible = window_event_listener(leptos::ev::visibilitychange, move |_| {
        if !document().hidden() {
            status.refetch();
        }
    });
    on_cleanup(move || {
        focus.remove();
        visible.remove();
    });

    // Tell the host page: connected (once, when back from Zoom) and needing reauth (each time it starts).
    let host = HostEvents::use_context();
    let announce_connected = StoredValue::new(outcome.get_untracked() == Some(CallbackOutcome::Connected));
    Effect::new(move |was_needing_reauth: Option<bool>| {
        let Some(Ok(now)) = status.get() else {
            return was_needing_reauth.unwrap_or(false);
        };
        match &now {
            ZoomStatus::Connected { account, .. } if announce_connected.get_value() => {
                announce_connected.set_value(false);
                host.dispatch(&HostEvent::ZoomConnected {
                    email: account.email.clone(),
                });
            }
            ZoomStatus::NeedsReauth { reason, .. } if was_needing_reauth != Some(true) => {
                host.dispatch(&HostEvent::ZoomNeedsReauth {
                    reason: reason.as_str().to_string(),
                });
            }
            _ => {}
        }
        matches!(now, ZoomStatus::NeedsReauth { .. })
    });

    let to_sign_in = crate::app::use_sign_in_redirect();
    Effect::new({
        let to_sign_in = to_sign_in.clone();
        move |_| {
            if let Phase::Failed(e) = phase.get() {
                if e.is_unauthenticated() {
                    to_sign_in();
                }
            }
        }
    });

    let on_connect = Callback::new({
        let config = config.clone();
        move |()| {
            let location = window().location();
            let url = routes::zoom_connect(
                &config,
                &location.pathname().unwrap_or_default(),
                &location.search().unwrap_or_default(),
            );
            let _ = location.assign(&url);
        }
    });

    // After (re)connecting: sessions scheduled while Zoom was away can get their links now.
    let missing = LocalResource::new({
        let config = config.clone();
        move || {
            let config = config.clone();
            let connected = phase.get() == Phase::Ready && matches!(current.get(), ZoomStatus::Connected { .. });
            async move {
                if connected {
                    api::sessions::missing_zoom_links(&config).await.ok()
                } else {
                    None
                }
            }
        }
    });
    // Meetings still to delete once Zoom is reconnected (a cancel or reschedule while it was away): asked again
    // whenever the connection changes, so the list empties once a reconnect lets them go.
    let attention = LocalResource::new({
        let config = config.clone();
        move || {
            let config = config.clone();
            let _ = (phase.get(), current.get());
            async move { api::sessions::attention(&config).await.ok() }
        }
    });
    let pending_deletions = move || {
        let deletions = attention
            .get()
            .flatten()
            .map(|a| a.pending_deletions)
            .unwrap_or_default();
        (!deletions.is_empty()).then(|| {
            let zone = crate::logic::zones::browser_zone_name()
                .map(|z| crate::logic::zones::Zone::named_or_utc(&z))
                .unwrap_or_else(crate::logic::zones::Zone::utc);
            view! { <PendingDeletions deletions=deletions zone=zone boxed=true/> }
        })
    };
    // A Reauth that came back with another Zoom account waits for the practitioner's choice.
    let account_switch = LocalResource::new({
        let config = config.clone();
        move || {
            let config = config.clone();
            let _ = current.get();
            async move { api::zoom::account_switch(&config).await.ok().and_then(|p| p.pending) }
        }
    });
    let switching = RwSignal::new(false);
    let switch_error = RwSignal::new(None::<String>);
    let switched = RwSignal::new(None::<String>);
    let on_go_back = Callback::new({
        let config = config.clone();
        move |()| {
            switching.set(true);
            let config = config.clone();
            leptos::task::spawn_local(async move {
                match api::zoom::discard_account_switch(&config).await {
                    Ok(()) => on_connect.run(()),
                    Err(e) => {
                        switch_error.set(Some(friendly_message(&e)));
                        switching.set(false);
                    }
                }
            });
        }
    });
    let on_switch = Callback::new({
        let config = config.clone();
        move |()| {
            switching.set(true);
            let config = config.clone();
            leptos::task::spawn_local(async move {
                match api::zoom::confirm_account_switch(&config).await {
                    Ok(done) => {
                        let n = done.session_ids.len();
                        switched.set(Some(format!(
                            "Switched to {}. {} upcoming session{} {} getting a new Zoom meeting and link there: the calendar lists them under \u{201c}Needs your attention\u{201d} so you can tell your clients.",
                            done.account.email,
                            n,
                            if n == 1 { "" } else { "s" },
                            if n == 1 { "is" } else { "are" },
                        )));
                        status.refetch();
                    }
                    Err(e) => switch_error.set(Some(friendly_message(&e))),
                }
                switching.set(false);
            });
        }
    });
    let account_switch_view = move || {
        let pending = account_switch.get().flatten();
        view! {
            {pending.map(|switch| view! {
                <AccountSwitchChoice switch=switch on_go_back=on_go_back on_switch=on_switch busy=switching/>
            })}
            {move || switch_error.get().map(|text| view! { <p class="bb-error" role="alert" data-testid="account-switch-error">{text}</p> })}
            {move || switched.get().map(|text| view! { <p class="bb-notice" role="status" data-testid="account-switched">{text}</p> })}
        }
    };
    let missing_links = Signal::derive(move || missing.get().flatten());
    let adding_links = RwSignal::new(false);
    let links_queued = RwSignal::new(None::<::api::sessions::MissingLinks>);
    let add_links_error = RwSignal::new(None::<String>);
    let on_add_links = Callback::new({
        let config = config.clone();
        move |()| {
            if adding_links.get_untracked() {
                return;
            }
            adding_links.set(true);
            add_links_error.set(None);
            let config = config.clone();
            leptos::task::spawn_local(async move {
                match api::sessions::add_missing_zoom_links(&config).await {
                    Ok(queued) => links_queued.set(Some(queued)),
                    Err(e) => add_links_error.set(Some(friendly_message(&e))),
                }
                adding_links.set(false);
            });
        }
    });

    // "Check again": the page shows the stored connection; this asks Zoom now.
    let checking = RwSignal::new(false);
    let check_error = RwSignal::new(None::<String>);
    let on_check_again = Callback::new({
        let config = config.clone();
        let to_sign_in = to_sign_in.clone();
        move |()| {
            if checking.get_untracked() {
                return;
            }
            checking.set(true);
            check_error.set(None);
            let config = config.clone();
            let to_sign_in = to_sign_in.clone();
            leptos::task::spawn_local(async move {
                match api::zoom::check_again(&config).await {
                    Ok(_) => status.refetch(),
                    Err(e) if e.is_unauthenticated() => to_sign_in(),
                    Err(e) => check_error.set(Some(friendly_message(&e))),
                }
                checking.set(false);
            });
        }
    });

    let disconnecting = RwSignal::new(false);
    let disconnect_error = RwSignal::new(None::<String>);
    let on_disconnect = Callback::new({
        let config = config.clone();
        let to_sign_in = to_sign_in.clone();
        move |()| {
            if disconnecting.get_untracked() {
                return;
            }
            disconnecting.set(true);
            disconnect_error.set(None);
            let config = config.clone();
            let to_sign_in = to_sign_in.clone();
            leptos::task::spawn_local(async move {
                match api::zoom::disconnect(&config).await {
                    Ok(()) => {
                        host.dispatch(&HostEvent::ZoomDisconnected);
                        outcome.set(None);
                        links_queued.set(None);
                        notice.set(Some(
                            "Your Zoom account is disconnected. Meeting links that already exist keep working in Zoom.",
                        ));
                        status.refetch();
                    }
                    Err(e) if e.is_unauthenticated() => to_sign_in(),
                    Err(e) => disconnect_error.set(Some(friendly_message(&e))),
                }
                disconnecting.set(false);
            });
        }
    });

    let class = style! {"ZoomPage",
        h1 {
            font-size: 1.75rem;
            margin: 0.5rem 0 0.25rem 0;
        }
        .lede {
            color: var(--bb-color-text-muted);
            margin: 0 0 1.5rem 0;
        }
        .notice {
            background: var(--bb-color-success-surface);
            border: 1px solid var(--bb-color-success-border);
            border-radius: var(--bb-radius);
            padding: 0.75rem 1rem;
            margin: 0 0 1.5rem 0;
        }
        .state {
            background: var(--bb-color-surface);
            border: 1px solid var(--bb-color-border);
            border-radius: var(--bb-radius-large);
            padding: 1.5rem;
        }
        .error-text {
            color: var(--bb-color-danger-text);
        }
    };

    let body = move || {
        match phase.get() {
        Phase::Loading => view! { class = class,
            <div class="state" data-testid="zoom-state" data-state="loading" aria-busy="true">
                <p>"Checking your Zoom connection\u{2026}"</p>
            </div>
        }
        .into_any(),
        Phase::Failed(e) => view! { class = class,
            <div class="state" data-testid="zoom-state" data-state="error" role="alert">
                <p class="error-text" data-testid="page-error">{friendly_message(&e)}</p>
                <button type="button" class="bb-button bb-button-secondary" data-testid="retry" on:click=move |_| status.refetch()>
                    "Try again"
                </button>
            </div>
        }
        .into_any(),
        Phase::Ready => view! {
            <MissingLinksOffer
                missing=missing_links
                on_add=on_add_links
                busy=adding_links
                done=links_queued
                error=add_links_error
            />
            {account_switch_view}
            {pending_deletions}
            <ZoomStatusView
                status=current
                on_connect=on_connect
                on_disconnect=on_disconnect
                disconnecting=disconnecting
                disconnect_error=disconnect_error
                on_check_again=on_check_again
                checking=checking
                check_error=check_error
            />
        }
        .into_any(),
    }
    };

    view! { class = class,
        <h1>"Zoom"</h1>
        <p class="lede">"Connect the Zoom account BetterBeing uses to create meeting links for your sessions."</p>
        <div aria-live="polite">
            <CallbackNotice outcome=outcome on_dismiss=Callback::new(move |()| outcome.set(None))/>
            {move || notice.get().map(|text| view! { class = class,
                <p class="notice" role="status" data-testid="notice">{text}</p>
            })}
        </div>
        {body}
        <ZoomHelp/>
    }
}

/// Reads `?zoom=connected` / `?zoom_error=` once and removes it from the address bar, so a reload or a shared link
/// does not repeat the message.
fn take_callback_outcome() -> Option<CallbackOutcome> {
    let window = window();
    let location = window.location();
    let search = location.search().unwrap_or_default();
    let outcome = urls::parse_callback_outcome(&search)?;
    if let Ok(history) = window.history() {
        let cleaned = format!(
            "{}{}{}",
            location.pathname().unwrap_or_default(),
            urls::strip_callback_params(&search),
            location.hash().unwrap_or_default()
        );
        let state = history.state().unwrap_or(JsValue::NULL);
        let _ = history.replace_state_with_url(&state, "", Some(&cleaned));
    }
    Some(outcome)
}
