//! The help panel on the Zoom page: the troubleshooting that applies, and the FAQ.
#![cfg(target_arch = "wasm32")]

use crate::support::{mount, Mounted};
use api::zoom::SCOPES;
use betterbeing_zoom_web::components::zoom_help::ZoomHelp;
use betterbeing_zoom_web::logic::help::{FAQ, TROUBLESHOOTING};
use leptos::prelude::*;
use leptos::task::tick;
use wasm_bindgen_test::*;

fn topic(page: &Mounted, id: &str) -> String {
    page.text(&format!("[data-testid=zoom-help] details[data-topic=\"{id}\"]"))
}

#[wasm_bindgen_test]
async fn every_topic_is_a_collapsible_section() {
    let page = mount(|| view! { <ZoomHelp/> });
    tick().await;
    let topics = page.all("[data-testid=help-topic]");
    assert_eq!(topics.len(), TROUBLESHOOTING.len());
    for t in TROUBLESHOOTING {
        let details = page.get(&format!("details[data-topic=\"{}\"]", t.id));
        assert_eq!(details.tag_name(), "DETAILS");
        assert!(!details.has_attribute("open"), "collapsed until opened");
        assert!(page
            .text(&format!("details[data-topic=\"{}\"] summary", t.id))
            .contains(t.title));
    }
}

#[wasm_bindgen_test]
async fn the_troubleshooting_says_what_to_do() {
    let page = mount(|| view! { <ZoomHelp/> });
    tick().await;
    assert!(topic(&page, "reauth").contains("\u{201c}Reauth\u{201d}"));
    assert!(topic(&page, "reauth").contains("does not affect your existing sessions"));
    let connection = topic(&page, "connection");
    for words in [
        "Confirm your Zoom account is connected",
        "disconnecting and reconnecting",
        "tier allows meeting creation",
        "cache and cookies",
        "correct Zoom account",
        "browser extensions",
    ] {
        assert!(connection.contains(words), "{words}");
    }
    let missing = topic(&page, "missing-links");
    assert!(missing.contains("Add Zoom link"));
    assert!(!missing.contains("Delete the session and recreate it"));
    let managed = topic(&page, "organisation-managed");
    assert!(managed.contains("4738") && managed.contains("Contact your Zoom administrator"));
    let host = topic(&page, "cannot-host");
    assert!(host.contains("3161") && host.contains("tier allows meeting creation") && host.contains("license"));
    assert!(topic(&page, "basic-plan").contains("40 minutes"));
    assert!(topic(&page, "open-zoom-prompt").contains("Open Zoom Meetings"));
    let zoom_side = topic(&page, "disconnect-from-zoom");
    assert!(zoom_side.contains("Settings \u{2192} Integration \u{2192} Installed Apps"));
    assert!(zoom_side.contains("Uninstall") && zoom_side.contains("not connected"));
    assert!(topic(&page, "privacy").contains("never accesses your Zoom meeting content"));
}

#[wasm_bindgen_test]
async fn the_faq_answers_with_the_six_scopes() {
    let page = mount(|| view! { <ZoomHelp/> });
    tick().await;
    assert_eq!(page.all("[data-testid=faq-item]").len(), FAQ.len());
    assert_eq!(page.all("[data-testid=faq-scopes] li[data-scope]").len(), 6);
    for s in SCOPES {
        assert!(page.text("[data-testid=faq-scopes]").contains(s.name));
    }
    let faq = page.text("[data-testid=zoom-faq]");
    for words in [
        "Does BetterBeing record or see my meetings?",
        "keep working in Zoom",
        "Why did my link change after rescheduling?",
        "old meeting is deleted",
        "Does cancelling a session delete the Zoom meeting?",
    ] {
        assert!(faq.contains(words), "{words}");
    }
}
