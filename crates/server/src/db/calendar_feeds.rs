use sqlx::Row;

use super::Db;
use crate::ids::UserId;

pub struct FeedRow {
    pub token_enc: String,
    pub created_at: i64,
}

pub async fn get(db: &Db, user_id: UserId) -> sqlx::Result<Option<FeedRow>> {
    let row = sqlx::query("SELECT token_enc, created_at FROM calendar_feeds WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(db)
        .await?;
    Ok(row.map(|r| FeedRow {
        token_enc: r.get("token_enc"),
        created_at: r.get("created_at"),
    }))
}

/// Creates or replaces (rotates) the practitioner's feed secret.
pub async fn put(db: &Db, user_id: UserId, token_hash: &str, token_enc: &str, now: i64) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO calendar_feeds (user_id, token_hash, token_enc, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (user_id) DO UPDATE SET token_hash = excluded.token_hash, token_enc = excluded.token_enc,
              created_at = excluded.created_at",
    )
    .bind(user_id)
    .bind(token_hash)
    .bind(token_enc)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn user_for(db: &Db, token_hash: &str) -> sqlx::Result<Option<UserId>> {
    sqlx::query_scalar("SELECT user_id FROM calendar_feeds WHERE token_hash = $1")
        .bind(token_hash)
        .fetch_optional(db)
        .await
}
