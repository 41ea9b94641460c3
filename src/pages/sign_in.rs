use ::api::identity::DemoPerson;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;
use stylers::style;

use crate::api;
use crate::config::Config;
use crate::logic::messages::friendly_message;
use crate::routes;

/// Demo sign-in: one button per seeded person. Embedded in the BetterBeing shell, the shell signs people in
/// instead.
#[component]
pub fn SignInPage() -> impl IntoView {
    let config = expect_context::<Config>();
    let navigate = use_navigate();
    let next = routes::after_sign_in(&window().location().search().unwrap_or_default());

    let people = LocalResource::new({
        let config = config.clone();
        move || {
            let config = config.clone();
            async move { api::auth::demo_people(&config).await }
        }
    });

    let signing_in = RwSignal::new(None::<i64>);
    let error = RwSignal::new(None::<String>);
    let sign_in = move |person: i64| {
        if signing_in.get_untracked().is_some() {
            return;
        }
        signing_in.set(Some(person));
        error.set(None);
        let config = config.clone();
        let navigate = navigate.clone();
        let next = next.clone();
        leptos::task::spawn_local(async move {
            match api::auth::demo_sign_in(&config, person).await {
                Ok(()) => navigate(&next, NavigateOptions::default()),
                Err(e) => error.set(Some(friendly_message(&e))),
            }
            signing_in.set(None);
        });
    };

    let class = style! {"SignInPage",
        main {
            max-width: 36rem;
            margin: 0 auto;
            padding: 3rem 1.5rem;
        }
        .brand {
            font-weight: 700;
            color: var(--bb-color-primary);
            margin: 0 0 0.5rem 0;
        }
        h1 {
            margin: 0 0 0.5rem 0;
        }
        ul {
            list-style: none;
            padding: 0;
            margin: 1.5rem 0 0 0;
            display: grid;
            gap: 0.75rem;
        }
        li {
            background: var(--bb-color-surface);
            border: 1px solid var(--bb-color-border);
            border-radius: var(--bb-radius-large);
            padding: 1rem 1.25rem;
            display: grid;
            grid-template-columns: auto 1fr;
            align-items: center;
            gap: 0.5rem 1rem;
        }
        @media (max-width: 32rem) {
            li {
                grid-template-columns: 1fr;
                justify-items: start;
            }
        }
        .description {
            color: var(--bb-color-text-muted);
            margin: 0;
        }
        .error {
            color: var(--bb-color-danger-text);
            background: var(--bb-color-danger-surface);
            border: 1px solid var(--bb-color-danger-border);
            border-radius: var(--bb-radius);
            padding: 0.625rem 0.875rem;
        }
    };

    let person_item = move |person: DemoPerson| {
        let id = person.id;
        let description_id = format!("demo-person-{id}-description");
        let sign_in = sign_in.clone();
        view! { class = class,
            <li>
                <button
                    type="button"
                    class="bb-button bb-button-primary"
                    data-testid="sign-in-person"
                    data-person-id=id.to_string()
                    aria-describedby=description_id.clone()
                    disabled=move || signing_in.get().is_some()
                    aria-busy=move || (signing_in.get() == Some(id)).to_string()
                    on:click=move |_| sign_in(id)
                >
                    {person.name}
                </button>
                <p class="description" id=description_id>{person.description}</p>
            </li>
        }
    };

    let list = move || match people.get() {
        None => view! { class = class, <p aria-busy="true" data-testid="people-loading">"Loading people\u{2026}"</p> }
            .into_any(),
        Some(Ok(list)) if list.is_empty() => {
            view! { class = class, <p>"No demo people are set up on this server."</p> }.into_any()
        }
        Some(Ok(list)) => {
            let items = list.into_iter().map(person_item.clone()).collect_view();
            view! { class = class, <ul data-testid="demo-people">{items}</ul> }.into_any()
        }
        Some(Err(e)) => view! { class = class,
            <div role="alert">
                <p class="error" data-testid="page-error">{friendly_message(&e)}</p>
                <button type="button" class="bb-button bb-button-secondary" on:click=move |_| people.refetch()>
                    "Try again"
                </button>
            </div>
        }
        .into_any(),
    };

    view! { class = class,
        <main id="main">
            <p class="brand">"BetterBeing Console"</p>
            <h1>"Sign in"</h1>
            <p>"This is a demo. Choose the person you want to sign in as."</p>
            <div aria-live="polite">
                {move || error.get().map(|m| view! { class = class, <p class="error" role="alert" data-testid="page-error">{m}</p> })}
            </div>
            {list}
        </main>
    }
}
