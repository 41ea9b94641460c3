// BetterBeing Zoom integration: mounts the console in a host page. A plain ES module, no build step.
//
//   <div id="betterbeing-zoom"></div>
//   <script type="module" src="https://console.example/embed.js"
//           data-mount="#betterbeing-zoom" data-base-path="/practice/zoom"
//           data-api-origin="https://console.example" data-return-url="/practice/zoom/console/video-accounts/zoom"></script>
//
// It reads the app's index.html (next to this file) for the stylesheets and Trunk's JS and wasm, adds the
// stylesheets to this document, sets window.__BETTERBEING_CONFIG__ (read by src/config.rs) and starts the app the way
// Trunk's own loader does. See docs/embedding.md.

const here = new URL(import.meta.url);

/** The <script> that loaded this module (document.currentScript is null for modules). */
function ownScript() {
  for (const script of document.querySelectorAll("script[src]")) {
    if (new URL(script.src, document.baseURI).href === here.href) return script;
  }
  return document.querySelector("script[data-mount]");
}

/** Trunk's JS module and wasm: the import and init() of its inline loader, else its preload links (the module
 *  preloads also name the loader of the split-off code, which is not the app's module). */
function findApp(doc, base) {
  const abs = (href) => new URL(href, base).href;
  let js, wasm;
  for (const script of doc.querySelectorAll("script[type=module]:not([src])")) {
    const source = script.textContent;
    const jsHref = source.match(/import\s+init\s*,[^'"]*from\s*['"]([^'"]+)['"]/)?.[1];
    const wasmHref = source.match(/module_or_path\s*:\s*['"]([^'"]+)['"]/)?.[1];
    js ??= jsHref && abs(jsHref);
    wasm ??= wasmHref && abs(wasmHref);
  }
  const modulePreload = [...doc.querySelectorAll('link[rel="modulepreload"][href]')].find(
    (link) => !link.getAttribute("href").includes("__wasm_split"),
  );
  const wasmPreload = doc.querySelector('link[rel="preload"][href$=".wasm"]');
  js ??= modulePreload && abs(modulePreload.getAttribute("href"));
  wasm ??= wasmPreload && abs(wasmPreload.getAttribute("href"));
  if (!js || !wasm) throw new Error("BetterBeing: the app's JS or wasm was not found in index.html");
  return { js, wasm };
}

/** Adds the app's stylesheets (tokens, global, component styles) once, and waits for them. */
function addStylesheets(doc, base) {
  const loads = [];
  for (const link of doc.querySelectorAll('link[rel="stylesheet"][href]')) {
    const href = new URL(link.getAttribute("href"), base).href;
    const present = [...document.querySelectorAll('link[rel="stylesheet"]')].some((l) => l.href === href);
    if (present) continue;
    const added = document.createElement("link");
    added.rel = "stylesheet";
    added.href = href;
    loads.push(
      new Promise((done) => {
        added.addEventListener("load", done);
        added.addEventListener("error", () => {
          console.error(`BetterBeing: could not load ${href}`);
          done();
        });
      }),
    );
    document.head.append(added);
  }
  return Promise.all(loads);
}

async function start() {
  const data = ownScript()?.dataset ?? {};
  const mount = data.mount || "#betterbeing-zoom";
  if (!document.querySelector(mount)) {
    throw new Error(`BetterBeing: no element matches data-mount="${mount}"`);
  }
  // Empty or missing = the origin this file came from.
  const apiOrigin = data.apiOrigin ? new URL(data.apiOrigin, document.baseURI).origin : here.origin;

  const indexUrl = new URL("index.html", here);
  const response = await fetch(indexUrl, { cache: "no-cache", credentials: "omit" });
  if (!response.ok) throw new Error(`BetterBeing: ${indexUrl} answered ${response.status}`);
  const doc = new DOMParser().parseFromString(await response.text(), "text/html");
  const app = findApp(doc, indexUrl);
  await addStylesheets(doc, indexUrl);

  window.__BETTERBEING_CONFIG__ = {
    mount,
    basePath: data.basePath || "/",
    apiOrigin,
    returnUrl: data.returnUrl || "",
  };

  // As Trunk's loader in index.html does.
  const bindings = await import(app.js);
  const wasm = await bindings.default({ module_or_path: app.wasm });
  window.wasmBindings = bindings;
  dispatchEvent(new CustomEvent("TrunkApplicationStarted", { detail: { wasm } }));
}

start().catch((error) => console.error(error));
