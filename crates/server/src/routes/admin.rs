//! Organisation admin: the "Allow practitioners to connect Zoom" switch and the members' Zoom states.
//!
//! Turning the switch off: members can no longer connect, and nothing new is created or changed in Zoom for them
//! (new sessions get no link; queued work is parked with `zoom_blocked_by_organisation`). Members already connected
//! keep their connection: links already sent to clients keep working, Start Zoom Session still opens them, cancelling
//! still deletes the meeting, and each member can disconnect. Turning it back on resumes the parked work.

use api::identity::{Plan, Role};
use api::organisation::{AuditAction, AuditEntry, Member, MemberZoomState, OrganisationAdmin, ZoomAccessChange};
use api::paths;
use axum::extract::State;
use axum::routing::{get, put};
use axum::Json;
use axum::Router;

use crate::extract;
use chrono::DateTime;

use crate::app_state::AppState;
use crate::auth::CurrentUser;
use crate::db;
use crate::db::vocab::{AdminAction, ConnectionStatus};
use crate::error::{ApiError, ApiResult};
use crate::ids::UserId;

/// The routes of this resource, with their paths from `api::paths`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(paths::ADMIN_ORGANISATION, get(organisation))
        .route(paths::ADMIN_ZOOM_ACCESS, put(set_zoom_access))
}

/// The caller's organisation, if they administer a Clinic or Enterprise one.
async fn administered(state: &AppState, user: UserId) -> ApiResult<api::identity::Organisation> {
    let me = db::users::me(&state.db, user)
        .await?
        .ok_or(ApiError::unauthenticated())?;
    if me.role != Role::Admin || me.organisation.plan == Plan::Solo {
        return Err(ApiError::forbidden());
    }
    Ok(me.organisation)
}

fn instant(ms: i64) -> chrono::DateTime<chrono::Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

async fn view(state: &AppState, organisation: api::identity::Organisation) -> ApiResult<OrganisationAdmin> {
    let members = db::organisations::members(&state.db, organisation.id)
        .await?
        .into_iter()
        .map(|m| Member {
            id: m.id,
            name: m.name,
            email: m.email,
            role: m.role.into(),
            zoom_state: match m.zoom_status {
                Some(ConnectionStatus::Connected) => MemberZoomState::Connected,
                Some(ConnectionStatus::NeedsReauth) => MemberZoomState::NeedsReauth,
                None => MemberZoomState::NotConnected,
            },
            zoom_email: m.zoom_email,
            last_zoom_success_at: m.last_zoom_success_at.map(instant),
        })
        .collect();
    let audit = db::organisations::audit(&state.db, organisation.id)
        .await?
        .into_iter()
        .map(|a| AuditEntry {
            at: instant(a.at),
            actor_name: a.actor_name,
            action: match a.action {
                AdminAction::ZoomAccessEnabled => AuditAction::ZoomAccessEnabled,
                AdminAction::ZoomAccessDisabled => AuditAction::ZoomAccessDisabled,
            },
        })
        .collect();
    Ok(OrganisationAdmin {
        id: organisation.id,
        name: organisation.name,
        plan: organisation.plan,
        zoom_allowed: organisation.zoom_allowed,
        members,
        audit,
    })
}

pub async fn organisation(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
) -> ApiResult<Json<OrganisationAdmin>> {
    let organisation = administered(&state, user).await?;
    Ok(Json(view(&state, organisation).await?))
}

pub async fn set_zoom_access(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    extract::Json(change): extract::Json<ZoomAccessChange>,
) -> ApiResult<Json<OrganisationAdmin>> {
    let organisation = administered(&state, user).await?;
    let changed =
        db::organisations::set_zoom_allowed(&state.db, organisation.id, user, change.allowed, state.clock.now_ms())
            .await?;
    if changed {
        tracing::info!(
            organisation = %organisation.id,
            by = %user,
            allowed = change.allowed,
            "zoom access changed"
        );
        if change.allowed {
            for member in db::organisations::member_ids(&state.db, organisation.id).await? {
                state.calendar.resume_after_connect(member).await?;
            }
        }
    }
    let organisation = administered(&state, user).await?;
    Ok(Json(view(&state, organisation).await?))
}
