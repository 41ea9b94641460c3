use api::zoom::scope_plain_words;
use leptos::prelude::*;
use stylers::style;

/// One `<li data-scope>` per scope: its Zoom name and what it lets BetterBeing do.
#[component]
pub fn ScopeList(scopes: Vec<String>) -> impl IntoView {
    let class = style! {"ScopeList",
        ul {
            list-style: none;
            margin: 0 0 1rem 0;
            padding: 0;
            border: 1px solid var(--bb-color-border);
            border-radius: var(--bb-radius);
            background: var(--bb-color-surface);
        }
        li {
            display: grid;
            grid-template-columns: minmax(12rem, 16rem) 1fr;
            gap: 0.25rem 1rem;
            padding: 0.625rem 0.875rem;
            border-top: 1px solid var(--bb-color-border);
        }
        li:first-child {
            border-top: none;
        }
        code {
            font-family: var(--bb-font-mono);
            font-size: 0.875rem;
            color: var(--bb-color-text-muted);
            overflow-wrap: anywhere;
        }
        @media (max-width: 40rem) {
            li {
                grid-template-columns: 1fr;
            }
        }
    };

    let items = scopes
        .into_iter()
        .map(|name| {
            let words = scope_plain_words(&name).unwrap_or("Granted by Zoom; BetterBeing does not use it.");
            let scope = name.clone();
            view! { class = class,
                <li data-scope=scope>
                    <code>{name}</code>
                    <span class="scope-words">{words}</span>
                </li>
            }
        })
        .collect_view();

    view! { class = class,
        <ul data-testid="zoom-scopes">{items}</ul>
    }
}

/// The six scopes BetterBeing asks for, by name.
pub fn requested_scope_names() -> Vec<String> {
    api::zoom::SCOPES.iter().map(|s| s.name.to_string()).collect()
}
