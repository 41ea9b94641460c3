use server::config::Settings;
use server::startup::Application;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    server::telemetry::init();
    let settings = match Settings::from_env() {
        Ok(settings) => settings,
        Err(problems) => {
            eprintln!("{problems}");
            std::process::exit(2);
        }
    };
    if settings.demo {
        tracing::warn!(
            zoom = %settings.zoom.oauth_base,
            "demo mode (BB_DEMO=1): demo sign-in without a password and a generated token key; never use it for real people"
        );
    }
    let app = Application::build(settings).await?;
    println!("\n  BetterBeing is running: open {}/signin\n", app.base_url);
    app.run_until_stopped().await?;
    Ok(())
}
