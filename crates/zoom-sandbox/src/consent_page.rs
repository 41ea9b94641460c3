//! Zoom's authorization pages, as plain server-side HTML.

use crate::users::User;

pub struct Consent<'a> {
    pub app_name: &'a str,
    pub pending_id: &'a str,
    pub scopes: &'a [String],
    pub users: &'a [User],
}

pub fn consent(page: &Consent<'_>) -> String {
    let app = escape(page.app_name);
    let scopes: String = page
        .scopes
        .iter()
        .map(|scope| {
            format!(
                r#"<li data-scope="{s}"><code>{s}</code> {d}</li>"#,
                s = escape(scope),
                d = escape(describe_scope(scope)),
            )
        })
        .collect();
    let account = if page.users.is_empty() {
        r#"<p id="no-users" role="alert">No Zoom users exist in this sandbox yet. Create one with
<code>POST /_sandbox/users</code> or start the sandbox with <code>--seed-demo</code>.</p>"#
            .to_owned()
    } else {
        let options: String = page
            .users
            .iter()
            .enumerate()
            .map(|(i, user)| {
                format!(
                    r#"<option value="{id}"{selected}>{email}</option>"#,
                    id = escape(&user.id),
                    selected = if i == 0 { " selected" } else { "" },
                    email = escape(&user.email),
                )
            })
            .collect();
        format!(
            r#"<label for="zoom-user">Signed in to Zoom as</label>
<select id="zoom-user" name="zoom_user_id">{options}</select>"#
        )
    };
    let allow_disabled = if page.users.is_empty() { " disabled" } else { "" };
    layout(
        &format!("Authorize {app} - Zoom"),
        &format!(
            r#"<h1>{app} would like to access your Zoom account</h1>
<p>{app} is requesting permission to:</p>
<ul id="scopes">{scopes}</ul>
<form method="post" action="/oauth/authorize">
<input type="hidden" name="pending_id" value="{pending}">
{account}
<div class="actions">
<button id="allow" name="decision" value="allow" type="submit"{allow_disabled}>Allow</button>
<button id="deny" name="decision" value="deny" type="submit">Deny</button>
</div>
</form>
<p class="note">Zoom sandbox: a local stand-in for zoom.us.</p>"#,
            pending = escape(page.pending_id),
        ),
    )
}

/// Zoom shows a dead-end page (no redirect) when the request itself cannot be trusted.
pub fn error(title: &str, detail: &str) -> String {
    layout(
        &format!("{} - Zoom", escape(title)),
        &format!(
            r#"<h1 id="error-title">{}</h1><p id="error-detail">{}</p>"#,
            escape(title),
            escape(detail)
        ),
    )
}

fn layout(title: &str, body: &str) -> String {
    format!(
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; background: #f4f5f7; color: #232333; margin: 0; }}
main {{ max-width: 32rem; margin: 4rem auto; background: #fff; border-radius: 12px; padding: 2rem;
  box-shadow: 0 2px 12px rgba(0,0,0,.08); }}
h1 {{ font-size: 1.3rem; }}
ul {{ padding-left: 1.2rem; line-height: 1.7; }}
code {{ background: #eef1f6; padding: 0 .3em; border-radius: 4px; }}
select {{ display: block; width: 100%; margin: .4rem 0 1.2rem; padding: .4rem; }}
/* Allow comes first in the markup so Enter allows; it still sits on the right. */
.actions {{ display: flex; flex-direction: row-reverse; gap: .8rem; }}
button {{ padding: .55rem 1.4rem; border-radius: 8px; border: 1px solid #c5c9d3; background: #fff; font-size: 1rem; }}
#allow {{ background: #0b5cff; border-color: #0b5cff; color: #fff; }}
#allow:disabled {{ opacity: .5; }}
.note {{ color: #6e7680; font-size: .8rem; margin-top: 2rem; }}
</style></head>
<body><main>{body}</main></body></html>"#
    )
}

fn describe_scope(scope: &str) -> &'static str {
    match scope {
        "meeting:write:meeting" => "Create meetings for you",
        "meeting:update:meeting" => "Update your meetings",
        "meeting:delete:meeting" => "Delete your meetings",
        "meeting:read:meeting" => "View your meetings",
        "meeting:read:list_meetings" => "List your meetings",
        "user:read:user" => "View your user information",
        _ => "",
    }
}

pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(escape(r#"<a href="x">&'"#), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
    }

    #[test]
    fn without_users_the_page_says_so_and_cannot_allow() {
        let html = consent(&Consent {
            app_name: "BetterBeing",
            pending_id: "p1",
            scopes: &["user:read:user".to_owned()],
            users: &[],
        });
        assert!(html.contains("BetterBeing would like to access your Zoom account"));
        assert!(html.contains(r#"data-scope="user:read:user""#));
        assert!(html.contains(r#"id="no-users""#));
        assert!(html.contains(r#"value="allow" type="submit" disabled"#));
    }
}
