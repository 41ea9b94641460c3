//! Who is signed in, and the one place that sends a person to sign in when the API says their session is gone.

use ::api::identity::Me;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;

use crate::backend::ApiError;
use crate::config::Config;
use crate::routes;

/// The signed-in BetterBeing person, for any page under the console (`None` while loading).
#[derive(Clone, Copy)]
pub struct CurrentUser(pub Signal<Option<Me>>);

/// Goes to sign-in, and back to this page afterwards, when an API answer is "unauthenticated".
#[derive(Clone, Copy)]
pub struct SignIn(StoredValue<Box<dyn Fn()>, LocalStorage>);

impl SignIn {
    /// For a component under the router, with the app's `Config` provided.
    pub fn new() -> Self {
        let config = use_context::<Config>().unwrap_or_default();
        let navigate = use_navigate();
        Self(StoredValue::new_local(Box::new(move || {
            // A second "unauthenticated" answer of the page being left (it stays mounted while the sign-in page
            // loads) must not send the person to sign in from the sign-in page: they would come back to it.
            let Some(sign_in) = sign_in_then_here(&config) else {
                return;
            };
            navigate(
                &sign_in,
                NavigateOptions {
                    replace: true,
                    ..Default::default()
                },
            )
        })))
    }

    /// Whether `error` means the session is gone; if so the person is already on their way to sign in.
    pub fn redirects(&self, error: &ApiError) -> bool {
        let gone = error.is_unauthenticated();
        if gone {
            self.0.with_value(|go| go());
        }
        gone
    }
}

impl Default for SignIn {
    fn default() -> Self {
        Self::new()
    }
}

/// `/signin?next=<this page>`, for when the API says the session is gone; `None` on the sign-in page itself.
fn sign_in_then_here(config: &Config) -> Option<String> {
    let location = window().location();
    let here = routes::current_app_path(
        config,
        &location.pathname().unwrap_or_default(),
        &location.search().unwrap_or_default(),
    );
    (!routes::is_sign_in(&here)).then(|| routes::sign_in_then(&here))
}
