//! Organisation administration: the Zoom access switch, the member roster, the audit log.

use sqlx::Row;

use super::vocab::{AdminAction, ConnectionStatus, StoredRole};
use super::Db;
use crate::ids::UserId;

pub struct MemberRow {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: StoredRole,
    pub zoom_status: Option<ConnectionStatus>,
    pub zoom_email: Option<String>,
    pub last_zoom_success_at: Option<i64>,
}

pub async fn members(db: &Db, organisation_id: i64) -> sqlx::Result<Vec<MemberRow>> {
    let rows = sqlx::query(
        "SELECT u.id, u.name, u.email, u.role, c.status AS zoom_status, c.zoom_email, c.last_zoom_success_at
           FROM users u LEFT JOIN zoom_connections c ON c.user_id = u.id
          WHERE u.organisation_id = $1 ORDER BY u.role = 'admin' DESC, u.name",
    )
    .bind(organisation_id)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| MemberRow {
            id: r.get("id"),
            name: r.get("name"),
            email: r.get("email"),
            role: r.get("role"),
            zoom_status: r.get("zoom_status"),
            zoom_email: r.get("zoom_email"),
            last_zoom_success_at: r.get("last_zoom_success_at"),
        })
        .collect())
}

pub struct AuditRow {
    pub at: i64,
    pub actor_name: String,
    pub action: AdminAction,
}

pub async fn audit(db: &Db, organisation_id: i64) -> sqlx::Result<Vec<AuditRow>> {
    let rows = sqlx::query(
        "SELECT a.at, u.name AS actor_name, a.action FROM admin_audit a JOIN users u ON u.id = a.actor_user_id
          WHERE a.organisation_id = $1 ORDER BY a.at DESC, a.id DESC LIMIT 100",
    )
    .bind(organisation_id)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| AuditRow {
            at: r.get("at"),
            actor_name: r.get("actor_name"),
            action: r.get("action"),
        })
        .collect())
}

/// Sets the switch and records who did it, in one transaction. Returns false when it already had that value
/// (nothing recorded).
pub async fn set_zoom_allowed(
    db: &Db,
    organisation_id: i64,
    actor_user_id: UserId,
    allowed: bool,
    now: i64,
) -> sqlx::Result<bool> {
    let mut tx = super::begin_write(db).await?;
    let changed = sqlx::query("UPDATE organisations SET zoom_allowed = $1 WHERE id = $2 AND zoom_allowed <> $3")
        .bind(allowed as i64)
        .bind(organisation_id)
        .bind(allowed as i64)
        .execute(&mut *tx)
        .await?
        .rows_affected()
        == 1;
    if changed {
        sqlx::query("INSERT INTO admin_audit (organisation_id, actor_user_id, action, at) VALUES ($1, $2, $3, $4)")
            .bind(organisation_id)
            .bind(actor_user_id)
            .bind(if allowed {
                AdminAction::ZoomAccessEnabled
            } else {
                AdminAction::ZoomAccessDisabled
            })
            .bind(now)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(changed)
}

pub async fn member_ids(db: &Db, organisation_id: i64) -> sqlx::Result<Vec<UserId>> {
    sqlx::query_scalar("SELECT id FROM users WHERE organisation_id = $1")
        .bind(organisation_id)
        .fetch_all(db)
        .await
}
