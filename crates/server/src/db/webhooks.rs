use super::Db;

/// Records a delivery by its replay key (the canonical signature from `zoom::webhook::verify`); false when the same
/// key was already accepted (a replay).
pub async fn record_delivery(db: &Db, signature: &str, now: i64, keep_after: i64) -> sqlx::Result<bool> {
    sqlx::query("DELETE FROM webhook_deliveries WHERE received_at < $1")
        .bind(keep_after)
        .execute(db)
        .await?;
    let inserted =
        sqlx::query("INSERT INTO webhook_deliveries (signature, received_at) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(signature)
            .bind(now)
            .execute(db)
            .await?;
    Ok(inserted.rows_affected() == 1)
}
