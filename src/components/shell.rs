use ::api::identity::Me;
use leptos::prelude::*;
use leptos_router::hooks::use_location;
use stylers::style;

use crate::config::Config;
use crate::logic::organisation::manages_organisation;
use crate::routes::{self, Section};

/// The console frame around every signed-in page: who is signed in, where you are, and a way out. The console
/// page owns the fetch of who is signed in and the sign-out; `children` is the page (or its loading state).
#[component]
pub fn Shell(
    #[prop(into)] user: Signal<Option<Me>>,
    #[prop(into)] on_sign_out: Callback<()>,
    #[prop(into)] signing_out: Signal<bool>,
    #[prop(into)] sign_out_error: Signal<Option<String>>,
    children: Children,
) -> impl IntoView {
    let config = expect_context::<Config>();
    let location = use_location();
    let calendar_href = routes::browser_path(&config, routes::CALENDAR);
    let calendar_sync_href = routes::browser_path(&config, routes::CALENDAR_SYNC);
    let zoom_href = routes::browser_path(&config, routes::ZOOM);
    let organisation_href = routes::browser_path(&config, routes::ORGANISATION);
    let section = {
        let config = config.clone();
        Memo::new(move |_| {
            location
                .pathname
                .with(|p| Section::of(&routes::current_app_path(&config, p, "")))
        })
    };
    let current = move |s: Section| move || (section.get() == s).then_some("page");
    let admin = Memo::new(move |_| {
        user.with(|u| {
            u.as_ref()
                .is_some_and(|me| manages_organisation(me.role, me.organisation.plan))
        })
    });

    let class = style! {"Shell",
        .topbar {
            background: var(--bb-color-header);
            color: var(--bb-color-header-text);
        }
        .topbar-inner {
            max-width: calc(var(--bb-content-width) + 20rem);
            margin: 0 auto;
            padding: 0.875rem 1.5rem;
            display: flex;
            align-items: center;
            justify-content: space-between;
            gap: 1rem;
            flex-wrap: wrap;
        }
        .brand {
            font-weight: 700;
            font-size: 1.125rem;
            margin: 0;
        }
        .user {
            display: flex;
            align-items: center;
            gap: 0.75rem;
        }
        .breadcrumb {
            max-width: var(--bb-content-width);
            margin: 0 auto;
            padding: 1rem 1.5rem 0 1.5rem;
            color: var(--bb-color-text-muted);
            font-size: 0.9375rem;
        }
        ol {
            list-style: none;
            margin: 0;
            padding: 0;
            display: flex;
            flex-wrap: wrap;
        }
        .sep {
            white-space: pre;
        }
        .current {
            color: var(--bb-color-text);
            font-weight: 600;
        }
        main {
            max-width: var(--bb-content-width);
            margin: 0 auto;
            padding: 1rem 1.5rem 3rem 1.5rem;
        }
        .sections ul {
            list-style: none;
            margin: 0;
            padding: 0;
            display: flex;
            gap: 0.25rem;
            flex-wrap: wrap;
        }
        .sections a {
            display: inline-block;
            color: var(--bb-color-header-text);
            text-decoration: none;
            padding: 0.375rem 0.75rem;
            border-radius: var(--bb-radius);
            border: 1px solid transparent;
        }
        .sections a:hover {
            border-color: var(--bb-color-header-border);
        }
        .sections a[aria-current="page"] {
            background: var(--bb-color-header-current);
            font-weight: 600;
        }
    };

    let who = move || {
        user.get().map(|me: Me| {
            view! { class = class,
                <div class="user">
                    <span data-testid="current-user">{me.name}</span>
                    <button
                        type="button"
                        class="bb-button bb-button-on-dark"
                        data-testid="sign-out"
                        disabled=signing_out
                        on:click=move |_| on_sign_out.run(())
                    >
                        "Sign out"
                    </button>
                </div>
            }
        })
    };

    view! { class = class,
        <a class="bb-skip-link" href="#main">"Skip to content"</a>
        <header class="topbar">
            <div class="topbar-inner">
                <p class="brand">"BetterBeing Console"</p>
                <nav class="sections" aria-label="Console" data-testid="console-nav">
                    <ul>
                        <li>
                            <a data-testid="nav-calendar" href=calendar_href aria-current=current(Section::Calendar)>
                                "Calendar"
                            </a>
                        </li>
                        <li>
                            <a data-testid="nav-calendar-sync" href=calendar_sync_href aria-current=current(Section::CalendarSync)>
                                "Calendar sync"
                            </a>
                        </li>
                        <li>
                            <a data-testid="nav-zoom" href=zoom_href aria-current=current(Section::Zoom)>
                                "Video Accounts \u{2192} Zoom"
                            </a>
                        </li>
                        {move || admin.get().then(|| {
                            let href = organisation_href.clone();
                            view! { class = class,
                                <li>
                                    <a data-testid="nav-organisation" href=href aria-current=current(Section::Organisation)>
                                        "Organisation"
                                    </a>
                                </li>
                            }
                        })}
                    </ul>
                </nav>
                {who}
            </div>
        </header>
        <nav class="breadcrumb" aria-label="Breadcrumb" data-testid="breadcrumb">
            // The arrows are text so the trail reads "Console → Video Accounts → Zoom", as in the product
            // documentation; screen readers get the list without them.
            <ol>
                <li>"Console"<span class="sep" aria-hidden="true">" \u{2192} "</span></li>
                {move || match section.get() {
                    Section::Calendar => view! { class = class, <li class="current" aria-current="page">"Calendar"</li> }.into_any(),
                    Section::CalendarSync => view! { class = class, <li class="current" aria-current="page">"Calendar sync"</li> }.into_any(),
                    Section::Organisation => view! { class = class, <li class="current" aria-current="page">"Organisation"</li> }.into_any(),
                    Section::Zoom => view! { class = class,
                        <li>"Video Accounts"<span class="sep" aria-hidden="true">" \u{2192} "</span></li>
                        <li class="current" aria-current="page">"Zoom"</li>
                    }
                    .into_any(),
                }}
            </ol>
        </nav>
        <main id="main" tabindex="-1">
            {move || sign_out_error.get().map(|m| view! { <p class="bb-error" role="alert" data-testid="page-error">{m}</p> })}
            {children()}
        </main>
    }
}
