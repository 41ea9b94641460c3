use ::api::organisation::OrganisationAdmin;
use leptos::prelude::*;
use stylers::style;

use crate::backend::{self, ApiError};
use crate::components::load_failed::load_failed_fallback;
use crate::components::organisation_admin::{OrganisationAdminView, OrganisationForbidden};
use crate::config::Config;
use crate::hooks::{use_load, use_write};
use crate::logic::messages::friendly_message;

/// BetterBeing Console → Organisation (`/console/organisation`), for Clinic and Enterprise admins. Owns the fetch
/// and the Zoom access switch; anyone else gets the server's 403 and a plain explanation.
#[component]
pub fn OrganisationPage() -> impl IntoView {
    let config = expect_context::<Config>();
    let fetched = use_load({
        let config = config.clone();
        move || backend::organisation::get(&config)
    });
    // The answer to the last change saved (shown instead of the fetched one), and the switch's position while a
    // change is saving.
    let saved = RwSignal::new(None::<OrganisationAdmin>);
    let wanted = RwSignal::new(None::<bool>);

    let toggle = use_write();
    let toggle_job = move |wanted_now: bool| {
        let config = config.clone();
        async move {
            let answer = backend::organisation::set_zoom_access(&config, wanted_now).await;
            if let Ok(o) = &answer {
                let _ = saved.try_set(Some(o.clone()));
            }
            let _ = wanted.try_set(None);
            answer.map(|_| ())
        }
    };
    let on_toggle = Callback::new(move |now: bool| {
        if !toggle.busy().get_untracked() {
            wanted.set(Some(now));
            toggle.run(toggle_job(now));
        }
    });

    let class = style! {"OrganisationPage",
        h1 {
            font-size: 1.75rem;
            margin: 0.5rem 0 0.25rem 0;
        }
        .lede {
            color: var(--bb-color-text-muted);
            margin: 0 0 1.5rem 0;
        }
        .state {
            background: var(--bb-color-surface);
            border: 1px solid var(--bb-color-border);
            border-radius: var(--bb-radius-large);
            padding: 1.5rem;
        }
    };

    let body = move || {
        fetched.get().map(|r| match r {
            Ok(fetched_organisation) => Ok(view! {
                <OrganisationAdminView
                    allowed=Signal::derive({
                        let fetched_allowed = fetched_organisation.zoom_allowed;
                        move || {
                            wanted
                                .get()
                                .or_else(|| saved.with(|o| o.as_ref().map(|o| o.zoom_allowed)))
                                .unwrap_or(fetched_allowed)
                        }
                    })
                    organisation=Signal::derive(move || saved.get().unwrap_or_else(|| fetched_organisation.clone()))
                    on_toggle=on_toggle
                    saving=toggle.busy()
                    error=toggle.error(|e| format!("The change was not saved. {}", friendly_message(e)))
                />
            }
            .into_any()),
            Err(ApiError::Http { status: 403, .. }) => Ok(view! { <OrganisationForbidden/> }.into_any()),
            Err(e) => Err(e),
        })
    };

    view! { class = class,
        <h1>"Organisation"</h1>
        <p class="lede">"Decide whether your practitioners can connect Zoom, and see where each of them stands."</p>
        <Suspense fallback=move || view! { class = class,
            <div class="state" data-testid="organisation-state" data-state="loading" aria-busy="true">
                <p>"Loading your organisation\u{2026}"</p>
            </div>
        }>
            <ErrorBoundary fallback=load_failed_fallback("organisation-state", Some("retry"), Callback::new(move |()| fetched.refetch()))>
                {body}
            </ErrorBoundary>
        </Suspense>
    }
}
