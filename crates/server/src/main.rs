use server::config::Settings;
use server::startup::Application;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    server::telemetry::init();
    let settings = Settings::from_env()?;
    let app = Application::build(settings).await?;
    if let Some(sandbox) = &app.sandbox {
        tracing::info!(url = %sandbox.base_url, "embedded Zoom sandbox running (no real Zoom app configured)");
    }
    println!("\n  BetterBeing is running: open {}/signin\n", app.base_url);
    app.run_until_stopped().await?;
    Ok(())
}
