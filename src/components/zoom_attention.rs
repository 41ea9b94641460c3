//! "Needs your attention": upcoming sessions whose Zoom meeting was changed in Zoom or repaired by the check before
//! the session, and Zoom meetings BetterBeing still has to delete once Zoom is reconnected (they stay live in Zoom
//! until then). Shown on the calendar; the Zoom page shows the deletions.

use api::sessions::{Attention, AttentionReason, PendingDeletion};
use leptos::prelude::*;
use stylers::style;

use crate::logic::dates;
use crate::logic::zones::Zone;

pub const ATTENTION_TITLE: &str = "Needs your attention";
pub const PENDING_DELETIONS_TITLE: &str = "Zoom meetings still to delete once you reconnect";
pub const PENDING_DELETIONS_NOTE: &str = "These meetings are still live in Zoom: their links keep working until BetterBeing can delete them. Reconnect Zoom (or click \u{201c}Reauth\u{201d}) and they are deleted at once.";

pub fn reason_words(reason: AttentionReason) -> &'static str {
    match reason {
        AttentionReason::DeletedInZoom => "Its Zoom meeting was deleted in Zoom. Open the session to make a new link.",
        AttentionReason::MovedInZoom => {
            "Its Zoom meeting was moved in Zoom. Open the session to put it back or use Zoom\u{2019}s time."
        }
        AttentionReason::RemadeAfterDeletion => {
            "Zoom no longer had its meeting, so BetterBeing made a new one. Send your client the new Zoom link (or the session link)."
        }
        AttentionReason::RemadeAfterAccountSwitch => {
            "You switched Zoom accounts, so it has a new meeting and a new Zoom link. Send your client the new link (or the session link)."
        }
    }
}

fn reason_name(reason: AttentionReason) -> &'static str {
    match reason {
        AttentionReason::DeletedInZoom => "deleted_in_zoom",
        AttentionReason::MovedInZoom => "moved_in_zoom",
        AttentionReason::RemadeAfterDeletion => "remade_after_deletion",
        AttentionReason::RemadeAfterAccountSwitch => "remade_after_account_switch",
    }
}

/// The calendar's notice: nothing when nothing needs the practitioner.
#[component]
pub fn ZoomAttention(
    #[prop(into)] attention: Signal<Option<Attention>>,
    #[prop(into)] zone: Signal<Zone>,
    /// Opens a session's panel.
    #[prop(into)]
    on_open: Callback<i64>,
    #[prop(into)] zoom_page_href: String,
) -> impl IntoView {
    let class = style! {"ZoomAttention",
        section {
            background: var(--bb-color-warning-surface);
            border: 1px solid var(--bb-color-warning-border);
            border-radius: var(--bb-radius-large);
            padding: 1rem 1.25rem;
            margin: 0 0 1rem 0;
        }
        h2 {
            font-size: 1.125rem;
            margin: 0 0 0.5rem 0;
        }
        ul {
            margin: 0;
            padding: 0;
            list-style: none;
        }
        li {
            display: flex;
            flex-wrap: wrap;
            align-items: center;
            justify-content: space-between;
            gap: 0.5rem 1rem;
            padding: 0.5rem 0;
            border-top: 1px solid var(--bb-color-warning-border);
        }
        li:first-child {
            border-top: none;
        }
        p {
            margin: 0;
        }
    };
    let zoom_page = StoredValue::new(zoom_page_href);
    move || {
        let attention = attention.get().unwrap_or_default();
        if attention.sessions.is_empty() && attention.pending_deletions.is_empty() {
            return ().into_any();
        }
        let here = zone.get();
        let items = attention
            .sessions
            .into_iter()
            .map(|item| {
                let when = format!("{}, {}", dates::long_date(here.local(item.starts_at).date()), dates::clock_in(&here, item.starts_at));
                let id = item.session_id;
                view! { class = class,
                    <li data-testid="attention-item" data-reason=reason_name(item.reason) data-session-id=id.to_string()>
                        <p><strong>{item.client_name}</strong> " \u{00b7} " {when} <br/> {reason_words(item.reason)}</p>
                        <button type="button" class="bb-button bb-button-secondary" on:click=move |_| on_open.run(id)>
                            "Open session"
                        </button>
                    </li>
                }
            })
            .collect_view();
        let deletions = attention.pending_deletions;
        view! { class = class,
            <section data-testid="zoom-attention" aria-labelledby="zoom-attention-title">
                <h2 id="zoom-attention-title">{ATTENTION_TITLE}</h2>
                <ul>{items}</ul>
                {(!deletions.is_empty()).then(|| view! {
                    <PendingDeletions deletions=deletions zone=here.clone() zoom_page_href=zoom_page.get_value()/>
                })}
            </section>
        }
        .into_any()
    }
}

/// The meetings still to delete, with where they came from and the way to fix it.
#[component]
pub fn PendingDeletions(
    deletions: Vec<PendingDeletion>,
    zone: Zone,
    /// Where to reconnect; `None` on the Zoom page itself.
    #[prop(optional, into)]
    zoom_page_href: Option<String>,
    /// Drawn as a box of its own (on the Zoom page; inside the calendar's notice it is part of that box).
    #[prop(optional)]
    boxed: bool,
) -> impl IntoView {
    let class = style! {"PendingDeletions",
        div {
            margin: 0.75rem 0 0 0;
        }
        .boxed {
            background: var(--bb-color-warning-surface);
            border: 1px solid var(--bb-color-warning-border);
            border-radius: var(--bb-radius-large);
            padding: 1rem 1.25rem;
            margin: 0 0 1rem 0;
        }
        h3 {
            font-size: 1rem;
            margin: 0 0 0.25rem 0;
        }
        p {
            margin: 0 0 0.5rem 0;
        }
        ul {
            margin: 0 0 0.5rem 0;
            padding-left: 1.25rem;
        }
    };
    let items = deletions
        .into_iter()
        .map(|d| {
            let about = match (d.client_name, d.starts_at) {
                (Some(client), Some(at)) => format!(
                    "the session with {client} on {}, {}",
                    dates::long_date(zone.local(at).date()),
                    dates::clock_in(&zone, at)
                ),
                _ => "a session that no longer exists".to_string(),
            };
            let (id, shown) = (d.meeting_id.clone(), d.meeting_id);
            view! { <li data-testid="pending-deletion" data-meeting-id=id>"Meeting " {shown} " \u{2014} " {about}</li> }
        })
        .collect_view();
    view! { class = class,
        <div data-testid="pending-deletions" class:boxed=boxed role="status">
            <h3>{PENDING_DELETIONS_TITLE}</h3>
            <p>{PENDING_DELETIONS_NOTE}</p>
            <ul>{items}</ul>
            {zoom_page_href.map(|href| view! { <a href=href data-testid="pending-deletions-zoom-page">"Go to Video Accounts \u{2192} Zoom"</a> })}
        </div>
    }
}
