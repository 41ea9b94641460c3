use api::sessions::CalendarFeed;
use leptos::html::Dialog;
use leptos::prelude::*;
use stylers::style;

use crate::components::confirm_dialog::ConfirmDialog;
use crate::components::copy::CopyFeedback;

/// What the subscription contains, in the practitioner's words; true of `crates/server/src/calendar_feed.rs`.
pub const WHATS_IN_IT: [&str; 5] = [
    "One event per scheduled session, with its Zoom link, from the last 90 days onwards.",
    "Rescheduled sessions move to their new time, with their new Zoom link.",
    "Cancelled sessions disappear.",
    "Private notes are never included.",
    "Calendar apps refresh subscriptions on their own schedule: a change can take a while to show, and Google Calendar can take several hours.",
];

pub const ROTATE_WARNING: &str = "The current URL stops working at once. Every calendar subscribed to it stops updating and must be subscribed again with the new URL.";

/// The calendar subscription: its URL (Copy, Open in Apple Calendar), how to subscribe in each calendar app, what
/// it contains, and Rotate link behind a confirmation. The owner fetches and rotates through `on_rotate`.
#[component]
pub fn CalendarFeedView(
    #[prop(into)] feed: Signal<CalendarFeed>,
    #[prop(into)] on_rotate: Callback<()>,
    #[prop(into, optional)] rotating: Signal<bool>,
    #[prop(into, optional)] rotate_error: Signal<Option<String>>,
    /// True once the URL shown is a freshly rotated one.
    #[prop(into, optional)]
    rotated: Signal<bool>,
) -> impl IntoView {
    let class = style! {"CalendarFeedView",
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
        h3 {
            font-size: 1rem;
            margin: 1.25rem 0 0.5rem 0;
        }
        p {
            margin: 0 0 0.75rem 0;
        }
        ol, ul {
            margin: 0 0 0.75rem 0;
            padding-left: 1.25rem;
        }
        li {
            margin-bottom: 0.25rem;
        }
        label {
            display: block;
            font-weight: 600;
            margin: 0 0 0.25rem 0;
        }
        .row {
            display: flex;
            gap: 0.625rem;
            flex-wrap: wrap;
            align-items: center;
        }
        input {
            flex: 1 1 20rem;
            min-width: 0;
            font-family: var(--bb-font-mono);
            font-size: 0.9375rem;
            padding: 0.5rem 0.625rem;
            border: 1px solid var(--bb-color-border);
            border-radius: var(--bb-radius);
            background: var(--bb-color-surface-muted);
            color: var(--bb-color-text);
            min-height: 2.75rem;
        }
        .feedback {
            min-height: 1.5rem;
            margin: 0.375rem 0 0.5rem 0;
            font-weight: 600;
            color: var(--bb-color-primary);
        }
        .quiet {
            color: var(--bb-color-text-muted);
            font-size: 0.9375rem;
        }
        .rotated {
            background: var(--bb-color-success-surface);
            border: 1px solid var(--bb-color-success-border);
            border-radius: var(--bb-radius);
            padding: 0.75rem 1rem;
        }
    };

    let feedback = CopyFeedback::new();
    let url = Signal::derive(move || feed.with(|f| f.url.clone()));
    let webcal = Signal::derive(move || feed.with(|f| f.webcal_url.clone()));

    let dialog = NodeRef::<Dialog>::new();
    let ask_to_rotate = move |_| {
        if let Some(d) = dialog.get_untracked() {
            if !d.open() {
                let _ = d.show_modal();
            }
        }
    };
    // A new URL arriving means the rotation went through: the question is answered.
    Effect::new(move |previous: Option<String>| {
        let now = url.get();
        if previous.is_some_and(|p| p != now) {
            if let Some(d) = dialog.get_untracked() {
                d.close();
            }
        }
        now
    });

    let select_all = move |ev: leptos::ev::FocusEvent| {
        use wasm_bindgen::JsCast;
        if let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
            input.select();
        }
    };

    view! { class = class,
        <section class="panel" data-testid="calendar-feed" aria-labelledby="feed-title">
            <h2 id="feed-title">"Your calendar subscription"</h2>
            <p>
                "Subscribe to this URL in Google Calendar, Outlook or Apple Calendar to see your BetterBeing sessions there, with their Zoom links."
            </p>
            <label for="feed-url">"Subscription URL"</label>
            <div class="row">
                <input id="feed-url" data-testid="feed-url" type="text" readonly prop:value=url on:focus=select_all/>
                <button type="button" class="bb-button bb-button-secondary" data-testid="copy-feed-url" on:click=move |_| feedback.copy(url.get_untracked())>
                    "Copy"
                </button>
            </div>
            <p class="feedback" aria-live="polite" data-testid="copy-feed-feedback-region">
                {move || feedback.message.get().map(|text| view! { <span data-testid="copy-feed-feedback">{text}</span> })}
            </p>
            <div aria-live="polite">
                {move || rotated.get().then(|| view! { class = class,
                    <p class="rotated" role="status" data-testid="feed-rotated">
                        "This is your new subscription URL. The old one no longer works: subscribe again with this one in each calendar app."
                    </p>
                })}
            </div>
            <p class="quiet">
                "Keep this URL private: anyone who has it can see your session times, client names and Zoom links."
            </p>
        </section>

        <section class="panel" aria-labelledby="feed-how">
            <h2 id="feed-how">"Add it to your calendar"</h2>
            <h3>"Google Calendar"</h3>
            <ol data-testid="steps-google">
                <li>"In Google Calendar on the web, next to \u{201c}Other calendars\u{201d}, click \u{201c}+\u{201d}."</li>
                <li>"Choose \u{201c}From URL\u{201d}."</li>
                <li>"Paste the subscription URL."</li>
                <li>"Click \u{201c}Add calendar\u{201d}."</li>
            </ol>
            <h3>"Outlook"</h3>
            <ol data-testid="steps-outlook">
                <li>"In Outlook\u{2019}s calendar, click \u{201c}Add calendar\u{201d}."</li>
                <li>"Choose \u{201c}Subscribe from web\u{201d}."</li>
                <li>"Paste the subscription URL."</li>
                <li>"Click \u{201c}Import\u{201d}."</li>
            </ol>
            <h3>"Apple Calendar"</h3>
            <ol data-testid="steps-apple">
                <li>
                    <a data-testid="webcal-link" href=webcal>"Open in Apple Calendar"</a>
                    " and confirm the subscription,"
                </li>
                <li>"or choose File \u{2192} New Calendar Subscription, paste the subscription URL and click \u{201c}Subscribe\u{201d}."</li>
            </ol>
        </section>

        <section class="panel" aria-labelledby="feed-contents">
            <h2 id="feed-contents">"What is in it"</h2>
            <ul data-testid="feed-contents">
                {WHATS_IN_IT.iter().map(|line| view! { class = class, <li>{*line}</li> }).collect_view()}
            </ul>
        </section>

        <section class="panel" aria-labelledby="feed-rotate">
            <h2 id="feed-rotate">"Rotate link"</h2>
            <p>
                "If the URL reached someone who should not have it, replace it with a new one. " {ROTATE_WARNING}
            </p>
            <button type="button" class="bb-button bb-button-danger-outline" data-testid="rotate-feed" on:click=ask_to_rotate>
                "Rotate link"
            </button>
        </section>

        <ConfirmDialog
            node_ref=dialog
            testid="rotate-feed-dialog"
            title_id="rotate-feed-title"
            described_by="rotate-feed-what-happens"
            title="Rotate your subscription URL?"
            confirm_label="Rotate link"
            busy_label="Rotating\u{2026}"
            confirm_testid="confirm-rotate-feed"
            cancel_testid="cancel-rotate-feed"
            danger=true
            compact=true
            busy=rotating
            error=rotate_error
            on_confirm=on_rotate
        >
            <p id="rotate-feed-what-happens">{ROTATE_WARNING}</p>
        </ConfirmDialog>
    }
}
