use betterbeing_zoom_web::app::App;
use betterbeing_zoom_web::config::Config;
use leptos::prelude::*;

fn main() {
    console_error_panic_hook::set_once();
    let config = Config::from_document();
    leptos::mount::mount_to_body(move || view! { <App config=config/> });
}
