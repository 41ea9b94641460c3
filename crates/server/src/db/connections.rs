use sqlx::any::AnyRow;
use sqlx::{FromRow, Row};

use super::vocab::{ConnectionStatus, StoredReauthReason};
use super::Db;
use crate::ids::UserId;

#[derive(Debug, Clone)]
pub struct ConnectionRow {
    pub user_id: UserId,
    pub zoom_user_id: String,
    pub zoom_account_id: String,
    pub zoom_email: String,
    pub zoom_display_name: String,
    pub zoom_user_type: i64,
    pub scopes: String,
    pub api_url: String,
    pub status: ConnectionStatus,
    /// Why it needs reauthorization; `None` for a word this build does not know (read as revoked).
    pub reauth_reason: Option<StoredReauthReason>,
    pub access_token_enc: Option<String>,
    pub refresh_token_enc: Option<String>,
    pub access_expires_at: i64,
    pub token_generation: i64,
    pub connected_at: i64,
    pub last_zoom_success_at: Option<i64>,
    /// When Zoom last confirmed the grant (`GET /users/me`), ms.
    pub checked_at: Option<i64>,
    /// When a check last failed to reach Zoom, ms (cleared by the next successful check).
    pub check_unreachable_at: Option<i64>,
}

impl FromRow<'_, AnyRow> for ConnectionRow {
    fn from_row(r: &AnyRow) -> sqlx::Result<Self> {
        Ok(ConnectionRow {
            user_id: r.try_get("user_id")?,
            zoom_user_id: r.try_get("zoom_user_id")?,
            zoom_account_id: r.try_get("zoom_account_id")?,
            zoom_email: r.try_get("zoom_email")?,
            zoom_display_name: r.try_get("zoom_display_name")?,
            zoom_user_type: r.try_get("zoom_user_type")?,
            scopes: r.try_get("scopes")?,
            api_url: r.try_get("api_url")?,
            status: r.try_get("status")?,
            reauth_reason: r
                .try_get::<Option<String>, _>("reauth_reason")?
                .and_then(|word| StoredReauthReason::parse(&word)),
            access_token_enc: r.try_get("access_token_enc")?,
            refresh_token_enc: r.try_get("refresh_token_enc")?,
            access_expires_at: r.try_get("access_expires_at")?,
            token_generation: r.try_get("token_generation")?,
            connected_at: r.try_get("connected_at")?,
            last_zoom_success_at: r.try_get("last_zoom_success_at")?,
            checked_at: r.try_get("checked_at")?,
            check_unreachable_at: r.try_get("check_unreachable_at")?,
        })
    }
}

pub async fn get(db: &Db, user_id: UserId) -> sqlx::Result<Option<ConnectionRow>> {
    sqlx::query_as("SELECT * FROM zoom_connections WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(db)
        .await
}

pub struct NewConnection<'a> {
    pub user_id: UserId,
    pub zoom_user_id: &'a str,
    pub zoom_account_id: &'a str,
    pub zoom_email: &'a str,
    pub zoom_display_name: &'a str,
    pub zoom_user_type: i64,
    pub scopes: &'a str,
    pub api_url: &'a str,
    pub access_token_enc: &'a str,
    pub refresh_token_enc: &'a str,
    pub access_expires_at: i64,
}

/// Stores a fresh authorization (first connect or Reauth) and returns the user ids of other BetterBeing people
/// whose connection to the same Zoom user Zoom has just revoked (it keeps only the newest grant, 4741).
pub async fn store_new(db: &Db, c: &NewConnection<'_>, now: i64) -> sqlx::Result<Vec<UserId>> {
    let mut tx = super::begin_write(db).await?;
    sqlx::query(
        "INSERT INTO zoom_connections (user_id, zoom_user_id, zoom_account_id, zoom_email, zoom_display_name,
             zoom_user_type, scopes, api_url, status, reauth_reason, access_token_enc, refresh_token_enc,
             access_expires_at, token_generation, connected_at, updated_at, last_zoom_success_at,
             refresh_lease_owner, refresh_lease_until, checked_at, check_unreachable_at, check_started_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'connected', NULL, $9, $10, $11, 1, $12, $13, $14, NULL, NULL, $15, NULL, NULL)
         ON CONFLICT (user_id) DO UPDATE SET
             zoom_user_id = excluded.zoom_user_id, zoom_account_id = excluded.zoom_account_id,
             zoom_email = excluded.zoom_email, zoom_display_name = excluded.zoom_display_name,
             zoom_user_type = excluded.zoom_user_type, scopes = excluded.scopes, api_url = excluded.api_url,
             status = 'connected', reauth_reason = NULL, access_token_enc = excluded.access_token_enc,
             refresh_token_enc = excluded.refresh_token_enc, access_expires_at = excluded.access_expires_at,
             token_generation = zoom_connections.token_generation + 1,
             connected_at = CASE WHEN zoom_connections.zoom_user_id = excluded.zoom_user_id
                                 THEN zoom_connections.connected_at ELSE excluded.connected_at END,
             updated_at = excluded.updated_at, last_zoom_success_at = excluded.last_zoom_success_at,
             refresh_lease_owner = NULL, refresh_lease_until = NULL,
             checked_at = excluded.checked_at, check_unreachable_at = NULL, check_started_at = NULL",
    )
    .bind(c.user_id)
    .bind(c.zoom_user_id)
    .bind(c.zoom_account_id)
    .bind(c.zoom_email)
    .bind(c.zoom_display_name)
    .bind(c.zoom_user_type)
    .bind(c.scopes)
    .bind(c.api_url)
    .bind(c.access_token_enc)
    .bind(c.refresh_token_enc)
    .bind(c.access_expires_at)
    .bind(now)
    .bind(now)
    .bind(now)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let replaced: Vec<UserId> = sqlx::query_scalar(
        "UPDATE zoom_connections SET status = 'needs_reauth', reauth_reason = 'replaced_by_newer_authorization',
                access_token_enc = NULL, refresh_token_enc = NULL, token_generation = token_generation + 1,
                updated_at = $1, refresh_lease_owner = NULL, refresh_lease_until = NULL
          WHERE zoom_user_id = $2 AND user_id <> $3 AND status = 'connected'
          RETURNING user_id",
    )
    .bind(now)
    .bind(c.zoom_user_id)
    .bind(c.user_id)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(replaced)
}

/// Takes the refresh lease for `generation` if nobody holds a live one. Works across processes: the row is the lock.
pub async fn try_lease(
    db: &Db,
    user_id: UserId,
    generation: i64,
    owner: &str,
    now: i64,
    until: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE zoom_connections SET refresh_lease_owner = $1, refresh_lease_until = $2
          WHERE user_id = $3 AND token_generation = $4 AND status = 'connected'
            AND (refresh_lease_until IS NULL OR refresh_lease_until <= $5)",
    )
    .bind(owner)
    .bind(until)
    .bind(user_id)
    .bind(generation)
    .bind(now)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn release_lease(db: &Db, user_id: UserId, owner: &str) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE zoom_connections SET refresh_lease_owner = NULL, refresh_lease_until = NULL
          WHERE user_id = $1 AND refresh_lease_owner = $2",
    )
    .bind(user_id)
    .bind(owner)
    .execute(db)
    .await?;
    Ok(())
}

/// Writes rotated tokens over `generation`; false if the tokens changed meanwhile (then the stored ones are newer).
/// Zoom honours a refresh token once, so the first successful refresh of a generation is the one to keep, whoever
/// holds the lease by now.
pub async fn store_refreshed(
    db: &Db,
    user_id: UserId,
    generation: i64,
    access_token_enc: &str,
    refresh_token_enc: &str,
    access_expires_at: i64,
    now: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE zoom_connections SET access_token_enc = $1, refresh_token_enc = $2, access_expires_at = $3,
                token_generation = token_generation + 1, updated_at = $4, last_zoom_success_at = $5,
                refresh_lease_owner = NULL, refresh_lease_until = NULL
          WHERE user_id = $6 AND token_generation = $7 AND status = 'connected'",
    )
    .bind(access_token_enc)
    .bind(refresh_token_enc)
    .bind(access_expires_at)
    .bind(now)
    .bind(now)
    .bind(user_id)
    .bind(generation)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Zoom no longer honours the grant of `generation`: keep who it was (to show it), drop the dead tokens. False (and
/// nothing changed) if the tokens were replaced meanwhile.
pub async fn mark_needs_reauth(
    db: &Db,
    user_id: UserId,
    generation: i64,
    reason: StoredReauthReason,
    now: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE zoom_connections SET status = 'needs_reauth', reauth_reason = $1, access_token_enc = NULL,
                refresh_token_enc = NULL, token_generation = token_generation + 1, updated_at = $2,
                refresh_lease_owner = NULL, refresh_lease_until = NULL
          WHERE user_id = $3 AND token_generation = $4",
    )
    .bind(reason)
    .bind(now)
    .bind(user_id)
    .bind(generation)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn record_success(db: &Db, user_id: UserId, now: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE zoom_connections SET last_zoom_success_at = $1 WHERE user_id = $2")
        .bind(now)
        .bind(user_id)
        .execute(db)
        .await?;
    Ok(())
}

/// Claims the background check of a connection whose last check is older than `stale_before` (ms) and that no
/// instance is checking since `started_after` (ms); true for the one caller that should ask Zoom.
pub async fn claim_check(
    db: &Db,
    user_id: UserId,
    stale_before: i64,
    started_after: i64,
    now: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE zoom_connections SET check_started_at = $1
          WHERE user_id = $2 AND status = 'connected'
            AND (checked_at IS NULL OR checked_at < $3)
            AND (check_started_at IS NULL OR check_started_at < $4)",
    )
    .bind(now)
    .bind(user_id)
    .bind(stale_before)
    .bind(started_after)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Zoom confirmed the grant (and told us who the user is now).
pub async fn record_check(
    db: &Db,
    user_id: UserId,
    email: &str,
    display_name: &str,
    user_type: i64,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE zoom_connections SET zoom_email = $1, zoom_display_name = $2, zoom_user_type = $3, checked_at = $4,
                check_unreachable_at = NULL, check_started_at = NULL
          WHERE user_id = $5",
    )
    .bind(email)
    .bind(display_name)
    .bind(user_type)
    .bind(now)
    .bind(user_id)
    .execute(db)
    .await?;
    Ok(())
}

/// A check could not reach Zoom (or ended otherwise without an answer about the grant).
pub async fn record_check_unanswered(db: &Db, user_id: UserId, unreachable: bool, now: i64) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE zoom_connections SET check_started_at = NULL,
                check_unreachable_at = CASE WHEN $1 THEN $2 ELSE check_unreachable_at END
          WHERE user_id = $3",
    )
    .bind(unreachable)
    .bind(now)
    .bind(user_id)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn delete(db: &Db, user_id: UserId) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM zoom_connections WHERE user_id = $1")
        .bind(user_id)
        .execute(db)
        .await?;
    Ok(())
}

/// Zoom told us the user removed the app: purge every connection to that Zoom user, and remember why for each
/// practitioner it was theirs (the Zoom page says so).
pub async fn delete_by_zoom_user(db: &Db, zoom_user_id: &str, now: i64) -> sqlx::Result<Vec<UserId>> {
    let mut tx = super::begin_write(db).await?;
    let purged: Vec<(UserId, String)> =
        sqlx::query_as("DELETE FROM zoom_connections WHERE zoom_user_id = $1 RETURNING user_id, zoom_email")
            .bind(zoom_user_id)
            .fetch_all(&mut *tx)
            .await?;
    for (user_id, email) in &purged {
        sqlx::query(
            "INSERT INTO zoom_connection_endings (user_id, reason, zoom_email, ended_at) VALUES ($1, 'removed_in_zoom', $2, $3)
             ON CONFLICT (user_id) DO UPDATE SET reason = excluded.reason, zoom_email = excluded.zoom_email,
                 ended_at = excluded.ended_at",
        )
        .bind(user_id)
        .bind(email)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(purged.into_iter().map(|(user_id, _)| user_id).collect())
}

/// Why the practitioner's connection ended, if Zoom ended it: `(reason, zoom_email, ended_at)`.
pub async fn ending(db: &Db, user_id: UserId) -> sqlx::Result<Option<(String, String, i64)>> {
    sqlx::query_as("SELECT reason, zoom_email, ended_at FROM zoom_connection_endings WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(db)
        .await
}

/// Forgets why a connection ended (connected again, or disconnected by the practitioner).
pub async fn clear_ending(db: &Db, user_id: UserId) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM zoom_connection_endings WHERE user_id = $1")
        .bind(user_id)
        .execute(db)
        .await?;
    Ok(())
}

/// A Reauth with a different Zoom account, waiting for the practitioner's decision (`zoom_pending_switches`).
pub async fn put_pending_switch(db: &Db, c: &NewConnection<'_>, now: i64) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO zoom_pending_switches (user_id, zoom_user_id, zoom_account_id, zoom_email, zoom_display_name,
             zoom_user_type, scopes, api_url, access_token_enc, refresh_token_enc, access_expires_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         ON CONFLICT (user_id) DO UPDATE SET zoom_user_id = excluded.zoom_user_id,
             zoom_account_id = excluded.zoom_account_id, zoom_email = excluded.zoom_email,
             zoom_display_name = excluded.zoom_display_name, zoom_user_type = excluded.zoom_user_type,
             scopes = excluded.scopes, api_url = excluded.api_url, access_token_enc = excluded.access_token_enc,
             refresh_token_enc = excluded.refresh_token_enc, access_expires_at = excluded.access_expires_at,
             created_at = excluded.created_at",
    )
    .bind(c.user_id)
    .bind(c.zoom_user_id)
    .bind(c.zoom_account_id)
    .bind(c.zoom_email)
    .bind(c.zoom_display_name)
    .bind(c.zoom_user_type)
    .bind(c.scopes)
    .bind(c.api_url)
    .bind(c.access_token_enc)
    .bind(c.refresh_token_enc)
    .bind(c.access_expires_at)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

/// The waiting authorization, in the shape a connection is stored from.
#[derive(Debug, Clone)]
pub struct PendingSwitchRow {
    pub user_id: UserId,
    pub zoom_user_id: String,
    pub zoom_account_id: String,
    pub zoom_email: String,
    pub zoom_display_name: String,
    pub zoom_user_type: i64,
    pub scopes: String,
    pub api_url: String,
    pub access_token_enc: String,
    pub refresh_token_enc: String,
    pub access_expires_at: i64,
}

impl FromRow<'_, AnyRow> for PendingSwitchRow {
    fn from_row(r: &AnyRow) -> sqlx::Result<Self> {
        Ok(PendingSwitchRow {
            user_id: r.try_get("user_id")?,
            zoom_user_id: r.try_get("zoom_user_id")?,
            zoom_account_id: r.try_get("zoom_account_id")?,
            zoom_email: r.try_get("zoom_email")?,
            zoom_display_name: r.try_get("zoom_display_name")?,
            zoom_user_type: r.try_get("zoom_user_type")?,
            scopes: r.try_get("scopes")?,
            api_url: r.try_get("api_url")?,
            access_token_enc: r.try_get("access_token_enc")?,
            refresh_token_enc: r.try_get("refresh_token_enc")?,
            access_expires_at: r.try_get("access_expires_at")?,
        })
    }
}

impl PendingSwitchRow {
    pub fn as_new(&self) -> NewConnection<'_> {
        NewConnection {
            user_id: self.user_id,
            zoom_user_id: &self.zoom_user_id,
            zoom_account_id: &self.zoom_account_id,
            zoom_email: &self.zoom_email,
            zoom_display_name: &self.zoom_display_name,
            zoom_user_type: self.zoom_user_type,
            scopes: &self.scopes,
            api_url: &self.api_url,
            access_token_enc: &self.access_token_enc,
            refresh_token_enc: &self.refresh_token_enc,
            access_expires_at: self.access_expires_at,
        }
    }
}

pub async fn pending_switch(db: &Db, user_id: UserId) -> sqlx::Result<Option<PendingSwitchRow>> {
    sqlx::query_as("SELECT * FROM zoom_pending_switches WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(db)
        .await
}

pub async fn delete_pending_switch(db: &Db, user_id: UserId) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM zoom_pending_switches WHERE user_id = $1")
        .bind(user_id)
        .execute(db)
        .await?;
    Ok(())
}
