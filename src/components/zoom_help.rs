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

    view! { class = class,
        <section data-testid="zoom-help" aria-labelledby="zoom-help-title" inner_html=help_html(class)></section>
    }
}

/// The panel's content as HTML, parsed by the browser in one go: it is fixed text, half the Zoom page's elements,
/// and built through the DOM an element at a time it cost the page's first draw more than the rest of the page.
/// `class` is the panel's scoped style class, on every element its rules select.
fn help_html(class: &str) -> String {
    use api::html::escape;
    use std::fmt::Write as _;
    let mut out = String::with_capacity(8 * 1024);
    let _ = write!(
        out,
        r#"<h2 class="{class}" id="zoom-help-title">Help</h2><h3 class="{class}">Troubleshooting</h3>"#
    );
    for topic in &TROUBLESHOOTING {
        topic_html(&mut out, class, topic);
    }
    let _ = write!(
        out,
        r#"<h3 class="{class}">Frequently asked questions</h3><div class="{class}" data-testid="zoom-faq">"#
    );
    for q in &FAQ {
        let _ = write!(
            out,
            r#"<details class="{class}" data-testid="faq-item" data-question="{id}"><summary class="{class}">{question}</summary><p class="{class}">{answer}</p>"#,
            id = escape(q.id),
            question = escape(q.question),
            answer = escape(q.answer),
        );
        if q.id == SCOPES_QUESTION {
            let _ = write!(out, r#"<ul class="{class}" data-testid="faq-scopes">"#);
            for scope in &SCOPES {
                let _ = write!(
                    out,
                    r#"<li class="{class}" data-scope="{name}"><code class="{class}">{name}</code>: {words}</li>"#,
                    name = escape(scope.name),
                    words = escape(scope.plain_words),
                );
            }
            out.push_str("</ul>");
        }
        out.push_str("</details>");
    }
    out.push_str("</div>");
    out
}

/// One troubleshooting topic: its sentences, then its steps in order.
fn topic_html(out: &mut String, class: &str, topic: &Topic) {
    use api::html::escape;
    use std::fmt::Write as _;
    let _ = write!(
        out,
        r#"<details class="{class}" data-testid="help-topic" data-topic="{id}"><summary class="{class}">{title}</summary>"#,
        id = escape(topic.id),
        title = escape(topic.title),
    );
    for p in topic.text {
        let _ = write!(out, r#"<p class="{class}">{}</p>"#, escape(p));
    }
    if !topic.steps.is_empty() {
        let _ = write!(out, r#"<ol class="{class}">"#);
        for step in topic.steps {
            let _ = write!(out, r#"<li class="{class}">{}</li>"#, escape(step));
        }
        out.push_str("</ol>");
    }
    out.push_str("</details>");
}
