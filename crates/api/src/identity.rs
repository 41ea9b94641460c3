use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Plan {
    Solo,
    Clinic,
    Enterprise,
}

impl Plan {
    pub fn label(self) -> &'static str {
        match self {
            Plan::Solo => "Solo",
            Plan::Clinic => "Clinic",
            Plan::Enterprise => "Enterprise",
        }
    }

    /// Solo practitioners answer to no one; Clinic and Enterprise members need their admin's go-ahead for Zoom.
    pub fn needs_admin_approval_for_zoom(self) -> bool {
        !matches!(self, Plan::Solo)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Practitioner,
    Admin,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organisation {
    pub id: i64,
    pub name: String,
    pub plan: Plan,
    /// "Allow practitioners to connect Zoom". Always true for Solo.
    pub zoom_allowed: bool,
    /// Whom a member should ask when Zoom is turned off for the organisation.
    pub admin_name: Option<String>,
}

/// The signed-in BetterBeing person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub organisation: Organisation,
}

/// A seeded person offered on the demo sign-in page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemoPerson {
    pub id: i64,
    pub name: String,
    /// e.g. "Solo practitioner" or "Clinic admin · Harbour Clinic".
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemoSignIn {
    pub user_id: i64,
}

/// Identity handed over by the BetterBeing web shell: a token signed with the shared secret (see README).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShellSignIn {
    pub token: String,
}
