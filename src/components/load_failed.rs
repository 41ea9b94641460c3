use leptos::prelude::*;
use stylers::style;

use crate::auth::SignIn;
use crate::backend::ApiError;
use crate::logic::messages::friendly_message;

/// The one view of something that did not load: the friendly words and Try again (`state` is the container's
/// `data-testid`, with `data-state="error"`). A signed-out answer sends the person to sign in instead.
#[component]
pub fn LoadFailed(
    error: ApiError,
    #[prop(into)] on_retry: Callback<()>,
    state: &'static str,
    #[prop(optional)] retry: Option<&'static str>,
    /// Further ways on, beside Try again.
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    let class = style! {"LoadFailed",
        .state {
            background: var(--bb-color-surface);
            border: 1px solid var(--bb-color-border);
            border-radius: var(--bb-radius-large);
            padding: 1.5rem;
        }
        .error-text {
            color: var(--bb-color-danger-text);
        }
        .actions {
            display: flex;
            gap: 0.75rem;
            flex-wrap: wrap;
        }
    };
    if SignIn::new().redirects(&error) {
        return view! { class = class,
            <div class="state" data-testid=state data-state="signed-out" aria-busy="true">
                <p>"Taking you to sign in\u{2026}"</p>
            </div>
        }
        .into_any();
    }
    view! { class = class,
        <div class="state" data-testid=state data-state="error" role="alert">
            <p class="error-text" data-testid="page-error">{friendly_message(&error)}</p>
            <div class="actions">
                <button type="button" class="bb-button bb-button-secondary" data-testid=retry on:click=move |_| on_retry.run(())>
                    "Try again"
                </button>
                {children.map(|c| c())}
            </div>
        </div>
    }
    .into_any()
}

/// An `ErrorBoundary` fallback showing [`LoadFailed`] for the first `ApiError` caught.
pub fn load_failed_fallback(
    state: &'static str,
    retry: Option<&'static str>,
    on_retry: Callback<()>,
) -> impl FnMut(ArcRwSignal<Errors>) -> AnyView + Send + 'static {
    move |errors: ArcRwSignal<Errors>| {
        let error = errors.with(|errors| {
            errors
                .iter()
                .find_map(|(_, e)| e.downcast_ref::<ApiError>().cloned())
                .unwrap_or(ApiError::Decode)
        });
        match retry {
            Some(retry) => view! { <LoadFailed error=error on_retry=on_retry state=state retry=retry/> }.into_any(),
            None => view! { <LoadFailed error=error on_retry=on_retry state=state/> }.into_any(),
        }
    }
}
