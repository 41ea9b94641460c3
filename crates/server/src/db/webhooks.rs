use super::Db;

/// Records a delivery by its replay key (the canonical signature from `zoom::webhook::verify`); false when the same
/// key was already accepted (a replay).
pub async fn record_delivery(db: &Db, signature: &str, now: i64, keep_after: i64) -> sqlx::Result<bool> {
    sqlx::query("DELETE FROM webhook_deliveries WHERE received_at < ?")
        .bind(keep_after)
        .execute(db)
        .await?;
    let inserted = sqlx::query("INSERT OR IGNORE INTO webhook_deliveries (signature, received_at) VALUES (?, ?)")
        .bind(signature)
        .bind(now)
        .execute(db)
        .await?;
    Ok(inserted.rows_affected() == 1)
}
