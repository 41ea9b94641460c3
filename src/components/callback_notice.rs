use leptos::prelude::*;
use stylers::style;

use crate::logic::guidance;
use crate::logic::urls::CallbackOutcome;

/// What came back from Zoom's consent page: a success notice, or the reason it failed and what to try.
#[component]
pub fn CallbackNotice(
    #[prop(into)] outcome: Signal<Option<CallbackOutcome>>,
    #[prop(into, optional)] on_dismiss: Option<Callback<()>>,
) -> impl IntoView {
    let class = style! {"CallbackNotice",
        .notice {
            border-radius: var(--bb-radius);
            padding: 1rem 1.25rem;
            margin: 0 0 1.5rem 0;
            border: 1px solid;
            display: flex;
            gap: 1rem;
            align-items: flex-start;
        }
        .notice-body {
            flex: 1;
        }
        .success {
            background: var(--bb-color-success-surface);
            border-color: var(--bb-color-success-border);
        }
        .error {
            background: var(--bb-color-danger-surface);
            border-color: var(--bb-color-danger-border);
        }
        h2 {
            font-size: 1.0625rem;
            margin: 0 0 0.375rem 0;
        }
        p {
            margin: 0 0 0.5rem 0;
        }
        ul {
            margin: 0.25rem 0 0 0;
            padding-left: 1.25rem;
        }
        li {
            margin-bottom: 0.25rem;
        }
    };

    let dismiss = move || {
        on_dismiss.map(|cb| {
            view! { class = class,
                <button type="button" class="bb-button bb-button-quiet" on:click=move |_| cb.run(())>
                    "Dismiss"
                </button>
            }
        })
    };

    move || {
        outcome.get().map(|outcome| match outcome {
            CallbackOutcome::Connected => view! { class = class,
                <div class="notice success" data-testid="callback-success" role="status">
                    <div class="notice-body">
                        <h2>"Zoom account connected"</h2>
                        <p>"New sessions you schedule will get a Zoom meeting link automatically."</p>
                    </div>
                    {dismiss()}
                </div>
            }
            .into_any(),
            CallbackOutcome::Failed { code } => {
                let g = guidance::for_callback_error(&code);
                let steps = g
                    .steps
                    .into_iter()
                    .map(|s| view! { class = class, <li>{s}</li> })
                    .collect_view();
                view! { class = class,
                    <div class="notice error" data-testid="callback-error" data-code=code.as_str() role="alert">
                        <div class="notice-body">
                            <h2>{g.title}</h2>
                            <p>{g.explanation}</p>
                            <p>"What you can do:"</p>
                            <ul data-testid="troubleshooting">{steps}</ul>
                        </div>
                        {dismiss()}
                    </div>
                }
                .into_any()
            }
        })
    }
}
