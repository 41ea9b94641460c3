use sqlx::Row;

use super::Db;
use crate::ids::UserId;

pub struct PendingAuthorization {
    pub state_hash: String,
    pub user_id: UserId,
    pub pkce_verifier_enc: String,
    pub return_to: String,
    pub expires_at: i64,
}

pub async fn insert(db: &Db, p: &PendingAuthorization, now: i64) -> sqlx::Result<()> {
    // Old, never-finished authorizations are cleared on the way.
    sqlx::query("DELETE FROM oauth_states WHERE expires_at <= $1")
        .bind(now)
        .execute(db)
        .await?;
    sqlx::query(
        "INSERT INTO oauth_states (state_hash, user_id, pkce_verifier_enc, return_to, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&p.state_hash)
    .bind(p.user_id)
    .bind(&p.pkce_verifier_enc)
    .bind(&p.return_to)
    .bind(now)
    .bind(p.expires_at)
    .execute(db)
    .await?;
    Ok(())
}

/// Removes and returns the pending authorization in one statement, so a state can be used at most once even when
/// two callbacks race.
pub async fn take(db: &Db, state_hash: &str) -> sqlx::Result<Option<PendingAuthorization>> {
    let row = sqlx::query(
        "DELETE FROM oauth_states WHERE state_hash = $1
         RETURNING state_hash, user_id, pkce_verifier_enc, return_to, expires_at",
    )
    .bind(state_hash)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| PendingAuthorization {
        state_hash: r.get("state_hash"),
        user_id: r.get("user_id"),
        pkce_verifier_enc: r.get("pkce_verifier_enc"),
        return_to: r.get("return_to"),
        expires_at: r.get("expires_at"),
    }))
}
