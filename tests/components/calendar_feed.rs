//! Console → Calendar sync: the subscription URL, Copy, Open in Apple Calendar, the instructions, and Rotate link
//! behind its confirmation.
#![cfg(target_arch = "wasm32")]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use crate::support::{mount, run_js, until, Mounted};
use api::sessions::CalendarFeed;
use betterbeing_zoom_web::components::calendar_feed::{CalendarFeedView, ROTATE_WARNING, WHATS_IN_IT};
use chrono::{TimeZone, Utc};
use leptos::prelude::*;
use leptos::task::tick;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlDialogElement, HtmlInputElement};

fn feed(secret: &str) -> CalendarFeed {
    CalendarFeed {
        url: format!("https://console.example/feeds/{secret}.ics"),
        webcal_url: format!("webcal://console.example/feeds/{secret}.ics"),
        created_at: Utc.with_ymd_and_hms(2026, 11, 1, 9, 0, 0).unwrap(),
    }
}

struct Page {
    page: Mounted,
    feed: RwSignal<CalendarFeed>,
    rotated: RwSignal<bool>,
    rotations: Arc<AtomicUsize>,
}

fn mount_feed() -> Page {
    let feed_signal = RwSignal::new(feed("first"));
    let rotated = RwSignal::new(false);
    let rotations = Arc::new(AtomicUsize::new(0));
    let count = rotations.clone();
    let page = mount(move || {
        view! {
            <CalendarFeedView
                feed=feed_signal
                on_rotate=move || { count.fetch_add(1, Ordering::SeqCst); }
                rotated=rotated
            />
        }
    });
    Page {
        page,
        feed: feed_signal,
        rotated,
        rotations,
    }
}

fn value(page: &Mounted) -> String {
    page.get("[data-testid=feed-url]")
        .unchecked_into::<HtmlInputElement>()
        .value()
}

#[wasm_bindgen_test]
async fn the_url_is_shown_read_only_with_apple_link_and_instructions() {
    let p = mount_feed();
    tick().await;
    let page = &p.page;
    assert_eq!(value(page), "https://console.example/feeds/first.ics");
    assert!(page.get("[data-testid=feed-url]").has_attribute("readonly"));
    assert_eq!(
        page.attr("[data-testid=webcal-link]", "href").as_deref(),
        Some("webcal://console.example/feeds/first.ics")
    );
    assert_eq!(page.text("[data-testid=webcal-link]"), "Open in Apple Calendar");
    let google = page.text("[data-testid=steps-google]");
    for word in ["Other calendars", "+", "From URL", "Paste", "Add calendar"] {
        assert!(google.contains(word), "Google: {word}");
    }
    let outlook = page.text("[data-testid=steps-outlook]");
    for word in ["Add calendar", "Subscribe from web", "Paste", "Import"] {
        assert!(outlook.contains(word), "Outlook: {word}");
    }
    assert!(page
        .text("[data-testid=steps-apple]")
        .contains("New Calendar Subscription"));
    let contents = page.text("[data-testid=feed-contents]");
    for line in WHATS_IN_IT {
        assert!(contents.contains(line));
    }
    assert!(contents.contains("Private notes are never included"));
    assert!(contents.contains("Google Calendar can take several hours"));
}

#[wasm_bindgen_test]
async fn copy_puts_the_url_on_the_clipboard_and_says_copied() {
    run_js(
        "window.__copied = null; Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText: (t) => { window.__copied = t; return Promise.resolve(); } } });",
    );
    let p = mount_feed();
    tick().await;
    let page = &p.page;
    assert_eq!(
        page.attr("[data-testid=copy-feed-feedback-region]", "aria-live")
            .as_deref(),
        Some("polite")
    );
    assert!(page.find("[data-testid=copy-feed-feedback]").is_none());
    page.get("[data-testid=copy-feed-url]").click();
    assert!(until(|| page.find("[data-testid=copy-feed-feedback]").is_some()).await);
    assert_eq!(page.text("[data-testid=copy-feed-feedback]"), "Copied");
    assert_eq!(
        run_js("return window.__copied;").as_string().as_deref(),
        Some("https://console.example/feeds/first.ics")
    );
}

#[wasm_bindgen_test]
async fn rotating_asks_first_then_shows_the_new_url() {
    let p = mount_feed();
    tick().await;
    let page = &p.page;
    let dialog: HtmlDialogElement = page.get("[data-testid=rotate-feed-dialog]").unchecked_into();
    assert!(!dialog.open());

    page.get("[data-testid=rotate-feed]").click();
    tick().await;
    assert!(dialog.open(), "Rotate link asks first");
    assert!(dialog.text_content().unwrap().contains(ROTATE_WARNING));
    assert!(ROTATE_WARNING.contains("stops working") && ROTATE_WARNING.contains("subscribed again"));
    assert_eq!(
        p.rotations.load(Ordering::SeqCst),
        0,
        "nothing rotates before confirming"
    );

    page.get("[data-testid=cancel-rotate-feed]").click();
    tick().await;
    assert!(!dialog.open());
    assert_eq!(p.rotations.load(Ordering::SeqCst), 0);

    page.get("[data-testid=rotate-feed]").click();
    tick().await;
    page.get("[data-testid=confirm-rotate-feed]").click();
    tick().await;
    assert_eq!(p.rotations.load(Ordering::SeqCst), 1);

    // The owner answers with the new feed.
    p.feed.set(feed("second"));
    p.rotated.set(true);
    tick().await;
    assert_eq!(value(page), "https://console.example/feeds/second.ics");
    assert!(!dialog.open(), "the dialog closes once the new URL is there");
    assert!(page.text("[data-testid=feed-rotated]").contains("new subscription URL"));
}
