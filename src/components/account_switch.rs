//! A Reauth that came back with another Zoom account than the one the upcoming sessions' meetings are on: nothing was
//! switched; the practitioner chooses to authorize the account the sessions are on, or to switch on purpose (every
//! upcoming session then gets a new meeting, and a new Zoom link, on the new account).

use api::zoom::AccountSwitch;
use leptos::prelude::*;
use stylers::style;

#[component]
pub fn AccountSwitchChoice(
    switch: AccountSwitch,
    /// "Authorize <current> instead": forgets the new account and starts Zoom's authorization again.
    #[prop(into)]
    on_go_back: Callback<()>,
    /// "Switch to <new>".
    #[prop(into)]
    on_switch: Callback<()>,
    #[prop(into)] busy: Signal<bool>,
) -> impl IntoView {
    let class = style! {"AccountSwitchChoice",
        section {
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
        p {
            margin: 0 0 0.75rem 0;
        }
        .actions {
            display: flex;
            flex-wrap: wrap;
            gap: 0.75rem;
        }
    };
    let AccountSwitch {
        current,
        new,
        upcoming_sessions,
    } = switch;
    let one = upcoming_sessions == 1;
    let sessions = if one {
        "1 upcoming session".to_string()
    } else {
        format!("{upcoming_sessions} upcoming sessions")
    };
    let have_their = if one {
        " has its Zoom meeting on "
    } else {
        " have their Zoom meetings on "
    };
    let get_new = if one {
        " gets a new meeting there and its Zoom link changes"
    } else {
        " get new meetings there and their Zoom links change"
    };
    let go_back_label = format!("Authorize {} instead", current.email);
    let switch_label = format!("Switch to {}", new.email);
    view! { class = class,
        <section data-testid="account-switch" aria-labelledby="account-switch-title">
            <h2 id="account-switch-title">"You authorized a different Zoom account"</h2>
            <p>
                "Zoom authorized " <strong data-testid="account-switch-new">{new.email.clone()}</strong>
                ", but your " {sessions.clone()} {have_their}
                <strong data-testid="account-switch-current">{current.email.clone()}</strong> ". Nothing has changed yet."
            </p>
            <p>
                "If you meant to use " {current.email.clone()} ", authorize it instead: make sure you are signed in to Zoom as "
                {current.email.clone()} " before you click Allow."
            </p>
            <p>
                "If you are moving to " {new.email.clone()} ", switch: your " {sessions} {get_new} " (the calendar lists them so you can tell your clients; each session\u{2019}s session link keeps working). The meetings on "
                {current.email} " stay in that account: BetterBeing can no longer reach them, so delete them there if you wish."
            </p>
            <div class="actions">
                <button type="button" class="bb-button bb-button-primary" data-testid="account-switch-go-back" disabled=busy on:click=move |_| on_go_back.run(())>
                    {go_back_label}
                </button>
                <button type="button" class="bb-button bb-button-secondary" data-testid="account-switch-confirm" disabled=busy on:click=move |_| on_switch.run(())>
                    {switch_label}
                </button>
            </div>
        </section>
    }
}
