//! Words for the organisation admin page and for members whose organisation turned Zoom access off. The policy is
//! the server's (`crates/server/src/routes/admin.rs`); these sentences must stay true of it.

use api::identity::{Plan, Role};
use api::organisation::{AuditAction, Member, MemberZoomState};
use chrono::{DateTime, Utc};

use crate::logic::dates;

pub const SWITCH_LABEL: &str = "Allow practitioners to connect Zoom";
pub const FORBIDDEN: &str = "Only your organisation\u{2019}s administrator can manage Zoom access.";
pub const NO_AUDIT: &str = "No changes yet";

/// What turning the switch off does, for the admin deciding it.
pub const POLICY_WHEN_OFF: [&str; 4] = [
    "Practitioners can no longer connect a Zoom account.",
    "Nothing new is created or changed in Zoom for them: new sessions get no Zoom link, and changes already queued wait.",
    "Practitioners already connected keep their connection: links already sent keep working, Start Zoom Session still opens existing meetings and cancelling a session still deletes its meeting. They can disconnect at any time.",
    "Turning it back on resumes the waiting changes.",
];

/// What a connected member can still do while the switch is off.
pub const STILL_WORKS: [&str; 4] = [
    "Meeting links already sent to your clients keep working.",
    "Start Zoom Session still opens existing meetings.",
    "Cancelling a session still deletes its Zoom meeting.",
    "You can disconnect this Zoom account.",
];

/// And what waits.
pub const PAUSED: &str = "BetterBeing creates or changes nothing in Zoom for you until Zoom access is turned back on: new sessions get no Zoom link, and changes to existing meetings wait and then go through on their own.";

/// Only a Clinic or Enterprise admin has an organisation page.
pub fn manages_organisation(role: Role, plan: Plan) -> bool {
    role == Role::Admin && plan.needs_admin_approval_for_zoom()
}

/// One line of the organisation's audit trail.
pub fn audit_summary(action: AuditAction) -> &'static str {
    match action {
        AuditAction::ZoomAccessEnabled => "Turned on \u{201c}Allow practitioners to connect Zoom\u{201d}",
        AuditAction::ZoomAccessDisabled => "Turned off \u{201c}Allow practitioners to connect Zoom\u{201d}",
    }
}

pub fn zoom_state_name(state: MemberZoomState) -> &'static str {
    match state {
        MemberZoomState::Connected => "connected",
        MemberZoomState::NeedsReauth => "needs_reauth",
        MemberZoomState::NotConnected => "not_connected",
    }
}

/// "Connected as sam@zoom.example", "Needs reauthorization", "Not connected".
pub fn zoom_state_text(member: &Member) -> String {
    match (member.zoom_state, member.zoom_email.as_deref()) {
        (MemberZoomState::Connected, Some(email)) => format!("Connected as {email}"),
        (MemberZoomState::Connected, None) => "Connected".into(),
        (MemberZoomState::NeedsReauth, _) => "Needs reauthorization".into(),
        (MemberZoomState::NotConnected, _) => "Not connected".into(),
    }
}

/// The last successful Zoom call, as a date in the viewer's zone, or "Never".
pub fn last_success_text(at: Option<DateTime<Utc>>) -> String {
    match at {
        Some(at) => dates::human_date(&at.with_timezone(&chrono::Local)),
        None => "Never".into(),
    }
}

pub fn role_label(role: Role) -> &'static str {
    match role {
        Role::Admin => "Administrator",
        Role::Practitioner => "Practitioner",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(state: MemberZoomState, email: Option<&str>) -> Member {
        Member {
            id: 3,
            name: "Sam Okafor".into(),
            email: "sam@clinic.example".into(),
            role: Role::Practitioner,
            zoom_state: state,
            zoom_email: email.map(str::to_string),
            last_zoom_success_at: None,
        }
    }

    #[test]
    fn only_clinic_and_enterprise_admins_manage() {
        assert!(manages_organisation(Role::Admin, Plan::Clinic));
        assert!(manages_organisation(Role::Admin, Plan::Enterprise));
        assert!(!manages_organisation(Role::Admin, Plan::Solo));
        assert!(!manages_organisation(Role::Practitioner, Plan::Clinic));
    }

    #[test]
    fn member_states_read_as_the_roster_shows_them() {
        let c = member(MemberZoomState::Connected, Some("sam@zoom.example"));
        assert_eq!(zoom_state_text(&c), "Connected as sam@zoom.example");
        assert_eq!(
            zoom_state_text(&member(MemberZoomState::NeedsReauth, Some("x@y"))),
            "Needs reauthorization"
        );
        assert_eq!(
            zoom_state_text(&member(MemberZoomState::NotConnected, None)),
            "Not connected"
        );
        assert_eq!(zoom_state_name(MemberZoomState::NeedsReauth), "needs_reauth");
    }

    #[test]
    fn never_when_zoom_never_answered() {
        assert_eq!(last_success_text(None), "Never");
        let at = chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 11, 15, 12, 0, 0).unwrap();
        assert!(last_success_text(Some(at)).contains("November 2026"));
    }

    #[test]
    fn the_policy_keeps_existing_links_and_disconnecting() {
        let all = POLICY_WHEN_OFF.join(" ");
        for must in [
            "no longer connect",
            "keep working",
            "still deletes",
            "disconnect",
            "resumes",
        ] {
            assert!(all.contains(must), "{must}");
        }
    }
}
