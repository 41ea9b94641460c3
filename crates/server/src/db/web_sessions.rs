use super::Db;
use crate::ids::UserId;

pub async fn create(db: &Db, token_hash: &str, user_id: UserId, now: i64, expires_at: i64) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO web_sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
        .bind(token_hash)
        .bind(user_id)
        .bind(now)
        .bind(expires_at)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn user_for(db: &Db, token_hash: &str, now: i64) -> sqlx::Result<Option<UserId>> {
    sqlx::query_scalar("SELECT user_id FROM web_sessions WHERE token_hash = $1 AND expires_at > $2")
        .bind(token_hash)
        .bind(now)
        .fetch_optional(db)
        .await
}

pub async fn delete(db: &Db, token_hash: &str) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM web_sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(db)
        .await?;
    Ok(())
}
