use api::identity::Me;
use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::{NavigateOptions, StaticSegment};

use crate::components::shell::Shell;
use crate::config::Config;
use crate::host::HostEvents;
use crate::pages::{
    calendar::CalendarPage, calendar_sync::CalendarSyncPage, organisation::OrganisationPage, session::SessionPanelPage,
    sign_in::SignInPage, zoom::ZoomPage,
};
use crate::routes;

/// The signed-in BetterBeing person, for any page under the shell (`None` while loading).
#[derive(Clone, Copy)]
pub struct CurrentUser(pub Signal<Option<Me>>);

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
                <Route path=routes::SIGN_IN_SEGMENTS view=SignInPage/>
                <Route path=StaticSegment("") view=ToCalendar/>
                <ParentRoute path=routes::CONSOLE_SEGMENTS view=Shell>
                    <Route path=StaticSegment("") view=ToCalendar/>
                    <ParentRoute path=routes::CALENDAR_UNDER_CONSOLE_SEGMENTS view=CalendarPage>
                        <Route path=StaticSegment("") view=|| ()/>
                        <Route path=routes::SESSION_UNDER_CALENDAR_SEGMENTS view=SessionPanelPage/>
                    </ParentRoute>
                    <Route path=routes::ZOOM_UNDER_CONSOLE_SEGMENTS view=ZoomPage/>
                    <Route path=routes::CALENDAR_SYNC_UNDER_CONSOLE_SEGMENTS view=CalendarSyncPage/>
                    <Route path=routes::ORGANISATION_UNDER_CONSOLE_SEGMENTS view=OrganisationPage/>
                </ParentRoute>
            </Routes>
        </Router>
        </div>
    }
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

/// What every page does when the API answers 401: go to sign-in, and come back here afterwards.
pub fn use_sign_in_redirect() -> impl Fn() + Clone + 'static {
    let config = expect_context::<Config>();
    let navigate = leptos_router::hooks::use_navigate();
    move || {
        navigate(
            &sign_in_then_here(&config),
            NavigateOptions {
                replace: true,
                ..Default::default()
            },
        )
    }
}

/// `/signin?next=<this page>`, for when the API says the session is gone.
pub fn sign_in_then_here(config: &Config) -> String {
    let location = window().location();
    let here = routes::current_app_path(
        config,
        &location.pathname().unwrap_or_default(),
        &location.search().unwrap_or_default(),
    );
    routes::sign_in_then(&here)
}
