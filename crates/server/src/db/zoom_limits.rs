//! Storage for Zoom's limits: each Zoom user's daily create/update count and each Zoom account's per-second token
//! buckets (`zoom::limits` decides what they mean).

use sqlx::Row;

use super::{begin_write, for_update, Db};

/// Counts one create/update against `zoom_user_id`'s day if the cap allows it; false (nothing counted) otherwise.
/// Interactive work may use the whole `cap`; bulk work leaves the part of `reserve` interactive work has not used
/// yet today. A new UTC day starts the count again.
pub async fn take_daily(
    db: &Db,
    zoom_user_id: &str,
    day: i64,
    (cap, reserve): (i64, i64),
    interactive: bool,
    now: i64,
) -> sqlx::Result<bool> {
    let mut tx = begin_write(db).await?;
    start_day(&mut tx, zoom_user_id, day, now).await?;
    let statement = if interactive {
        "UPDATE zoom_daily_budgets SET used = used + 1, interactive_used = interactive_used + 1, updated_at = $1
          WHERE zoom_user_id = $2 AND day = $3 AND used < $4"
    } else {
        "UPDATE zoom_daily_budgets SET used = used + 1, updated_at = $1
          WHERE zoom_user_id = $2 AND day = $3
            AND used < $4 - CASE WHEN interactive_used >= $5 THEN 0 ELSE $5 - interactive_used END"
    };
    let taken = sqlx::query(statement)
        .bind(now)
        .bind(zoom_user_id)
        .bind(day)
        .bind(cap)
        .bind(reserve)
        .execute(&mut *tx)
        .await?
        .rows_affected()
        == 1;
    tx.commit().await?;
    Ok(taken)
}

/// Sets the day's count to what Zoom says it is (`used`), e.g. from `x-ratelimit-remaining` or a daily 429.
pub async fn set_daily_used(db: &Db, zoom_user_id: &str, day: i64, used: i64, now: i64) -> sqlx::Result<()> {
    let mut tx = begin_write(db).await?;
    start_day(&mut tx, zoom_user_id, day, now).await?;
    sqlx::query("UPDATE zoom_daily_budgets SET used = $1, updated_at = $2 WHERE zoom_user_id = $3 AND day = $4")
        .bind(used.max(0))
        .bind(now)
        .bind(zoom_user_id)
        .bind(day)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

/// How many creates/updates `zoom_user_id` has used on `day`, in all and interactively (0 for a day not yet
/// counted).
pub async fn daily_used(db: &Db, zoom_user_id: &str, day: i64) -> sqlx::Result<(i64, i64)> {
    Ok(sqlx::query_as::<_, (i64, i64)>(
        "SELECT used, interactive_used FROM zoom_daily_budgets WHERE zoom_user_id = $1 AND day = $2",
    )
    .bind(zoom_user_id)
    .bind(day)
    .fetch_optional(db)
    .await?
    .unwrap_or((0, 0)))
}

async fn start_day(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    zoom_user_id: &str,
    day: i64,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO zoom_daily_budgets (zoom_user_id, day, used, interactive_used, updated_at) VALUES ($1, $2, 0, 0, $3)
         ON CONFLICT (zoom_user_id) DO UPDATE SET day = excluded.day, used = 0, interactive_used = 0,
                                                  updated_at = excluded.updated_at
          WHERE zoom_daily_budgets.day < excluded.day",
    )
    .bind(zoom_user_id)
    .bind(day)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// One token bucket as stored.
#[derive(Debug, Clone, Copy)]
pub struct Bucket {
    pub milli_tokens: i64,
    pub updated_at: i64,
    pub slowed_until: i64,
}

/// Reads a bucket (made full if new) under the write lock, lets `decide` compute its new contents, and stores them;
/// returns what `decide` returned.
pub async fn with_bucket<T>(
    db: &Db,
    account: &str,
    category: &str,
    full: i64,
    now: i64,
    decide: impl FnOnce(Bucket) -> (Bucket, T),
) -> sqlx::Result<T> {
    let mut tx = begin_write(db).await?;
    sqlx::query(
        "INSERT INTO zoom_rate_buckets (zoom_account_id, category, milli_tokens, updated_at, slowed_until)
         VALUES ($1, $2, $3, $4, 0) ON CONFLICT (zoom_account_id, category) DO NOTHING",
    )
    .bind(account)
    .bind(category)
    .bind(full)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let row = sqlx::query(&format!(
        "SELECT milli_tokens, updated_at, slowed_until FROM zoom_rate_buckets
          WHERE zoom_account_id = $1 AND category = $2{}",
        for_update(&tx)
    ))
    .bind(account)
    .bind(category)
    .fetch_one(&mut *tx)
    .await?;
    let stored = Bucket {
        milli_tokens: row.try_get("milli_tokens")?,
        updated_at: row.try_get("updated_at")?,
        slowed_until: row.try_get("slowed_until")?,
    };
    let (next, answer) = decide(stored);
    sqlx::query(
        "UPDATE zoom_rate_buckets SET milli_tokens = $1, updated_at = $2, slowed_until = $3
          WHERE zoom_account_id = $4 AND category = $5",
    )
    .bind(next.milli_tokens)
    .bind(next.updated_at)
    .bind(next.slowed_until)
    .bind(account)
    .bind(category)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(answer)
}
