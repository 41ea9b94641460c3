//! The message a practitioner sees after coming back from Zoom's consent page.
#![cfg(target_arch = "wasm32")]

use api::zoom::CallbackError;
use betterbeing_zoom_web::components::callback_notice::CallbackNotice;
use betterbeing_zoom_web::logic::urls::CallbackOutcome;
use leptos::prelude::*;
use leptos::task::tick;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::HtmlElement;

struct Mounted {
    root: HtmlElement,
    _handle: Box<dyn std::any::Any>,
}

impl Drop for Mounted {
    fn drop(&mut self) {
        self.root.remove();
    }
}

impl Mounted {
    fn find(&self, selector: &str) -> Option<HtmlElement> {
        self.root
            .query_selector(selector)
            .unwrap()
            .map(|e| e.unchecked_into::<HtmlElement>())
    }
}

fn mount_outcome(outcome: Signal<Option<CallbackOutcome>>) -> Mounted {
    let document = document();
    let root: HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&root).unwrap();
    let handle = leptos::mount::mount_to(root.clone(), move || {
        view! { <CallbackNotice outcome=outcome/> }
    });
    Mounted {
        root,
        _handle: Box::new(handle),
    }
}

fn failed(code: CallbackError) -> Signal<Option<CallbackOutcome>> {
    let outcome = CallbackOutcome::Failed { code };
    Signal::derive(move || Some(outcome.clone()))
}

#[wasm_bindgen_test]
async fn success_says_connected() {
    let page = mount_outcome(Signal::derive(|| Some(CallbackOutcome::Connected)));
    tick().await;
    let notice = page.find("[data-testid=callback-success]").expect("success notice");
    assert!(notice.text_content().unwrap().contains("Zoom account connected"));
    assert!(page.find("[data-testid=callback-error]").is_none());
}

#[wasm_bindgen_test]
async fn nothing_to_say_without_an_outcome() {
    let page = mount_outcome(Signal::derive(|| None));
    tick().await;
    assert!(page.find("[data-testid=callback-success]").is_none());
    assert!(page.find("[data-testid=callback-error]").is_none());
}

#[wasm_bindgen_test]
async fn each_error_code_gets_its_troubleshooting() {
    let cases: [(CallbackError, &[&str]); 7] = [
        (CallbackError::Denied, &["Allow", "Connect Zoom Account"]),
        (
            CallbackError::AppDisabled,
            &[
                "Some Zoom accounts managed by an organization may restrict external apps from creating meetings.",
                "Contact your Zoom administrator to enable third-party meeting creation for your account.",
            ],
        ),
        (
            CallbackError::CannotHost,
            &[
                "Ensure your Zoom account tier allows meeting creation.",
                "Ensure you are logged into the correct Zoom account.",
            ],
        ),
        (
            CallbackError::StateInvalid,
            &[
                "Try again",
                "Clear your browser cache and cookies and try again.",
                "Disable browser extensions that may block third-party OAuth flows.",
            ],
        ),
        (
            CallbackError::ExchangeFailed,
            &[
                "Try again",
                "Clear your browser cache and cookies and try again.",
                "Disable browser extensions that may block third-party OAuth flows.",
            ],
        ),
        (CallbackError::ZoomUnavailable, &["try again"]),
        (CallbackError::BlockedByOrganisation, &["administrator"]),
    ];
    for (code, expected) in cases {
        let page = mount_outcome(failed(code));
        tick().await;
        let panel = page
            .find("[data-testid=callback-error]")
            .unwrap_or_else(|| panic!("{code:?}: no error panel"));
        assert_eq!(panel.get_attribute("data-code").as_deref(), Some(code.as_str()));
        assert_eq!(panel.get_attribute("role").as_deref(), Some("alert"));
        let steps = page
            .find("[data-testid=troubleshooting]")
            .unwrap()
            .text_content()
            .unwrap();
        for words in expected {
            assert!(steps.contains(words), "{code:?}: {words:?} missing from {steps:?}");
        }
        assert!(page.find("[data-testid=callback-success]").is_none());
    }
}

#[wasm_bindgen_test]
async fn the_steps_do_not_mix_codes() {
    let page = mount_outcome(failed(CallbackError::Denied));
    tick().await;
    let steps = page
        .find("[data-testid=troubleshooting]")
        .unwrap()
        .text_content()
        .unwrap();
    assert!(!steps.contains("Zoom administrator"));
    assert!(!steps.contains("cache"));
}
