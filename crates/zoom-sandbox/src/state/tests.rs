//! The OAuth rules and the lasting state, without HTTP.

use super::*;
use crate::config::SandboxConfig;
use crate::pkce::{s256, PkceChallenge, PkceMethod};
use crate::rate_limits::{Plan, RateCategory};
use crate::users::NewUser;

const REDIRECT: &str = "https://app.example/callback";

fn sandbox() -> (Sandbox, String) {
    let mut sandbox = Sandbox::new(SandboxConfig::demo(REDIRECT, None), "http://127.0.0.1:1".to_owned());
    let user = sandbox
        .add_user(NewUser {
            email: "a@zoom.example".to_owned(),
            first_name: "A".to_owned(),
            last_name: "B".to_owned(),
            user_type: 2,
            account_id: None,
            timezone: None,
        })
        .unwrap();
    (sandbox, user.id)
}

fn code(sandbox: &mut Sandbox, user: &str, pkce: Option<PkceChallenge>) -> String {
    let pending = PendingAuthorization {
        client_id: "bb-demo-client-id".to_owned(),
        redirect_uri: REDIRECT.to_owned(),
        state: None,
        pkce,
    };
    sandbox.issue_code(&pending, user)
}

fn connect(sandbox: &mut Sandbox, user: &str) -> TokenSet {
    let code = code(sandbox, user, None);
    sandbox
        .exchange_code("bb-demo-client-id", &code, Some(REDIRECT), None)
        .unwrap()
}

#[test]
fn codes_are_single_use_even_when_the_first_attempt_fails() {
    let (mut sandbox, user) = sandbox();
    let code = code(&mut sandbox, &user, None);
    let wrong = sandbox.exchange_code("bb-demo-client-id", &code, Some("https://evil"), None);
    assert_eq!(wrong.unwrap_err(), TokenError::RedirectMismatch);
    let again = sandbox.exchange_code("bb-demo-client-id", &code, Some(REDIRECT), None);
    assert_eq!(again.unwrap_err(), TokenError::InvalidCode);
}

#[test]
fn codes_expire_on_the_sandbox_clock() {
    let (mut sandbox, user) = sandbox();
    let code = code(&mut sandbox, &user, None);
    sandbox.clock.advance(300);
    let result = sandbox.exchange_code("bb-demo-client-id", &code, Some(REDIRECT), None);
    assert_eq!(result.unwrap_err(), TokenError::CodeExpired);
}

#[test]
fn pkce_is_checked_at_the_token_step() {
    let (mut sandbox, user) = sandbox();
    let challenge = PkceChallenge {
        method: PkceMethod::S256,
        challenge: s256("verifier-1"),
    };
    let c = code(&mut sandbox, &user, Some(challenge.clone()));
    let bad = sandbox.exchange_code("bb-demo-client-id", &c, Some(REDIRECT), Some("nope"));
    assert_eq!(bad.unwrap_err(), TokenError::InvalidVerifier);
    let c = code(&mut sandbox, &user, Some(challenge));
    let good = sandbox.exchange_code("bb-demo-client-id", &c, Some(REDIRECT), Some("verifier-1"));
    assert!(good.is_ok());
}

#[test]
fn refresh_rotates_and_the_old_refresh_token_dies_at_once() {
    let (mut sandbox, user) = sandbox();
    let first = connect(&mut sandbox, &user);
    let second = sandbox.refresh("bb-demo-client-id", &first.refresh_token).unwrap();
    assert_ne!(first.refresh_token, second.refresh_token);
    assert_eq!(
        sandbox.refresh("bb-demo-client-id", &first.refresh_token).unwrap_err(),
        TokenError::InvalidToken
    );
    // The previous access token lives until its own expiry.
    assert!(sandbox.authenticate(&first.access_token).is_ok());
    assert!(sandbox.refresh("bb-demo-client-id", &second.refresh_token).is_ok());
}

#[test]
fn the_grace_knob_lets_a_rotated_refresh_token_live_briefly() {
    let (mut sandbox, user) = sandbox();
    sandbox.refresh_grace_secs = 30;
    let first = connect(&mut sandbox, &user);
    sandbox.refresh("bb-demo-client-id", &first.refresh_token).unwrap();
    assert!(sandbox.refresh("bb-demo-client-id", &first.refresh_token).is_ok());
    sandbox.clock.advance(31);
    assert_eq!(
        sandbox.refresh("bb-demo-client-id", &first.refresh_token).unwrap_err(),
        TokenError::InvalidToken
    );
}

#[test]
fn a_new_authorization_replaces_the_earlier_grant() {
    let (mut sandbox, user) = sandbox();
    let first = connect(&mut sandbox, &user);
    let second = connect(&mut sandbox, &user);
    assert_eq!(
        sandbox.authenticate(&first.access_token).unwrap_err(),
        AccessError::Invalid
    );
    assert!(sandbox.authenticate(&second.access_token).is_ok());
    let statuses: Vec<_> = sandbox.grant_views().iter().map(|g| g.status).collect();
    assert_eq!(statuses, ["replaced", "active"]);
}

#[test]
fn access_tokens_expire_and_admins_can_disable_the_app() {
    let (mut sandbox, user) = sandbox();
    let tokens = connect(&mut sandbox, &user);
    sandbox.set_app_disabled(&user, true).unwrap();
    assert_eq!(
        sandbox.authenticate(&tokens.access_token).unwrap_err(),
        AccessError::DisabledByAdmin
    );
    assert_eq!(
        sandbox.refresh("bb-demo-client-id", &tokens.refresh_token).unwrap_err(),
        TokenError::DisabledByAdmin
    );
    sandbox.set_app_disabled(&user, false).unwrap();
    sandbox.clock.advance(3599);
    assert_eq!(
        sandbox.authenticate(&tokens.access_token).unwrap_err(),
        AccessError::Expired
    );
}

#[test]
fn an_accounts_plan_comes_from_its_users_unless_overridden() {
    let (mut sandbox, licensed) = sandbox();
    let account = sandbox.user(&licensed).unwrap().account_id.clone();
    assert_eq!(sandbox.plan_of(&account), Some((Plan::Pro, false)));
    assert_eq!(sandbox.plan_of("nobody"), None);
    let basic = sandbox
        .add_user(NewUser {
            email: "basic@zoom.example".to_owned(),
            first_name: "C".to_owned(),
            last_name: "D".to_owned(),
            user_type: 1,
            account_id: None,
            timezone: None,
        })
        .unwrap();
    assert_eq!(sandbox.plan_of(&basic.account_id), Some((Plan::Free, false)));
    sandbox
        .rate_limits
        .set_plan_override(&basic.account_id, Some(Plan::Business));
    assert_eq!(sandbox.plan_of(&basic.account_id), Some((Plan::Business, true)));
    sandbox.rate_limits.set_plan_override(&basic.account_id, None);
    assert_eq!(sandbox.plan_of(&basic.account_id), Some((Plan::Free, false)));
}

#[test]
fn plan_overrides_and_account_usage_survive_a_restart_and_old_state_files_still_load() {
    let (mut sandbox, user) = sandbox();
    let account = sandbox.user(&user).unwrap().account_id.clone();
    sandbox.rate_limits.set_plan_override(&account, Some(Plan::Free));
    let now = sandbox.now();
    sandbox
        .rate_limits
        .set_daily_used(&account, RateCategory::Medium, 1999, now);
    let mut config = SandboxConfig::demo(REDIRECT, None);
    config.per_second_limits = false;
    let restored = Sandbox::restore(&sandbox.snapshot(), config, String::new()).unwrap();
    assert_eq!(restored.plan_of(&account), Some((Plan::Free, true)));
    assert_eq!(
        restored.rate_limits.daily_used(&account, RateCategory::Medium, now),
        1999
    );
    assert!(
        !restored.rate_limits.per_second,
        "the switch comes from the command line"
    );

    let mut old: serde_json::Value = serde_json::from_slice(&sandbox.snapshot()).unwrap();
    old.as_object_mut().unwrap().remove("rate_limits");
    let bytes = serde_json::to_vec(&old).unwrap();
    let restored = Sandbox::restore(&bytes, SandboxConfig::demo(REDIRECT, None), String::new()).unwrap();
    assert_eq!(restored.plan_of(&account), Some((Plan::Pro, false)));
    assert!(restored.rate_limits.per_second);
}

#[test]
fn refresh_tokens_expire_after_their_ttl() {
    let (mut sandbox, user) = sandbox();
    let tokens = connect(&mut sandbox, &user);
    sandbox.clock.advance(90 * 24 * 3600);
    assert_eq!(
        sandbox.refresh("bb-demo-client-id", &tokens.refresh_token).unwrap_err(),
        TokenError::InvalidToken
    );
    assert_eq!(sandbox.grant_views()[0].status, "expired");
}
