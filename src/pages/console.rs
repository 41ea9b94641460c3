use leptos::prelude::*;
use leptos_router::components::Outlet;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;

use crate::auth::CurrentUser;
use crate::backend::{self, ApiError};
use crate::components::load_failed::LoadFailed;
use crate::components::shell::Shell;
use crate::config::Config;
use crate::hooks::{use_load, use_write};
use crate::logic::messages::friendly_message;
use crate::routes;

/// The console around every signed-in page. Owns the fetch of who is signed in (pages load beside it and show
/// only once it answers; a 401 goes to sign in and back) and the sign-out.
#[component]
pub fn ConsolePage() -> impl IntoView {
    let config = expect_context::<Config>();
    let navigate = use_navigate();
    let me = use_load({
        let config = config.clone();
        move || backend::auth::me(&config)
    });
    let user = Signal::derive(move || me.get().and_then(Result::ok));
    let signed_in = Memo::new(move |_| matches!(me.get(), Some(Ok(_))));
    // Nothing of the console shows until that first answer, which usually takes a few milliseconds: a signed-out
    // visitor goes to sign in without a glimpse of the console, and the browser lays the console out once, with
    // its page, instead of first around a loading notice. An answer slower than `LOADING_NOTICE_AFTER` shows the
    // console with "Loading your console…" meanwhile.
    let waited = RwSignal::new(false);
    let timer = set_timeout_with_handle(move || waited.set(true), LOADING_NOTICE_AFTER).ok();
    on_cleanup(move || timer.into_iter().for_each(|t| t.clear()));
    let shown = Memo::new(move |_| {
        waited.get()
            || me
                .get()
                .is_some_and(|answer| !answer.is_err_and(|e| e.is_unauthenticated()))
    });
    provide_context(CurrentUser(user));

    let sign_out = use_write();
    let sign_out_job = move || {
        let (config, navigate) = (config.clone(), navigate.clone());
        async move {
            match backend::auth::sign_out(&config).await {
                Ok(()) | Err(ApiError::Http { status: 401, .. }) => {
                    navigate(routes::SIGN_IN, NavigateOptions::default());
                    Ok(())
                }
                Err(e) => Err(e),
            }
        }
    };

    view! {
        <div
            data-testid="console"
            data-pending=move || (!shown.get()).then_some("")
            style:display=move || if shown.get() { "contents" } else { "none" }
        >
        <Shell
            user=user
            on_sign_out=move |()| sign_out.run(sign_out_job())
            signing_out=sign_out.busy()
            sign_out_error=sign_out.error(friendly_message)
        >
            // Not a `Suspense`: the pages below read their own resources, and would hold the whole console on
            // "Loading" each time one of them polls.
            {move || match me.get() {
                None => view! {
                    <p data-testid="shell-loading" aria-busy="true">"Loading your console\u{2026}"</p>
                }
                .into_any(),
                Some(Ok(_)) => ().into_any(),
                Some(Err(e)) => view! { <LoadFailed error=e on_retry=move |()| me.refetch() state="shell-error"/> }.into_any(),
            }}
            // The page starts at once, so its own requests go out beside the one for who is signed in instead of
            // after it; it stays out of sight (and of the accessibility tree) until that answer says who it is for.
            <div
                data-testid="console-page"
                data-pending=move || (!signed_in.get()).then_some("")
                style:display=move || if signed_in.get() { "contents" } else { "none" }
            >
                <Outlet/>
            </div>
        </Shell>
        </div>
    }
}

/// How long the console stays out of sight waiting for who is signed in before it shows its loading notice.
const LOADING_NOTICE_AFTER: std::time::Duration = std::time::Duration::from_millis(500);
