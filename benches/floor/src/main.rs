//! The floor: what any Leptos 0.8 app with a router, one fetched JSON document (gloo-net + serde) and one formatted
//! date (chrono) weighs and how soon it shows its text. `scripts/bench` puts the SPA's figures beside these.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::path;
use serde::Deserialize;

#[derive(Clone, Deserialize)]
struct Doc {
    name: String,
    at: DateTime<Utc>,
}

#[component]
fn Home() -> impl IntoView {
    let doc = LocalResource::new(|| async {
        gloo_net::http::Request::get("/floor.json")
            .send()
            .await
            .ok()?
            .json::<Doc>()
            .await
            .ok()
    });
    view! {
        <main>
            {move || doc.get().flatten().map(|d| view! {
                <p id="floor-ready">{format!("{} at {}", d.name, d.at.format("%A %-d %B %Y, %H:%M"))}</p>
            })}
            <A href="/other">"Other"</A>
        </main>
    }
}

fn main() {
    mount_to_body(|| {
        view! {
            <Router>
                <Routes fallback=|| "Not found">
                    <Route path=path!("/") view=Home/>
                    <Route path=path!("/other") view=|| view! { <p>"Other"</p> }/>
                </Routes>
            </Router>
        }
    })
}
