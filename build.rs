//! The browser build of the app is linked with `--emit-relocs`: scripts/split-wasm.mjs (Trunk's post-build hook)
//! needs the relocations to cut the wasm at its split points (src/app.rs). Only the binary, only for wasm32: the
//! native tests and the component tests link as before.
fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        println!("cargo::rustc-link-arg-bins=--emit-relocs");
    }
}
