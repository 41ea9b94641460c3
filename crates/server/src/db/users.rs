use api::identity::{DemoPerson, Me, Organisation, Plan, Role};
use sqlx::Row;

use super::vocab::{StoredPlan, StoredRole};
use super::Db;
use crate::ids::UserId;

pub async fn me(db: &Db, user_id: UserId) -> sqlx::Result<Option<Me>> {
    let row = sqlx::query(
        "SELECT u.id, u.name, u.email, u.role, o.id AS org_id, o.name AS org_name, o.plan, o.zoom_allowed,
                (SELECT a.name FROM users a WHERE a.organisation_id = o.id AND a.role = 'admin' ORDER BY a.id LIMIT 1)
                  AS admin_name
           FROM users u JOIN organisations o ON o.id = u.organisation_id
          WHERE u.id = $1",
    )
    .bind(user_id)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| {
        let plan: Plan = r.get::<StoredPlan, _>("plan").into();
        Me {
            id: r.get("id"),
            name: r.get("name"),
            email: r.get("email"),
            role: r.get::<StoredRole, _>("role").into(),
            organisation: Organisation {
                id: r.get("org_id"),
                name: r.get("org_name"),
                plan,
                zoom_allowed: plan == Plan::Solo || r.get::<i64, _>("zoom_allowed") == 1,
                admin_name: r.get("admin_name"),
            },
        }
    }))
}

pub async fn demo_people(db: &Db) -> sqlx::Result<Vec<DemoPerson>> {
    let rows =
        sqlx::query("SELECT id, name, demo_description FROM users WHERE demo_description IS NOT NULL ORDER BY id")
            .fetch_all(db)
            .await?;
    Ok(rows
        .into_iter()
        .map(|r| DemoPerson {
            id: r.get("id"),
            name: r.get("name"),
            description: r.get("demo_description"),
        })
        .collect())
}

pub async fn is_demo_person(db: &Db, user_id: UserId) -> sqlx::Result<bool> {
    Ok(
        sqlx::query("SELECT 1 FROM users WHERE id = $1 AND demo_description IS NOT NULL")
            .bind(user_id)
            .fetch_optional(db)
            .await?
            .is_some(),
    )
}

/// The demo's people: a Solo practitioner, a Clinic admin and a Clinic practitioner. Idempotent.
pub async fn seed_demo(db: &Db) -> sqlx::Result<()> {
    let mut tx = super::begin_write(db).await?;
    sqlx::query(
        "INSERT INTO organisations (id, external_id, name, plan, zoom_allowed) VALUES
           (1, 'demo-org-rivera', 'Rivera Counselling', 'solo', 1),
           (2, 'demo-org-harbour', 'Harbour Clinic', 'clinic', 1)
         ON CONFLICT DO NOTHING",
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO users (id, external_id, organisation_id, name, email, role, demo_description) VALUES
           (1, 'demo-user-rivera', 1, 'Dr. Maya Rivera', 'maya.rivera@betterbeing.example', 'practitioner',
               'Solo practitioner · Rivera Counselling'),
           (2, 'demo-user-shah', 2, 'Priya Shah', 'priya.shah@harbourclinic.example', 'admin',
               'Clinic admin · Harbour Clinic'),
           (3, 'demo-user-okafor', 2, 'Sam Okafor', 'sam.okafor@harbourclinic.example', 'practitioner',
               'Clinic practitioner · Harbour Clinic')
         ON CONFLICT DO NOTHING",
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE users SET time_zone = CASE id WHEN 1 THEN 'America/New_York' ELSE 'Europe/London' END
          WHERE id IN (1, 2, 3) AND time_zone = 'UTC'",
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

/// A person handed over by the BetterBeing shell, created or updated from the signed claims.
pub struct ShellIdentity<'a> {
    pub user_external_id: &'a str,
    pub name: &'a str,
    pub email: &'a str,
    pub role: Role,
    pub org_external_id: &'a str,
    pub org_name: &'a str,
    pub plan: Plan,
}

pub async fn upsert_from_shell(db: &Db, who: &ShellIdentity<'_>) -> sqlx::Result<UserId> {
    let mut tx = super::begin_write(db).await?;
    // The shell owns names and plans; the Zoom switch is ours (the admin page), so it is not overwritten.
    let org_id: i64 = sqlx::query_scalar(
        "INSERT INTO organisations (external_id, name, plan) VALUES ($1, $2, $3)
         ON CONFLICT (external_id) DO UPDATE SET name = excluded.name, plan = excluded.plan
         RETURNING id",
    )
    .bind(who.org_external_id)
    .bind(who.org_name)
    .bind(StoredPlan::from(who.plan))
    .fetch_one(&mut *tx)
    .await?;
    let user_id: UserId = sqlx::query_scalar(
        "INSERT INTO users (external_id, organisation_id, name, email, role) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (external_id) DO UPDATE SET organisation_id = excluded.organisation_id, name = excluded.name,
              email = excluded.email, role = excluded.role
         RETURNING id",
    )
    .bind(who.user_external_id)
    .bind(org_id)
    .bind(who.name)
    .bind(who.email)
    .bind(StoredRole::from(who.role))
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(user_id)
}

pub async fn time_zone(db: &Db, user_id: UserId) -> sqlx::Result<String> {
    sqlx::query_scalar("SELECT time_zone FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(db)
        .await
}

pub async fn set_time_zone(db: &Db, user_id: UserId, time_zone: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE users SET time_zone = $1 WHERE id = $2")
        .bind(time_zone)
        .bind(user_id)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn name(db: &Db, user_id: UserId) -> sqlx::Result<String> {
    sqlx::query_scalar("SELECT name FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(db)
        .await
}
