use ::api::sessions::{Session, SessionInput};
use chrono::Utc;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};
use leptos_router::NavigateOptions;
use stylers::style;
use wasm_bindgen::JsValue;

use crate::backend::{self, ApiError};
use crate::components::load_failed::LoadFailed;
use crate::components::session_dialog::SessionDialog;
use crate::components::session_panel::SessionPanel;
use crate::config::Config;
use crate::hooks::{use_load, use_poll_while, use_write};
use crate::host::HostEvents;
use crate::logic::calendar;
use crate::logic::link_state::{self, is_settling, FailureHelp};
use crate::logic::messages::friendly_message;
use crate::logic::session_form::{self, FieldError, SessionDraft};
use crate::pages::calendar::{CalendarContext, SETTLING_POLL};
use crate::routes;

/// The session panel over the calendar (`/console/calendar/sessions/{id}`). Owns the session fetch (polled while
/// Zoom is still working on it), Start Zoom Session, adding or retrying the Zoom link, Edit and Cancel session.
#[component]
pub fn SessionPanelPage() -> impl IntoView {
    let config = expect_context::<Config>();
    let ctx = expect_context::<CalendarContext>();
    let navigate = use_navigate();
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get(routes::SESSION_ID_PARAM).and_then(|v| v.parse::<i64>().ok())));

    Effect::new(move |_| ctx.selected.set(id.get()));
    on_cleanup(move || {
        let _ = ctx.selected.try_set(None);
    });

    let back_to_calendar = {
        let navigate = navigate.clone();
        move || {
            navigate(
                &routes::calendar(ctx.view.get_untracked(), ctx.anchor.get_untracked()),
                NavigateOptions::default(),
            )
        }
    };

    let fetched = use_load({
        let config = config.clone();
        move || {
            let answer = id.get().map(|id| backend::sessions::get(&config, id));
            async move {
                match answer {
                    Some(answer) => answer.await,
                    None => Err(ApiError::Http {
                        status: 404,
                        body: None,
                    }),
                }
            }
        }
    });
    // The newest state of the session: from the fetch, or from the answer to an action taken here.
    let current = RwSignal::new(None::<Session>);
    let host = HostEvents::use_context();
    Effect::new(move |_| {
        current.with(|s| {
            if let Some(s) = s {
                host.observe_link(s.id, s.zoom.link.as_ref().map(|l| l.join_url.as_str()));
            }
        })
    });
    Effect::new(move |_| {
        if let Some(Ok(s)) = fetched.get() {
            current.set(Some(s));
        }
    });
    use_poll_while(
        move || current.with(|s| s.as_ref().is_some_and(|s| is_settling(&s.zoom.sync))),
        SETTLING_POLL,
        move || fetched.refetch(),
    );
    // Focus the panel's heading when a session opens, so keyboard and screen reader users land in it.
    Effect::new(move |previous: Option<Option<i64>>| {
        let shown = current.with(|s| s.as_ref().map(|s| s.id));
        if shown.is_some() && previous.flatten() != shown {
            if let Some(heading) = document().get_element_by_id("session-panel-title") {
                use wasm_bindgen::JsCast;
                let _ = heading.unchecked_into::<web_sys::HtmlElement>().focus();
            }
        }
        shown
    });

    let zoom_status = use_load({
        let config = config.clone();
        move || backend::zoom::status(&config)
    });
    let zoom_known = Signal::derive(move || zoom_status.get().and_then(Result::ok));

    // Start Zoom Session: the window opens inside the click (pop-up blockers allow that), then gets the host
    // link. The link lives only in this task and the new window's address bar.
    let start_problem = RwSignal::new(None::<FailureHelp>);
    let start = use_write();
    let start_job = {
        let config = config.clone();
        move |(session_id, zoom_window): (i64, Option<web_sys::Window>)| {
            let config = config.clone();
            async move {
                let result = backend::sessions::start(&config, session_id).await;
                match (&result, zoom_window) {
                    (Ok(link), Some(w)) => {
                        let _ = w.location().set_href(&link.start_url);
                    }
                    (Ok(_), None) => start_problem.set(Some(FailureHelp {
                        title: link_state::POPUP_BLOCKED,
                        steps: vec!["Or join with the meeting link above."],
                        needs_zoom_page: false,
                    })),
                    (Err(e), w) => {
                        if let Some(w) = w {
                            let _ = w.close();
                        }
                        let code = match e {
                            ApiError::Http { body: Some(b), .. } => Some(b.code),
                            _ => None,
                        };
                        start_problem.set(Some(match e {
                            ApiError::Network => link_state::start_unreachable(),
                            _ => link_state::start_failure(code),
                        }));
                    }
                }
                result.map(|_| ())
            }
        }
    };
    let on_start = Callback::new(move |()| {
        let Some(session_id) = current.with_untracked(|s| s.as_ref().map(|s| s.id)) else {
            return;
        };
        if start.busy().get_untracked() {
            return;
        }
        start_problem.set(None);
        let zoom_window = window().open_with_url_and_target("", "_blank").ok().flatten();
        if let Some(w) = &zoom_window {
            let _ = w.set_opener(&JsValue::NULL);
            if let Some(body) = w.document().and_then(|d| d.body()) {
                body.set_text_content(Some("Opening Zoom\u{2026}"));
            }
        }
        start.run(start_job((session_id, zoom_window)));
    });

    // Adding or retrying the Zoom link, and answering a meeting moved in Zoom (put it back, or follow Zoom's
    // time): the session as the server now has it.
    let add_link = use_write();
    let add_link_job = {
        let config = config.clone();
        move |session_id: i64| {
            let config = config.clone();
            async move {
                let answer = backend::sessions::add_zoom_link(&config, session_id).await;
                match &answer {
                    Ok(s) => {
                        current.set(Some(s.clone()));
                        ctx.refresh.run(());
                    }
                    Err(_) => zoom_status.refetch(),
                }
                answer.map(|_| ())
            }
        }
    };
    let resolve = use_write();
    let resolve_job = {
        let config = config.clone();
        move |(session_id, choice): (i64, ::api::sessions::ZoomTimeChoice)| {
            let config = config.clone();
            async move {
                let s = backend::sessions::resolve_zoom_time(&config, session_id, choice).await?;
                current.set(Some(s));
                ctx.refresh.run(());
                Ok(())
            }
        }
    };
    let on_add_link = Callback::new(move |()| {
        if let Some(session_id) = current.with_untracked(|s| s.as_ref().map(|s| s.id)) {
            resolve.clear();
            add_link.run(add_link_job(session_id));
        }
    });
    let on_resolve_zoom_time = Callback::new(move |choice: ::api::sessions::ZoomTimeChoice| {
        if let Some(session_id) = current.with_untracked(|s| s.as_ref().map(|s| s.id)) {
            add_link.clear();
            resolve.run(resolve_job((session_id, choice)));
        }
    });
    let (add_link_error, resolve_error) = (add_link.error(friendly_message), resolve.error(friendly_message));
    let link_error = Signal::derive(move || add_link_error.get().or_else(|| resolve_error.get()));

    let rescheduled = RwSignal::new(false);
    // Another session opened in this panel: its message is not highlighted.
    Effect::new(move |previous: Option<Option<i64>>| {
        let id = current.with(|c| c.as_ref().map(|s| s.id));
        if previous.is_some_and(|p| p != id) {
            rescheduled.set(false);
        }
        id
    });
    // Edit (a changed time is a reschedule: the panel then shows the new link when Zoom has made it).
    let edit_draft = RwSignal::new(None::<SessionDraft>);
    let save_field_error = RwSignal::new(None::<FieldError>);
    let save_error = RwSignal::new(None::<String>);
    let on_edit = Callback::new(move |()| {
        if let Some(s) = current.get_untracked() {
            save_field_error.set(None);
            save_error.set(None);
            edit_draft.set(Some(SessionDraft::from_session(&s)));
        }
    });
    let save = use_write();
    let save_job = {
        let config = config.clone();
        let navigate = navigate.clone();
        move |(session_id, input, draft): (i64, SessionInput, SessionDraft)| {
            let (config, navigate) = (config.clone(), navigate.clone());
            save_field_error.set(None);
            save_error.set(None);
            async move {
                let answer = backend::sessions::update(&config, session_id, &input).await;
                match &answer {
                    Ok(s) => {
                        edit_draft.set(None);
                        let moved = current.with_untracked(|c| c.as_ref().is_some_and(|c| c.starts_at != s.starts_at));
                        rescheduled.set(moved);
                        let date = calendar::date_in(&ctx.zone.get_untracked(), s.starts_at);
                        current.set(Some(s.clone()));
                        ctx.refresh.run(());
                        navigate(
                            &routes::session(session_id, ctx.view.get_untracked(), date),
                            NavigateOptions {
                                replace: true,
                                scroll: false,
                                ..Default::default()
                            },
                        );
                    }
                    Err(e) => match session_form::server_field_error(e, &draft) {
                        Some(field) => save_field_error.set(Some(field)),
                        None => save_error.set(Some(friendly_message(e))),
                    },
                }
                answer.map(|_| ())
            }
        }
    };
    let on_save = Callback::new(move |(input, draft): (SessionInput, SessionDraft)| {
        if let Some(session_id) = current.with_untracked(|s| s.as_ref().map(|s| s.id)) {
            save.run(save_job((session_id, input, draft)));
        }
    });

    let cancel = use_write();
    let cancel_job = {
        let config = config.clone();
        let back_to_calendar = back_to_calendar.clone();
        move |(session_id, client, outcome): (i64, String, link_state::CancelZoom)| {
            let (config, back_to_calendar) = (config.clone(), back_to_calendar.clone());
            async move {
                backend::sessions::cancel(&config, session_id).await?;
                ctx.notice.set(Some(outcome.after(&client)));
                ctx.refresh.run(());
                back_to_calendar();
                Ok(())
            }
        }
    };
    let on_cancel_session = Callback::new(move |()| {
        let Some((session_id, client, had_link)) =
            current.with_untracked(|s| s.as_ref().map(|s| (s.id, s.client_name.clone(), s.zoom.link.is_some())))
        else {
            return;
        };
        let outcome = zoom_known.with_untracked(|z| link_state::CancelZoom::of(had_link, z.as_ref()));
        cancel.run(cancel_job((session_id, client, outcome)));
    });

    let zoom_page = routes::browser_path(&config, routes::ZOOM);
    let ics_href = Signal::derive({
        let config = config.clone();
        move || {
            id.get()
                .map(|id| routes::api_url(&config, &::api::paths::session_ics(id)))
        }
    });
    let on_close = Callback::new(move |()| back_to_calendar());

    let class = style! {"SessionPanelPage",
        aside {
            position: fixed;
            top: 0;
            right: 0;
            bottom: 0;
            width: min(32rem, 100vw);
            overflow-y: auto;
            padding: 1rem;
            z-index: 20;
        }
        .state {
            background: var(--bb-color-surface);
            border: 1px solid var(--bb-color-border);
            border-radius: var(--bb-radius-large);
            padding: 1.5rem;
            box-shadow: var(--bb-shadow-raised);
        }
    };

    let body = move || {
        match (current.get(), fetched.get()) {
        (Some(_), _) => view! {
            <SessionPanel
                session=Signal::derive(move || current.get().expect("shown only once loaded"))
                zone=ctx.zone
                zoom_status=zoom_known
                zoom_page_href=zoom_page.clone()
                on_start=on_start
                on_add_link=on_add_link
                on_edit=on_edit
                on_cancel_session=on_cancel_session
                on_close=on_close
                starting=start.busy()
                start_problem=start_problem
                link_busy=add_link.busy()
                link_error=link_error
                cancelling=cancel.busy()
                cancel_error=cancel.error(friendly_message)
                ics_href=ics_href
                on_resolve_zoom_time=on_resolve_zoom_time
                resolving=resolve.busy()
                rescheduled=rescheduled
            />
        }
        .into_any(),
        (None, Some(Err(e))) => view! { class = class,
            <LoadFailed error=e on_retry=move |()| fetched.refetch() state="session-panel-state">
                <button type="button" class="bb-button bb-button-quiet" on:click=move |_| on_close.run(())>"Back to the calendar"</button>
            </LoadFailed>
        }
        .into_any(),
        _ => view! { class = class,
            <div class="state" data-testid="session-panel-state" data-state="loading" aria-busy="true">
                <p>"Loading the session\u{2026}"</p>
            </div>
        }
        .into_any(),
    }
    };

    view! { class = class,
        <aside aria-label="Session details">
            {body}
        </aside>
        {move || edit_draft.get().map(|draft| {
            let original = current.with_untracked(|s| s.as_ref().map(|s| s.starts_at));
            view! {
                <SessionDialog
                    draft=draft
                    title="Edit session"
                    zone_options=ctx.zone_options.get_untracked()
                    original_start=original.unwrap_or_else(Utc::now)
                    on_save=on_save
                    on_close=move || edit_draft.set(None)
                    busy=save.busy()
                    server_error=save_field_error
                    error=save_error
                />
            }
        })}
    }
}
