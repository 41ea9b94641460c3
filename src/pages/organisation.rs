use ::api::organisation::OrganisationAdmin;
use leptos::prelude::*;
use stylers::style;

use crate::api::{self, ApiError};
use crate::components::organisation_admin::{OrganisationAdminView, OrganisationForbidden};
use crate::config::Config;
use crate::logic::messages::friendly_message;

/// BetterBeing Console → Organisation (`/console/organisation`), for Clinic and Enterprise admins. Owns the fetch
/// and the Zoom access switch; anyone else gets the server's 403 and a plain explanation.
#[component]
pub fn OrganisationPage() -> impl IntoView {
    let config = expect_context::<Config>();
    let to_sign_in = crate::app::use_sign_in_redirect();

    let fetched = LocalResource::new({
        let config = config.clone();
        move || {
            let config = config.clone();
            async move { api::organisation::get(&config).await }
        }
    });
    let organisation = RwSignal::new(None::<OrganisationAdmin>);
    let allowed = RwSignal::new(false);
    Effect::new({
        let to_sign_in = to_sign_in.clone();
        move |_| match fetched.get() {
            Some(Ok(o)) => {
                allowed.set(o.zoom_allowed);
                organisation.set(Some(o));
            }
            Some(Err(e)) if e.is_unauthenticated() => to_sign_in(),
            _ => {}
        }
    });

    let saving = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let on_toggle = Callback::new(move |wanted: bool| {
        if saving.get_untracked() {
            return;
        }
        saving.set(true);
        error.set(None);
        allowed.set(wanted);
        let config = config.clone();
        let to_sign_in = to_sign_in.clone();
        leptos::task::spawn_local(async move {
            match api::organisation::set_zoom_access(&config, wanted).await {
                Ok(o) => {
                    let _ = allowed.try_set(o.zoom_allowed);
                    let _ = organisation.try_set(Some(o));
                }
                Err(e) => {
                    let _ = allowed.try_set(!wanted);
                    if e.is_unauthenticated() {
                        to_sign_in();
                    } else {
                        let _ = error.try_set(Some(format!("The change was not saved. {}", friendly_message(&e))));
                    }
                }
            }
            let _ = saving.try_set(false);
        });
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
        .error-text {
            color: var(--bb-color-danger-text);
        }
    };

    let loaded = Memo::new(move |_| organisation.with(Option::is_some));
    let body = move || {
        if loaded.get() {
            return view! {
                <OrganisationAdminView
                    organisation=Signal::derive(move || organisation.get().expect("shown only once loaded"))
                    allowed=allowed
                    on_toggle=on_toggle
                    saving=saving
                    error=error
                />
            }
            .into_any();
        }
        match fetched.get() {
            Some(Err(ApiError::Http { status: 403, .. })) => view! { <OrganisationForbidden/> }.into_any(),
            Some(Err(e)) => view! { class = class,
                <div class="state" data-testid="organisation-state" data-state="error" role="alert">
                    <p class="error-text" data-testid="page-error">{friendly_message(&e)}</p>
                    <button type="button" class="bb-button bb-button-secondary" data-testid="retry" on:click=move |_| fetched.refetch()>
                        "Try again"
                    </button>
                </div>
            }
            .into_any(),
            _ => view! { class = class,
                <div class="state" data-testid="organisation-state" data-state="loading" aria-busy="true">
                    <p>"Loading your organisation\u{2026}"</p>
                </div>
            }
            .into_any(),
        }
    };

    view! { class = class,
        <h1>"Organisation"</h1>
        <p class="lede">"Decide whether your practitioners can connect Zoom, and see where each of them stands."</p>
        {body}
    }
}
