use ::api::identity::DemoPerson;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;
use stylers::style;

use crate::backend;
use crate::components::load_failed::load_failed_fallback;
use crate::config::Config;
use crate::hooks::{use_load, use_write};
use crate::logic::messages::friendly_message;
use crate::routes;

/// Demo sign-in: one button per seeded person. Embedded in the BetterBeing shell, the shell signs people in
/// instead.
#[component]
pub fn SignInPage() -> impl IntoView {
    let config = expect_context::<Config>();
    let navigate = use_navigate();
    let next = routes::after_sign_in(&window().location().search().unwrap_or_default());

    let people = use_load({
        let config = config.clone();
        move || backend::auth::demo_people(&config)
    });

    let chosen = RwSignal::new(None::<i64>);
    let sign_in = use_write();
    let sign_in_job = move |person: i64| {
        let (config, navigate, next) = (config.clone(), navigate.clone(), next.clone());
        async move {
            backend::auth::demo_sign_in(&config, person).await?;
            navigate(&next, NavigateOptions::default());
            Ok(())
        }
    };
    let on_choose = Callback::new(move |person: i64| sign_in.run(sign_in_job(person)));
    let busy = sign_in.busy();
    let error = sign_in.error(friendly_message);

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
        view! { class = class,
            <li>
                <button
                    type="button"
                    class="bb-button bb-button-primary"
                    data-testid="sign-in-person"
                    data-person-id=id.to_string()
                    aria-describedby=description_id.clone()
                    disabled=busy
                    aria-busy=move || (busy.get() && chosen.get() == Some(id)).to_string()
                    on:click=move |_| {
                        if !busy.get_untracked() {
                            chosen.set(Some(id));
                        }
                        on_choose.run(id);
                    }
                >
                    {person.name}
                </button>
                <p class="description" id=description_id>{person.description}</p>
            </li>
        }
    };

    let list = move || {
        people.get().map(|r| {
            r.map(|list| {
                if list.is_empty() {
                    return view! { class = class, <p>"No demo people are set up on this server."</p> }.into_any();
                }
                let items = list.into_iter().map(person_item).collect_view();
                view! { class = class, <ul data-testid="demo-people">{items}</ul> }.into_any()
            })
        })
    };

    view! { class = class,
        <main id="main">
            <p class="brand">"BetterBeing Console"</p>
            <h1>"Sign in"</h1>
            <p>"This is a demo. Choose the person you want to sign in as."</p>
            <div aria-live="polite">
                {move || error.get().map(|m| view! { class = class, <p class="error" role="alert" data-testid="page-error">{m}</p> })}
            </div>
            <Suspense fallback=move || view! { class = class,
                <p aria-busy="true" data-testid="people-loading">"Loading people\u{2026}"</p>
            }>
                <ErrorBoundary fallback=load_failed_fallback("people-state", None, Callback::new(move |()| people.refetch()))>
                    {list}
                </ErrorBoundary>
            </Suspense>
        </main>
    }
}
