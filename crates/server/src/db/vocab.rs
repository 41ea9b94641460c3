//! The stored vocabularies: every state, kind and reason a column holds, as an enum. Each is declared once here,
//! with its text in the database; the migrations' `CHECK (… IN …)` lists the same words (a test compares them), and
//! sqlx reads and binds them directly, so no code compares these states as strings.

use sqlx::any::AnyTypeInfo;
use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::{Any, Database, Decode, Encode, Type};

/// Declares a stored vocabulary: the enum, its words, and how sqlx reads and binds it (as text, on either backend).
macro_rules! stored_vocabulary {
    ($(
        $(#[$meta:meta])*
        $name:ident in $table:literal . $column:literal $($unchecked:ident)? {
            $( $(#[$vmeta:meta])* $variant:ident = $word:literal, )*
        }
    )*) => {$(
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )*
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$( $name::$variant, )*];

            /// The word in the database.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( $name::$variant => $word, )*
                }
            }

            pub fn parse(word: &str) -> Option<$name> {
                match word {
                    $( $word => Some($name::$variant), )*
                    _ => None,
                }
            }
        }

        impl Type<Any> for $name {
            fn type_info() -> AnyTypeInfo {
                <str as Type<Any>>::type_info()
            }
        }

        impl<'q> Encode<'q, Any> for $name {
            fn encode_by_ref(&self, buf: &mut <Any as Database>::ArgumentBuffer<'q>) -> Result<IsNull, BoxDynError> {
                <&str as Encode<'q, Any>>::encode(self.as_str(), buf)
            }
        }

        impl<'r> Decode<'r, Any> for $name {
            fn decode(value: <Any as Database>::ValueRef<'r>) -> Result<Self, BoxDynError> {
                let word = <String as Decode<Any>>::decode(value)?;
                $name::parse(&word).ok_or_else(|| format!("{}.{}: unknown word {word:?}", $table, $column).into())
            }
        }
    )*

        /// Every vocabulary with its table and column, for the test that compares them with the migrations (those
        /// marked `unchecked` have no `CHECK` in the database).
        #[cfg(test)]
        const COLUMNS: &[(&str, &str, bool, fn() -> Vec<&'static str>)] = &[$(
            ($table, $column, stringify!($($unchecked)?).is_empty(), || $name::ALL.iter().map(|v| v.as_str()).collect()),
        )*];
    };
}

stored_vocabulary! {
    /// Whether a session is on the calendar.
    SessionStatus in "sessions"."status" {
        Scheduled = "scheduled",
        Cancelled = "cancelled",
    }

    /// Where a session stands with Zoom (the wire's `ZoomSync` adds the details).
    SyncState in "sessions"."zoom_sync" {
        /// Nothing to do: the link (if any) matches the session.
        InSync = "in_sync",
        /// No link and nothing queued to make one (Zoom was not connected).
        NoLink = "no_link",
        /// Queued: Zoom is being asked now or within seconds.
        Pending = "pending",
        /// Zoom failed for now; the queue tries again on its own.
        Retrying = "retrying",
        /// Only the practitioner can fix it.
        Failed = "failed",
    }

    /// What Zoom says happened to a session's meeting outside BetterBeing.
    RemoteChange in "sessions"."zoom_remote" {
        Deleted = "deleted",
        Moved = "moved",
    }

    /// What a pre-session check (or the remake after an account switch) repaired.
    RepairNotice in "sessions"."zoom_notice" {
        RemadeAfterDeletion = "remade_after_deletion",
        RemadeAfterAccountSwitch = "remade_after_account_switch",
    }

    /// What a Zoom job does.
    JobKind in "zoom_jobs"."kind" {
        /// Give the session a meeting for its current time (create, or adopt one a lost answer made).
        EnsureMeeting = "ensure_meeting",
        /// Change the meeting in place (a new length or zone, same start).
        UpdateMeeting = "update_meeting",
        /// Delete a meeting no session uses any more.
        DeleteMeeting = "delete_meeting",
    }

    /// Whether a Zoom connection's grant works.
    ConnectionStatus in "zoom_connections"."status" {
        Connected = "connected",
        NeedsReauth = "needs_reauth",
    }

    /// Why Zoom ended a connection on its own side.
    ConnectionEnding in "zoom_connection_endings"."reason" {
        /// The app was removed in Zoom's App Marketplace (the deauthorization event).
        RemovedInZoom = "removed_in_zoom",
    }

    /// What a clinic admin changed, in the organisation's audit trail.
    AdminAction in "admin_audit"."action" {
        ZoomAccessEnabled = "zoom_access_enabled",
        ZoomAccessDisabled = "zoom_access_disabled",
    }

    /// Where a connected calendar stands.
    CalendarState in "calendar_connections"."state" {
        /// Credentials accepted; the practitioner has not picked a calendar yet.
        Choosing = "choosing",
        Connected = "connected",
        /// The server refused the credentials or the calendar is gone: only the practitioner can fix it.
        Failed = "failed",
    }

    /// Why a Zoom connection needs the practitioner to authorize again (the wire's `api::zoom::ReauthReason`). The
    /// column predates the vocabularies and has no `CHECK`; a word this build does not know reads as revoked.
    StoredReauthReason in "zoom_connections"."reauth_reason" unchecked {
        GrantRevoked = "grant_revoked",
        ReplacedByNewerAuthorization = "replaced_by_newer_authorization",
        AppDisabledByZoomAdmin = "app_disabled_by_zoom_admin",
    }

    /// Which kind of calendar server.
    CalendarProvider in "calendar_connections"."provider" {
        CalDav = "caldav",
    }

    /// A BetterBeing person's role in their organisation (the wire's `api::identity::Role`).
    StoredRole in "users"."role" {
        Practitioner = "practitioner",
        Admin = "admin",
    }

    /// An organisation's BetterBeing plan (the wire's `api::identity::Plan`).
    StoredPlan in "organisations"."plan" {
        Solo = "solo",
        Clinic = "clinic",
        Enterprise = "enterprise",
    }
}

impl From<StoredReauthReason> for api::zoom::ReauthReason {
    fn from(reason: StoredReauthReason) -> Self {
        match reason {
            StoredReauthReason::GrantRevoked => api::zoom::ReauthReason::GrantRevoked,
            StoredReauthReason::ReplacedByNewerAuthorization => api::zoom::ReauthReason::ReplacedByNewerAuthorization,
            StoredReauthReason::AppDisabledByZoomAdmin => api::zoom::ReauthReason::AppDisabledByZoomAdmin,
        }
    }
}

impl From<api::zoom::ReauthReason> for StoredReauthReason {
    fn from(reason: api::zoom::ReauthReason) -> Self {
        match reason {
            api::zoom::ReauthReason::GrantRevoked => StoredReauthReason::GrantRevoked,
            api::zoom::ReauthReason::ReplacedByNewerAuthorization => StoredReauthReason::ReplacedByNewerAuthorization,
            api::zoom::ReauthReason::AppDisabledByZoomAdmin => StoredReauthReason::AppDisabledByZoomAdmin,
        }
    }
}

impl From<StoredRole> for api::identity::Role {
    fn from(role: StoredRole) -> Self {
        match role {
            StoredRole::Practitioner => api::identity::Role::Practitioner,
            StoredRole::Admin => api::identity::Role::Admin,
        }
    }
}

impl From<api::identity::Role> for StoredRole {
    fn from(role: api::identity::Role) -> Self {
        match role {
            api::identity::Role::Practitioner => StoredRole::Practitioner,
            api::identity::Role::Admin => StoredRole::Admin,
        }
    }
}

impl From<StoredPlan> for api::identity::Plan {
    fn from(plan: StoredPlan) -> Self {
        match plan {
            StoredPlan::Solo => api::identity::Plan::Solo,
            StoredPlan::Clinic => api::identity::Plan::Clinic,
            StoredPlan::Enterprise => api::identity::Plan::Enterprise,
        }
    }
}

impl From<api::identity::Plan> for StoredPlan {
    fn from(plan: api::identity::Plan) -> Self {
        match plan {
            api::identity::Plan::Solo => StoredPlan::Solo,
            api::identity::Plan::Clinic => StoredPlan::Clinic,
            api::identity::Plan::Enterprise => StoredPlan::Enterprise,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every migration, both backends, in order.
    fn migrations() -> Vec<String> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut all = Vec::new();
        for sub in ["migrations", "migrations_postgres"] {
            let mut files: Vec<_> = std::fs::read_dir(dir.join(sub))
                .unwrap()
                .map(|e| e.unwrap().path())
                .collect();
            files.sort();
            all.push(
                files
                    .iter()
                    .map(|f| std::fs::read_to_string(f).unwrap())
                    .collect::<Vec<_>>()
                    .join("\n"),
            );
        }
        all
    }

    /// The words of the last `CHECK (<column> IN (…))` on `table.column` in `sql`: one inside the table's
    /// `CREATE TABLE` or in an `ALTER TABLE <table> ADD COLUMN` (a later migration may rebuild the table).
    fn checked_words(sql: &str, table: &str, column: &str) -> Option<Vec<String>> {
        let needle = format!("CHECK ({column} IN (");
        let mut found = None;
        for (at, _) in sql.match_indices(&needle) {
            let before = &sql[..at];
            let statement = ["CREATE TABLE ", "ALTER TABLE "]
                .iter()
                .filter_map(|keyword| before.rfind(keyword).map(|i| i + keyword.len()))
                .max()?;
            let named = before[statement..].split([' ', '(']).next().unwrap_or_default();
            if named == table {
                let list_at = at + needle.len();
                let list = &sql[list_at..list_at + sql[list_at..].find(')')?];
                found = Some(
                    list.split(',')
                        .map(|w| w.trim().trim_matches('\'').to_string())
                        .collect(),
                );
            }
        }
        found
    }

    #[test]
    fn every_vocabulary_has_the_words_its_column_allows() {
        for sql in migrations() {
            for (table, column, _, words) in COLUMNS.iter().filter(|(_, _, checked, _)| *checked) {
                let allowed = checked_words(&sql, table, column)
                    .unwrap_or_else(|| panic!("no CHECK on {table}.{column} in the migrations"));
                let mut ours = words();
                let mut theirs: Vec<&str> = allowed.iter().map(String::as_str).collect();
                ours.sort();
                theirs.sort();
                assert_eq!(
                    ours, theirs,
                    "{table}.{column}: the enum and the migration's CHECK differ"
                );
            }
        }
    }

    #[test]
    fn a_word_reads_back_as_its_variant() {
        for state in SyncState::ALL {
            assert_eq!(SyncState::parse(state.as_str()), Some(*state));
        }
        assert_eq!(SyncState::parse("linked"), None);
    }
}
