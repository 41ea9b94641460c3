use api::zoom::SCOPES;
use leptos::prelude::*;
use stylers::style;

use crate::logic::help::{Topic, FAQ, SCOPES_QUESTION, TROUBLESHOOTING};

/// Troubleshooting and frequently asked questions, one collapsible `<details>` per topic.
#[component]
pub fn ZoomHelp() -> impl IntoView {
    let class = style! {"ZoomHelp",
        section {
            margin: 2.5rem 0 0 0;
        }
        h2 {
            font-size: 1.25rem;
            margin: 0 0 0.75rem 0;
        }
        h3 {
            font-size: 1.0625rem;
            margin: 1.75rem 0 0.75rem 0;
        }
        details {
            background: var(--bb-color-surface);
            border: 1px solid var(--bb-color-border);
            border-radius: var(--bb-radius);
            margin: 0 0 0.5rem 0;
            padding: 0 1rem;
        }
        summary {
            cursor: pointer;
            font-weight: 600;
            padding: 0.75rem 0;
        }
        details[open] summary {
            border-bottom: 1px solid var(--bb-color-border);
            margin-bottom: 0.75rem;
        }
        p {
            margin: 0 0 0.75rem 0;
        }
        ol, ul {
            margin: 0 0 0.75rem 0;
            padding-left: 1.25rem;
        }
        li {
            margin-bottom: 0.375rem;
        }
        code {
            font-family: var(--bb-font-mono);
            font-size: 0.875rem;
        }
    };

    let topics = TROUBLESHOOTING
        .iter()
        .map(|t| view! { class = class, <HelpTopic topic=*t class=class/> })
        .collect_view();
    let questions = FAQ
        .iter()
        .map(|q| {
            let scopes = (q.id == SCOPES_QUESTION).then(|| {
                let items = SCOPES
                    .iter()
                    .map(|s| view! { class = class, <li data-scope=s.name><code>{s.name}</code>": "{s.plain_words}</li> })
                    .collect_view();
                view! { class = class, <ul data-testid="faq-scopes">{items}</ul> }
            });
            view! { class = class,
                <details data-testid="faq-item" data-question=q.id>
                    <summary>{q.question}</summary>
                    <p>{q.answer}</p>
                    {scopes}
                </details>
            }
        })
        .collect_view();

    view! { class = class,
        <section data-testid="zoom-help" aria-labelledby="zoom-help-title">
            <h2 id="zoom-help-title">"Help"</h2>
            <h3>"Troubleshooting"</h3>
            {topics}
            <h3>"Frequently asked questions"</h3>
            <div data-testid="zoom-faq">{questions}</div>
        </section>
    }
}

#[component]
fn HelpTopic(topic: Topic, class: &'static str) -> impl IntoView {
    let text = topic
        .text
        .iter()
        .map(|p| view! { class = class, <p>{*p}</p> })
        .collect_view();
    let steps = (!topic.steps.is_empty()).then(|| {
        let items = topic
            .steps
            .iter()
            .map(|s| view! { class = class, <li>{*s}</li> })
            .collect_view();
        view! { class = class, <ol>{items}</ol> }
    });
    view! { class = class,
        <details data-testid="help-topic" data-topic=topic.id>
            <summary>{topic.title}</summary>
            {text}
            {steps}
        </details>
    }
}
