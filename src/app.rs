use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::{NavigateOptions, StaticSegment};

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
                <Route path=routes::SIGN_IN_SEGMENTS view=SignInPage/>
                <Route path=StaticSegment("") view=ToCalendar/>
                <ParentRoute path=routes::CONSOLE_SEGMENTS view=ConsolePage>
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
