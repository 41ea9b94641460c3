use ::api::zoom::ZoomStatus;
use leptos::prelude::*;
use stylers::style;
use wasm_bindgen::JsValue;

use crate::backend;
use crate::components::account_switch::AccountSwitchChoice;
use crate::components::callback_notice::CallbackNotice;
use crate::components::load_failed::LoadFailed;
use crate::components::missing_links_offer::MissingLinksOffer;
use crate::components::zoom_attention::PendingDeletions;
use crate::components::zoom_help::ZoomHelp;
use crate::components::zoom_status::ZoomStatusView;
use crate::config::Config;
use crate::hooks::{use_load, use_write};
use crate::host::HostEvents;
use crate::logic::host_events::HostEvent;
use crate::logic::messages::friendly_message;
use crate::logic::urls::{self, CallbackOutcome};
use crate::routes;

/// BetterBeing Console → Video Accounts → Zoom. Owns the status fetch and the disconnect; `ZoomStatusView` draws.
#[component]
pub fn ZoomPage() -> impl IntoView {
    let config = expect_context::<Config>();
    let outcome = RwSignal::new(take_callback_outcome());
    let notice = RwSignal::new(None::<&'static str>);

    let host = HostEvents::use_context();
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

    let go_back = use_write();
    let go_back_job = {
        let config = config.clone();
        move || {
            let config = config.clone();
            async move {
                backend::zoom::discard_account_switch(&config).await?;
                on_connect.run(());
                Ok(())
            }
        }
    };
    let switched = RwSignal::new(None::<String>);
    let switch = use_write();
    let switch_job = {
        let config = config.clone();
        move || {
            let config = config.clone();
            async move {
                let done = backend::zoom::confirm_account_switch(&config).await?;
                let n = done.session_ids.len();
                let _ = switched.try_set(Some(format!(
                    "Switched to {}. {} upcoming session{} {} getting a new Zoom meeting and link there: the calendar lists them under \u{201c}Needs your attention\u{201d} so you can tell your clients.",
                    done.account.email,
                    n,
                    if n == 1 { "" } else { "s" },
                    if n == 1 { "is" } else { "are" },
                )));
                Ok(())
            }
        }
    };
    // Going back keeps the choice busy until the browser has left for Zoom.
    let (going_back, switching_now, went_back) = (go_back.busy(), switch.busy(), go_back.succeeded());
    let switching = Signal::derive(move || going_back.get() || switching_now.get() || went_back.get());
    let (switch_failed, go_back_failed) = (switch.error(friendly_message), go_back.error(friendly_message));
    let switch_error = Signal::derive(move || switch_failed.get().or_else(|| go_back_failed.get()));
    let on_go_back = Callback::new(move |()| go_back.run(go_back_job()));
    let on_switch = Callback::new(move |()| switch.run(switch_job()));
    let links_queued = RwSignal::new(None::<::api::sessions::MissingLinks>);
    let add_links = use_write();
    let add_links_job = {
        let config = config.clone();
        move || {
            let config = config.clone();
            async move {
                let queued = backend::sessions::add_missing_zoom_links(&config).await?;
                let _ = links_queued.try_set(Some(queued));
                Ok(())
            }
        }
    };

    // "Check again": the page shows the stored connection; this asks Zoom now.
    let check = use_write();
    let check_job = {
        let config = config.clone();
        move || {
            let config = config.clone();
            async move { backend::zoom::check_again(&config).await.map(|_| ()) }
        }
    };

    let disconnect = use_write();
    let disconnect_job = {
        let config = config.clone();
        move || {
            let config = config.clone();
            async move {
                backend::zoom::disconnect(&config).await?;
                host.dispatch(&HostEvent::ZoomDisconnected);
                let _ = outcome.try_set(None);
                let _ = links_queued.try_set(None);
                let _ = notice.try_set(Some(
                    "Your Zoom account is disconnected. Meeting links that already exist keep working in Zoom.",
                ));
                Ok(())
            }
        }
    };
    // Read again after each change made here (keyed on the writes' versions) and when the person comes back.
    let status = use_load({
        let config = config.clone();
        move || {
            let _ = (
                switch.version().get(),
                check.version().get(),
                disconnect.version().get(),
            );
            backend::zoom::status(&config)
        }
    });
    // Loading, failed or ready: a Memo, so looking again re-renders only when this changes.
    let state = Memo::new(move |_| status.get().map(|r| r.map(|_| ())));
    let ready = Memo::new(move |_| matches!(state.get(), Some(Ok(()))));
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

    // The page's other reads leave at once, beside the status (so the server can send them with the page, see
    // `api::pages::first_reads`), and again whenever the connection changes after its first answer: a reconnect
    // may bring sessions to add links to, let waiting meetings go, or settle an account switch.
    let connection_changed = RwSignal::new(0u32);
    // The connection: its state, account and whether Zoom answered at the last check (not when that check was,
    // which looking again may refresh without anything having changed).
    let connection = Memo::new(move |_| {
        current.with(|s| {
            let (account, verified) = match s {
                ZoomStatus::Connected { account, verified, .. } => (Some(account.email.clone()), *verified),
                ZoomStatus::NeedsReauth { account, .. } => (Some(account.email.clone()), true),
                ZoomStatus::BlockedByOrganisation { connected_account, .. } => {
                    (connected_account.as_ref().map(|a| a.email.clone()), true)
                }
                ZoomStatus::NotConnected { .. } => (None, true),
            };
            (crate::components::zoom_status::state_name(s), account, verified)
        })
    });
    Effect::new(move |seen: Option<Option<(&'static str, Option<String>, bool)>>| {
        let now = ready.get().then(|| connection.get());
        let before = seen.flatten();
        if let (Some(before), Some(now)) = (&before, &now) {
            if before != now {
                connection_changed.update(|n| *n += 1);
            }
        }
        now.or(before)
    });
    // After (re)connecting: sessions scheduled while Zoom was away can get their links now.
    let missing = use_load({
        let config = config.clone();
        move || {
            connection_changed.track();
            let answer = backend::sessions::missing_zoom_links(&config);
            async move { answer.await.ok() }
        }
    });
    // Meetings still to delete once Zoom is reconnected (a cancel or reschedule while it was away): the list
    // empties once a reconnect lets them go.
    let attention = use_load({
        let config = config.clone();
        move || {
            connection_changed.track();
            let answer = backend::sessions::attention(&config);
            async move { answer.await.ok() }
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
    let account_switch = use_load({
        let config = config.clone();
        move || {
            connection_changed.track();
            let answer = backend::zoom::account_switch(&config);
            async move { answer.await.ok().and_then(|p| p.pending) }
        }
    });
    let on_add_links = Callback::new(move |()| add_links.run(add_links_job()));
    let on_disconnect = Callback::new(move |()| disconnect.run(disconnect_job()));
    let on_check_again = Callback::new(move |()| check.run(check_job()));
    // Offered only while connected: links can be added only then.
    let missing_links = Signal::derive(move || {
        let connected = ready.get() && matches!(current.get(), ZoomStatus::Connected { .. });
        connected.then(|| missing.get().flatten()).flatten()
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
    };

    let body = move || match state.get() {
        None => view! { class = class,
            <div class="state" data-testid="zoom-state" data-state="loading" aria-busy="true">
                <p>"Checking your Zoom connection\u{2026}"</p>
            </div>
        }
        .into_any(),
        Some(Err(e)) => view! {
            <LoadFailed error=e on_retry=move |()| status.refetch() state="zoom-state" retry="retry"/>
        }
        .into_any(),
        Some(Ok(())) => view! {
            <MissingLinksOffer
                missing=missing_links
                on_add=on_add_links
                busy=add_links.busy()
                done=links_queued
                error=add_links.error(friendly_message)
            />
            {account_switch_view}
            {pending_deletions}
            <ZoomStatusView
                status=current
                on_connect=on_connect
                on_disconnect=on_disconnect
                disconnecting=disconnect.busy()
                disconnect_error=disconnect.error(friendly_message)
                on_check_again=on_check_again
                checking=check.busy()
                check_error=check.error(friendly_message)
            />
        }
        .into_any(),
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
