use api::organisation::{AuditEntry, Member, OrganisationAdmin};
use leptos::prelude::*;
use stylers::style;
use wasm_bindgen::JsCast;

use crate::logic::dates;
use crate::logic::organisation::{self as words, SWITCH_LABEL};

/// The organisation admin's page body: the Zoom access switch with its policy, the members' Zoom states and the
/// audit log. `allowed` is what the switch shows (the owner flips it at once and back if saving fails);
/// `on_toggle` gets the wanted value.
#[component]
pub fn OrganisationAdminView(
    #[prop(into)] organisation: Signal<OrganisationAdmin>,
    #[prop(into)] allowed: Signal<bool>,
    #[prop(into)] on_toggle: Callback<bool>,
    #[prop(into, optional)] saving: Signal<bool>,
    #[prop(into, optional)] error: Signal<Option<String>>,
) -> impl IntoView {
    let class = style! {"OrganisationAdminView",
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
        ul, ol {
            margin: 0 0 0.75rem 0;
            padding-left: 1.25rem;
        }
        li {
            margin-bottom: 0.375rem;
        }
        .switch {
            display: flex;
            align-items: center;
            gap: 0.75rem;
            flex-wrap: wrap;
            margin: 0 0 1rem 0;
        }
        input {
            width: 1.5rem;
            height: 1.5rem;
            margin: 0;
            accent-color: var(--bb-color-primary);
            cursor: pointer;
        }
        label {
            font-weight: 600;
            cursor: pointer;
        }
        .saving {
            color: var(--bb-color-text-muted);
            font-size: 0.9375rem;
        }
        .error {
            color: var(--bb-color-danger-text);
            background: var(--bb-color-danger-surface);
            border: 1px solid var(--bb-color-danger-border);
            border-radius: var(--bb-radius);
            padding: 0.625rem 0.875rem;
        }
        .table-wrap {
            overflow-x: auto;
        }
        table {
            border-collapse: collapse;
            width: 100%;
        }
        th, td {
            text-align: left;
            padding: 0.625rem 0.75rem 0.625rem 0;
            border-bottom: 1px solid var(--bb-color-border);
            vertical-align: top;
        }
        th {
            color: var(--bb-color-text-muted);
            font-weight: 600;
            font-size: 0.9375rem;
        }
        .state[data-state="connected"] {
            color: var(--bb-color-primary);
            font-weight: 600;
        }
        .state[data-state="needs_reauth"] {
            color: var(--bb-color-danger-text);
            font-weight: 600;
        }
        .quiet {
            color: var(--bb-color-text-muted);
        }
        .audit {
            list-style: none;
            padding: 0;
        }
        .audit li {
            padding: 0.5rem 0;
            border-bottom: 1px solid var(--bb-color-border);
        }
    };

    let on_change = move |ev: leptos::ev::Event| {
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else {
            return;
        };
        on_toggle.run(input.checked());
        // The switch shows `allowed`, not the click: the owner decides (and reverts on failure).
        input.set_checked(allowed.get_untracked());
    };

    let policy = words::POLICY_WHEN_OFF
        .iter()
        .map(|line| view! { class = class, <li>{*line}</li> })
        .collect_view();

    let members = move || {
        organisation.with(|o| {
            o.members
                .iter()
                .cloned()
                .map(|m| view! { class = class, <MemberRow member=m class=class/> })
                .collect_view()
        })
    };
    let audit = move || {
        organisation.with(|o| {
            if o.audit.is_empty() {
                view! { class = class, <p class="quiet" data-testid="audit-empty">{words::NO_AUDIT}</p> }.into_any()
            } else {
                let items = o
                    .audit
                    .iter()
                    .cloned()
                    .map(|e| view! { class = class, <AuditItem entry=e class=class/> })
                    .collect_view();
                view! { class = class, <ol class="audit" data-testid="audit-log">{items}</ol> }.into_any()
            }
        })
    };

    view! { class = class,
        <p class="quiet" data-testid="organisation-summary">
            <strong data-testid="organisation-name">{move || organisation.with(|o| o.name.clone())}</strong>
            " \u{00b7} "
            <span data-testid="organisation-plan">{move || organisation.with(|o| format!("{} plan", o.plan.label()))}</span>
        </p>

        <section class="panel" aria-labelledby="zoom-access-title">
            <h2 id="zoom-access-title">"Zoom access"</h2>
            <div class="switch">
                <input
                    type="checkbox"
                    role="switch"
                    id="zoom-access-switch"
                    data-testid="zoom-access-switch"
                    prop:checked=allowed
                    disabled=saving
                    aria-describedby="zoom-access-policy"
                    on:change=on_change
                />
                <label for="zoom-access-switch">{SWITCH_LABEL}</label>
                <span class="saving" aria-live="polite" data-testid="zoom-access-saving">
                    {move || if saving.get() { "Saving\u{2026}" } else if allowed.get() { "On" } else { "Off" }}
                </span>
            </div>
            {move || error.get().map(|message| view! { class = class,
                <p class="error" role="alert" data-testid="page-error">{message}</p>
            })}
            <div id="zoom-access-policy" data-testid="zoom-access-policy">
                <p>"When it is turned off:"</p>
                <ul>{policy}</ul>
            </div>
        </section>

        <section class="panel" aria-labelledby="members-title">
            <h2 id="members-title">"Members"</h2>
            <div class="table-wrap">
                <table data-testid="member-roster">
                    <thead>
                        <tr>
                            <th scope="col">"Name"</th>
                            <th scope="col">"Email"</th>
                            <th scope="col">"Role"</th>
                            <th scope="col">"Zoom"</th>
                            <th scope="col">"Last successful Zoom call"</th>
                        </tr>
                    </thead>
                    <tbody>{members}</tbody>
                </table>
            </div>
        </section>

        <section class="panel" aria-labelledby="audit-title">
            <h2 id="audit-title">"Changes to Zoom access"</h2>
            {audit}
        </section>
    }
}

#[component]
fn MemberRow(member: Member, class: &'static str) -> impl IntoView {
    let state = words::zoom_state_name(member.zoom_state);
    let state_text = words::zoom_state_text(&member);
    let last = words::last_success_text(member.last_zoom_success_at);
    let last_iso = member.last_zoom_success_at.map(|at| at.to_rfc3339());
    view! { class = class,
        <tr data-testid="member-row" data-member-id=member.id.to_string()>
            <th scope="row" data-testid="member-name">{member.name}</th>
            <td data-testid="member-email">{member.email}</td>
            <td data-testid="member-role">{words::role_label(member.role)}</td>
            <td><span class="state" data-testid="member-zoom-state" data-state=state>{state_text}</span></td>
            <td data-testid="member-last-success">
                {match last_iso {
                    Some(iso) => view! { class = class, <time datetime=iso>{last}</time> }.into_any(),
                    None => view! { class = class, <span class="quiet">{last}</span> }.into_any(),
                }}
            </td>
        </tr>
    }
}

#[component]
fn AuditItem(entry: AuditEntry, class: &'static str) -> impl IntoView {
    let local = entry.at.with_timezone(&chrono::Local);
    let when = format!("{}, {}", dates::human_date(&local), dates::clock(local.naive_local()));
    view! { class = class,
        <li data-testid="audit-entry">
            <time datetime=entry.at.to_rfc3339()>{when}</time>
            " \u{2014} "
            <strong data-testid="audit-actor">{entry.actor_name}</strong>
            ": "
            <span data-testid="audit-summary">{words::audit_summary(entry.action)}</span>
        </li>
    }
}

/// What a non-admin sees on the organisation page.
#[component]
pub fn OrganisationForbidden() -> impl IntoView {
    view! {
        <p class="bb-error" data-testid="forbidden">{words::FORBIDDEN}</p>
    }
}
