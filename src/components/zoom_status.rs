use api::zoom::{ReauthReason, ZoomAccount, ZoomPlan, ZoomStatus};
use leptos::html::Dialog;
use leptos::prelude::*;
use stylers::style;

use crate::components::disconnect_dialog::DisconnectDialog;
use crate::components::scope_list::{requested_scope_names, ScopeList};
use crate::logic::{dates, guidance, help, organisation};

pub const PROMISE: &str = crate::logic::help::PROMISE;

/// The `data-state` of `[data-testid=zoom-state]` for a known status.
pub fn state_name(status: &ZoomStatus) -> &'static str {
    match status {
        ZoomStatus::NotConnected { .. } => "not_connected",
        ZoomStatus::Connected { .. } => "connected",
        ZoomStatus::NeedsReauth { .. } => "needs_reauth",
        ZoomStatus::BlockedByOrganisation { .. } => "blocked_by_organisation",
    }
}

/// Whether there is a Zoom account to disconnect.
pub fn has_account(status: &ZoomStatus) -> bool {
    matches!(
        status,
        ZoomStatus::Connected { .. }
            | ZoomStatus::NeedsReauth { .. }
            | ZoomStatus::BlockedByOrganisation {
                connected_account: Some(_),
                ..
            }
    )
}

/// The Zoom connection as it stands, with its actions. Connect and Reauth both call `on_connect` (the owner
/// navigates to Zoom); `on_disconnect` is called only after the person confirms in the dialog.
#[component]
pub fn ZoomStatusView(
    #[prop(into)] status: Signal<ZoomStatus>,
    #[prop(into)] on_connect: Callback<()>,
    #[prop(into)] on_disconnect: Callback<()>,
    #[prop(into, optional)] disconnecting: Signal<bool>,
    #[prop(into, optional)] disconnect_error: Signal<Option<String>>,
    /// "Check again": ask Zoom now whether the connection still holds (the page shows the stored state).
    #[prop(into, optional)]
    on_check_again: Option<Callback<()>>,
    #[prop(into, optional)] checking: Signal<bool>,
    #[prop(into, optional)] check_error: Signal<Option<String>>,
) -> impl IntoView {
    let class = style! {"ZoomStatusView",
        .panel {
            background: var(--bb-color-surface);
            border: 1px solid var(--bb-color-border);
            border-radius: var(--bb-radius-large);
            padding: 1.5rem;
            box-shadow: var(--bb-shadow);
        }
        .ended {
            background: var(--bb-color-warning-surface);
            border: 1px solid var(--bb-color-warning-border);
            border-radius: var(--bb-radius-large);
            padding: 1rem 1.5rem;
            margin: 0 0 1rem 0;
        }
        h2 {
            font-size: 1.25rem;
            margin: 0 0 0.75rem 0;
        }
        h3 {
            font-size: 1rem;
            margin: 1.5rem 0 0.5rem 0;
        }
        p {
            margin: 0 0 0.75rem 0;
        }
        .account {
            display: grid;
            grid-template-columns: max-content 1fr;
            gap: 0.5rem 1.5rem;
            margin: 0 0 1rem 0;
        }
        dt {
            color: var(--bb-color-text-muted);
        }
        dd {
            margin: 0;
            font-weight: 600;
            overflow-wrap: anywhere;
        }
        .note {
            background: var(--bb-color-info-surface);
            border-left: 4px solid var(--bb-color-info-border);
            padding: 0.625rem 0.875rem;
            border-radius: var(--bb-radius);
        }
        .quiet {
            color: var(--bb-color-text-muted);
            font-size: 0.9375rem;
        }
        .error-text {
            color: var(--bb-color-danger-text);
        }
        .promise {
            background: var(--bb-color-surface-muted);
            border-radius: var(--bb-radius);
            padding: 0.75rem 1rem;
            font-size: 0.9375rem;
        }
        .banner {
            background: var(--bb-color-warning-surface);
            border: 1px solid var(--bb-color-warning-border);
            border-radius: var(--bb-radius-large);
            padding: 1.25rem 1.5rem;
            margin: 0 0 1.5rem 0;
        }
        .banner ol {
            margin: 0 0 0.75rem 0;
            padding-left: 1.25rem;
        }
        .actions {
            display: flex;
            flex-wrap: wrap;
            gap: 0.75rem;
            margin-top: 1.25rem;
        }
    };

    let dialog = NodeRef::<Dialog>::new();
    let ask_to_disconnect = Callback::new(move |()| {
        if let Some(dialog) = dialog.get_untracked() {
            if !dialog.open() {
                let _ = dialog.show_modal();
            }
        }
    });

    // Once there is no account left to disconnect (the disconnect went through), the question is moot.
    Effect::new(move |_| {
        let has_account = status.with(has_account);
        if !has_account {
            if let Some(dialog) = dialog.get_untracked() {
                if dialog.open() {
                    dialog.close();
                }
            }
        }
    });

    let body = move || {
        match status.get() {
        ZoomStatus::NotConnected { ended } => view! { class = class,
            {ended.map(|ended| {
                let on = dates::human_date(&ended.at);
                view! { class = class,
                    <div class="ended" role="status" data-testid="zoom-ended" data-reason="removed_in_zoom">
                        <h2>"BetterBeing was removed from your Zoom account"</h2>
                        <p>
                            "On " {on} ", BetterBeing was removed from the Zoom account " <strong>{ended.zoom_email}</strong>
                            " (in Zoom\u{2019}s App Marketplace \u{2192} Manage \u{2192} Installed Apps, or by your Zoom administrator), so Zoom ended the connection."
                        </p>
                        <p>
                            "Meetings already created stay in Zoom and their links keep working, but BetterBeing cannot create, change or delete meetings until you connect again."
                        </p>
                    </div>
                }
            })}
            <div class="panel">
                <h2>"Connect your Zoom account"</h2>
                <p>
                    "Connecting lets BetterBeing create a Zoom meeting for each session you schedule, update it when you reschedule and remove it when you cancel, so you can launch video sessions without leaving BetterBeing."
                </p>
                <p>
                    "You will go to Zoom\u{2019}s secure authorization page. Review the permissions and click \u{201c}Allow\u{201d}; Zoom then brings you back here."
                </p>
                <h3>"Permissions BetterBeing asks Zoom for"</h3>
                <ScopeList scopes=requested_scope_names()/>
                <p class="promise" data-testid="zoom-promise">{PROMISE}</p>
                <div class="actions">
                    <button
                        type="button"
                        class="bb-button bb-button-primary"
                        data-testid="connect-zoom"
                        on:click=move |_| on_connect.run(())
                    >
                        "Connect Zoom Account"
                    </button>
                </div>
            </div>
        }
        .into_any(),
        ZoomStatus::Connected { account, verified, checked_at } => view! { class = class,
            <div class="panel">
                <h2>"Your Zoom account is connected"</h2>
                {(!verified).then(|| view! { class = class,
                    <p class="quiet" data-testid="zoom-unverified">
                        "Zoom could not be reached at the last check of this connection. Details are shown as last known."
                    </p>
                })}
                <p class="quiet" data-testid="zoom-checked">
                    {checked_at.map_or_else(
                        || "Not confirmed with Zoom yet.".to_string(),
                        |at| {
                            let local = at.with_timezone(&chrono::Local);
                            format!(
                                "Last confirmed with Zoom on {} at {}.",
                                dates::human_date(&local),
                                dates::clock(local.naive_local()),
                            )
                        },
                    )}
                </p>
                {move || check_error.get().map(|text| view! { class = class,
                    <p class="error-text" role="alert" data-testid="check-error">{text}</p>
                })}
                <AccountDetails account=account.clone() class=class/>
                <h3>"What BetterBeing may do in your Zoom account"</h3>
                <ScopeList scopes=account.scopes/>
                <p class="promise" data-testid="zoom-promise">{PROMISE}</p>
                <div class="actions">
                    {on_check_again.map(|check| view! { class = class,
                        <button
                            type="button"
                            class="bb-button bb-button-secondary"
                            data-testid="check-again"
                            disabled=move || checking.get()
                            aria-busy=move || checking.get().then_some("true")
                            on:click=move |_| check.run(())
                        >
                            {move || if checking.get() { "Checking\u{2026}" } else { "Check again" }}
                        </button>
                    })}
                    <button
                        type="button"
                        class="bb-button bb-button-danger-outline"
                        data-testid="disconnect-zoom"
                        on:click=move |_| ask_to_disconnect.run(())
                    >
                        "Disconnect"
                    </button>
                </div>
            </div>
        }
        .into_any(),
        ZoomStatus::NeedsReauth { account, reason } => view! { class = class,
            <ReauthBanner reason=reason email=account.email.clone() class=class/>
            <div class="panel">
                <h2>"Zoom account needing re-authorization"</h2>
                <AccountDetails account=account.clone() class=class/>
                <p class="promise" data-testid="zoom-promise">{PROMISE}</p>
                <div class="actions">
                    <button
                        type="button"
                        class="bb-button bb-button-primary"
                        data-testid="reauth-zoom"
                        on:click=move |_| on_connect.run(())
                    >
                        "Reauth"
                    </button>
                    <button
                        type="button"
                        class="bb-button bb-button-danger-outline"
                        data-testid="disconnect-zoom"
                        on:click=move |_| ask_to_disconnect.run(())
                    >
                        "Disconnect"
                    </button>
                </div>
            </div>
        }
        .into_any(),
        ZoomStatus::BlockedByOrganisation { admin_name, connected_account: Some(account) } => {
            let still_works = organisation::STILL_WORKS
                .iter()
                .map(|s| view! { <li>{*s}</li> })
                .collect_view();
            view! { class = class,
                <div class="panel" data-testid="blocked-by-org" data-has-account="true">
                    <h2>"Zoom access is turned off for your organisation"</h2>
                    <p>
                        "Your organisation\u{2019}s administrator has turned off \u{201c}Allow practitioners to connect Zoom\u{201d}. This Zoom account stays connected:"
                    </p>
                    <AccountDetails account=account class=class/>
                    <h3>"What still works"</h3>
                    <ul data-testid="blocked-still-works">{still_works}</ul>
                    <p class="note" data-testid="blocked-paused">{organisation::PAUSED}</p>
                    <p data-testid="blocked-ask">{guidance::blocked_by_organisation_ask(admin_name.as_deref())}</p>
                    <p class="promise" data-testid="zoom-promise">{PROMISE}</p>
                    <div class="actions">
                        <button
                            type="button"
                            class="bb-button bb-button-danger-outline"
                            data-testid="disconnect-zoom"
                            on:click=move |_| ask_to_disconnect.run(())
                        >
                            "Disconnect"
                        </button>
                    </div>
                </div>
            }
            .into_any()
        }
        ZoomStatus::BlockedByOrganisation { admin_name, connected_account: None } => view! { class = class,
            <div class="panel" data-testid="blocked-by-org" data-has-account="false">
                <h2>"Zoom is not available for your organisation yet"</h2>
                <p>
                    "Connect Zoom Account is unavailable because your organisation\u{2019}s admin has not enabled Zoom access."
                </p>
                <p data-testid="blocked-ask">{guidance::blocked_by_organisation_ask(admin_name.as_deref())}</p>
            </div>
        }
        .into_any(),
    }
    };

    view! {
        <div data-testid="zoom-state" data-state=move || status.with(state_name)>
            {body}
            <DisconnectDialog
                node_ref=dialog
                on_confirm=on_disconnect
                busy=disconnecting
                error=disconnect_error
            />
        </div>
    }
}

#[component]
fn AccountDetails(account: ZoomAccount, class: &'static str) -> impl IntoView {
    let local = account.connected_since.with_timezone(&chrono::Local);
    let basic = account.plan == ZoomPlan::Basic;
    view! { class = class,
        <dl class="account">
            <dt>"Zoom email"</dt>
            <dd data-testid="zoom-email">{account.email}</dd>
            <dt>"Name"</dt>
            <dd data-testid="zoom-display-name">{account.display_name}</dd>
            <dt>"Zoom plan"</dt>
            <dd data-testid="zoom-plan">{account.plan.label()}</dd>
            <dt>"Connected since"</dt>
            <dd>
                <time
                    data-testid="zoom-connected-since"
                    datetime=account.connected_since.to_rfc3339()
                >
                    {dates::human_date(&local)}
                </time>
            </dd>
        </dl>
        {basic.then(|| view! { class = class,
            <p class="note" data-testid="zoom-plan-note">
                {help::BASIC_PLAN_NOTE}
            </p>
        })}
    }
}

#[component]
fn ReauthBanner(reason: ReauthReason, email: String, class: &'static str) -> impl IntoView {
    let g = guidance::for_reauth(reason);
    let steps = g
        .steps
        .into_iter()
        .map(|s| view! { class = class, <li>{s}</li> })
        .collect_view();
    view! { class = class,
        <div class="banner" data-testid="reauth-banner" data-reason=reason_name(reason) role="alert">
            <h2>{g.title}</h2>
            <p>{g.explanation}</p>
            <p>"Zoom account: " <strong>{email}</strong></p>
            <ol>{steps}</ol>
        </div>
    }
}

fn reason_name(reason: ReauthReason) -> &'static str {
    match reason {
        ReauthReason::GrantRevoked => "grant_revoked",
        ReauthReason::ReplacedByNewerAuthorization => "replaced_by_newer_authorization",
        ReauthReason::AppDisabledByZoomAdmin => "app_disabled_by_zoom_admin",
    }
}
