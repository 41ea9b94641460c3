use leptos::prelude::*;
use leptos::wasm_split::{wasm_split, SplitLoaderError};
use leptos_router::components::{ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::{Lazy, LazyRoute, NavigateOptions, StaticSegment};

use crate::backend::ApiError;
use crate::components::load_failed::LoadFailed;
use crate::config::Config;
use crate::host::HostEvents;
use crate::pages::{
    calendar::CalendarPage, calendar_sync::CalendarSyncPage, console::ConsolePage, organisation::OrganisationPage,
    session::SessionPanelPage, sign_in::SignInPage, zoom::ZoomPage,
};
use crate::routes;

#[component]
pub fn App(config: Config) -> impl IntoView {
    let base = config.base_path.clone();
    provide_context(HostEvents::new(&config));
    provide_context(config);

    // `bb-app` scopes the global styles to the app, so a host page around it keeps its own.
    view! {
        <div class="bb-app">
        <Router base=base>
            <Routes fallback=NotFound>
                <Route path=routes::SIGN_IN_SEGMENTS view={Lazy::<SignInRoute>::new()}/>
                <Route path=StaticSegment("") view=ToCalendar/>
                <ParentRoute path=routes::CONSOLE_SEGMENTS view=ConsolePage>
                    <Route path=StaticSegment("") view=ToCalendar/>
                    <ParentRoute path=routes::CALENDAR_UNDER_CONSOLE_SEGMENTS view={Lazy::<CalendarRoute>::new()}>
                        <Route path=StaticSegment("") view=|| ()/>
                        <Route path=routes::SESSION_UNDER_CALENDAR_SEGMENTS view={Lazy::<SessionPanelRoute>::new()}/>
                    </ParentRoute>
                    <Route path=routes::ZOOM_UNDER_CONSOLE_SEGMENTS view=ZoomPage/>
                    <Route path=routes::CALENDAR_SYNC_UNDER_CONSOLE_SEGMENTS view={Lazy::<CalendarSyncRoute>::new()}/>
                    <Route path=routes::ORGANISATION_UNDER_CONSOLE_SEGMENTS view={Lazy::<OrganisationRoute>::new()}/>
                </ParentRoute>
            </Routes>
        </Router>
        </div>
    }
}

// Code splitting. The calendar (with the session panel and the demo's sign-in page), calendar sync and the
// organisation page each load their code when first shown: `wasm_split` marks the split point, and the build
// (scripts/split-wasm.mjs, Trunk's post-build hook) cuts the wasm there into a part of its own. So the first
// download of every page is the console and the Zoom page only. A part that cannot be fetched (the network dropped,
// or a deploy replaced the files) shows the usual "could not be reached" with Try again, which reloads the page,
// instead of stopping the app.
macro_rules! lazy_page {
    ($route:ident, $part:ident, $load:ident, $page:ident) => {
        #[wasm_split($part, wasm_split_path = ::leptos::wasm_split, fallible)]
        fn $load() -> Result<AnyView, SplitLoaderError> {
            Ok(view! { <$page/> }.into_any())
        }

        struct $route;

        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            async fn view(_this: Self) -> AnyView {
                $load().await.unwrap_or_else(|_| page_code_unreachable())
            }
        }
    };
}

// The session panel opens over the calendar, so its code comes with the calendar's (one part, fewer files).
lazy_page!(CalendarRoute, calendar_page, calendar_page, CalendarPage);
lazy_page!(SessionPanelRoute, calendar_page, session_panel_page, SessionPanelPage);
// The demo's sign-in page (embedded, the BetterBeing shell signs people in), which goes on to the calendar.
lazy_page!(SignInRoute, calendar_page, sign_in_page, SignInPage);
lazy_page!(
    CalendarSyncRoute,
    calendar_sync_page,
    calendar_sync_page,
    CalendarSyncPage
);
lazy_page!(
    OrganisationRoute,
    organisation_page,
    organisation_page,
    OrganisationPage
);

fn page_code_unreachable() -> AnyView {
    let reload = |()| {
        let _ = window().location().reload();
    };
    // Inside the console, whose <main> holds it.
    view! { <LoadFailed error=ApiError::Network on_retry=reload state="page-code"/> }.into_any()
}

#[component]
fn ToCalendar() -> impl IntoView {
    view! { <Redirect path=routes::CALENDAR options=NavigateOptions { replace: true, ..Default::default() }/> }
}

#[component]
fn NotFound() -> impl IntoView {
    let config = expect_context::<Config>();
    let zoom = routes::browser_path(&config, routes::ZOOM);
    let calendar = routes::browser_path(&config, routes::CALENDAR);
    view! {
        <main id="main" class="bb-centered">
            <h1>"Page not found"</h1>
            <p>"There is nothing at this address."</p>
            <p><a href=calendar>"Go to your calendar"</a></p>
            <p><a href=zoom>"Go to BetterBeing Console \u{2192} Video Accounts \u{2192} Zoom"</a></p>
        </main>
    }
}
