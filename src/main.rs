use betterbeing_zoom_web::app::App;
use betterbeing_zoom_web::config::Config;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

fn main() {
    console_error_panic_hook::set_once();
    let config = Config::from_document();
    let mount = config
        .mount
        .as_deref()
        .and_then(|selector| document().query_selector(selector).ok().flatten());
    match mount {
        Some(element) => {
            leptos::mount::mount_to(element.unchecked_into(), move || view! { <App config=config/> }).forget()
        }
        None => leptos::mount::mount_to_body(move || view! { <App config=config/> }),
    }
}
