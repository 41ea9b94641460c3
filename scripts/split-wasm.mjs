// Route-level code splitting, run by Trunk's post_build hook (Trunk.toml) before hash-styles.mjs and precompress.mjs.
//
// The SPA marks split points with `wasm_split` (src/app.rs's `lazy_page!`s: the calendar with its session panel and
// the demo's sign-in page, calendar sync, the organisation page). Trunk builds and binds the wasm in one piece
// (index.html leaves wasm-opt to this script: data-wasm-opt="0"); this script then redoes the binding on a split copy
// and puts the result in Trunk's place, as `cargo leptos --split` does:
//   1. wasm-split-cli (crates.io: wasm_split_cli_support, installed by scripts/setup) cuts cargo's own output (linked
//      with --emit-relocs by build.rs) into the main module, one wasm per split point, the chunks they share, and a
//      small JavaScript loader (`__wasm_split.js`) that fetches them on first use;
//   2. wasm-bindgen binds the main module (--keep-lld-exports: the chunks link against its exports);
//   3. wasm-opt -Oz every module (release builds);
//   4. every file gets a name hashed from its final bytes, so the server may keep it for a year: each chunk its own;
//      the main module, its JavaScript and the loader one hash of the three (they name each other). References and
//      index.html (Trunk's loader, its preloads and their integrity hashes) are rewritten, the loader is preloaded,
//      and `wasm-split.json` says which files each part needs (the server preloads them with a page).
// Trunk's unsplit JavaScript imports a placeholder module no browser can load, so this runs for debug builds too.
// usage: node scripts/split-wasm.mjs <staging folder>
import { execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const APP = "betterbeing-zoom-web";
const LOADER = "__wasm_split";

const fail = (message) => {
  console.error(`split-wasm: ${message}`);
  process.exit(1);
};
const sha = (bytes, algorithm = "sha256") => createHash(algorithm).update(bytes).digest();
const hex16 = (...parts) => {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(part);
  return hash.digest("hex").slice(0, 16);
};
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

const staging = process.argv[2];
if (!staging) {
  console.error("usage: node scripts/split-wasm.mjs <staging folder>");
  process.exit(2);
}
const release = process.env.TRUNK_PROFILE === "release";
const publicUrl = (process.env.TRUNK_PUBLIC_URL || "/").replace(/\/?$/, "/");

// What Trunk built from: cargo's target folder (as cargo itself reports it) and the cargo profile index.html names
// (cargo's own `release` and `dev` profiles have the folders `release` and `debug`).
const source = readFileSync(process.env.TRUNK_HTML_FILE || "index.html", "utf8");
const rust = source.match(/<link[^>]*rel="rust"[^>]*>/)?.[0] ?? fail('index.html has no <link data-trunk rel="rust">');
if (!/data-wasm-opt="0"/.test(rust)) fail('index.html must leave wasm-opt to this script: data-wasm-opt="0"');
for (const unread of ["data-cargo-profile=", "data-keep-debug", "data-no-demangle", "data-reference-types",
  "data-weak-refs", "data-wasm-opt-params", "data-target-path", "data-bindgen-target", "data-loader-shim"]) {
  if (rust.includes(unread)) fail(`index.html's rust link sets ${unread.replace("=", "")}, which this script does not follow`);
}
const named = rust.match(new RegExp(`data-cargo-profile-${release ? "release" : "dev"}="([^"]+)"`))?.[1];
const profile = named && named !== "dev" ? named : release ? "release" : "debug";
const metadata = JSON.parse(execFileSync("cargo", ["metadata", "--format-version", "1", "--no-deps"], {
  encoding: "utf8",
  maxBuffer: 64 << 20,
}));
const input = join(metadata.target_directory, "wasm32-unknown-unknown", profile, `${APP}.wasm`);

// Trunk's files, as its inline loader in index.html names them.
const index = join(staging, "index.html");
let html = readFileSync(index, "utf8");
const trunkJs = html.match(/import init, \* as bindings from '([^']+)'/)?.[1];
const trunkWasm = html.match(/module_or_path: '([^']+)'/)?.[1];
if (!trunkJs?.startsWith(publicUrl) || !trunkWasm?.startsWith(publicUrl)) {
  fail(`index.html's loader does not name the app's JS and wasm under ${publicUrl}`);
}

const work = mkdtempSync(join(tmpdir(), "split-wasm-"));
try {
  const split = join(work, "split");
  const bound = join(work, "bound");
  execFileSync("wasm-split-cli", ["--target", "web", "--out-name", APP, input, split], { stdio: "inherit" });
  execFileSync(
    "wasm-bindgen",
    ["--target=web", `--out-dir=${bound}`, `--out-name=${APP}`, "--no-typescript", "--keep-lld-exports",
      join(split, `${APP}.wasm`)],
    { stdio: "inherit" },
  );
  const chunks = readdirSync(split).filter((f) => f.endsWith(".wasm") && f !== `${APP}.wasm`);
  if (release) await optimise([join(bound, `${APP}_bg.wasm`), ...chunks.map((f) => join(split, f))]);

  // The chunks, each named by its own bytes.
  let loader = readFileSync(join(split, `${LOADER}.js`), "utf8");
  const parts = partsOf(loader);
  const hashedNames = new Map();
  let total = 0;
  for (const chunk of chunks) {
    const bytes = readFileSync(join(split, chunk));
    const hashed = `${chunk.slice(0, -".wasm".length)}-${hex16(bytes)}.wasm`;
    const reference = `"./${chunk}"`;
    if (!loader.includes(reference)) fail(`the loader does not name ${chunk}`);
    loader = loader.replaceAll(reference, `"./${hashed}"`);
    writeFileSync(join(staging, hashed), bytes);
    hashedNames.set(chunk, hashed);
    total += bytes.length;
  }
  const inParts = new Set([...parts.values()].flat());
  const orphan = chunks.find((chunk) => !inParts.has(chunk));
  if (orphan) fail(`${orphan} belongs to no part the loader names`);
  const manifest = Object.fromEntries([...parts].map(([part, files]) => [part, files.map((f) => hashedNames.get(f))]));
  writeFileSync(join(staging, "wasm-split.json"), JSON.stringify(manifest, null, 2) + "\n");

  // The main module, its JavaScript and the loader: one hash of the three.
  let mainJs = readFileSync(join(bound, `${APP}.js`), "utf8");
  const mainWasm = readFileSync(join(bound, `${APP}_bg.wasm`));
  const hash = hex16(mainWasm, mainJs, loader);
  const [jsName, wasmName, loaderName] = [`${APP}-${hash}.js`, `${APP}-${hash}_bg.wasm`, `${LOADER}-${hash}.js`];
  // Only the import statements: the imports object keeps the module name the wasm asks for.
  if (chunks.length && !mainJs.includes(`from "./${LOADER}.js"`)) fail("the bound module does not import the loader");
  mainJs = mainJs.replaceAll(`from "./${LOADER}.js"`, `from "./${loaderName}"`);
  if (chunks.length && !loader.includes(`from "./${APP}.js"`)) fail("the loader does not import the bound module");
  loader = loader.replaceAll(`from "./${APP}.js"`, `from "./${jsName}"`);
  writeFileSync(join(staging, jsName), mainJs);
  writeFileSync(join(staging, wasmName), mainWasm);
  writeFileSync(join(staging, loaderName), loader);
  for (const replaced of [trunkJs, trunkWasm]) rmSync(join(staging, replaced.slice(publicUrl.length)));

  // index.html: Trunk's names become ours, with Subresource Integrity hashes of the final bytes; the loader is
  // preloaded after Trunk's module preload (which public/embed.js may read as the app's module).
  html = html.replaceAll(trunkJs, publicUrl + jsName).replaceAll(trunkWasm, publicUrl + wasmName);
  const integrity = (bytes) => `sha384-${sha(bytes, "sha384").toString("base64")}`;
  for (const [file, bytes] of [[jsName, mainJs], [wasmName, mainWasm]]) {
    const attribute = new RegExp(`(href="${escape(publicUrl + file)}"[^>]*integrity=")sha384-[^"]*(")`);
    if (!attribute.test(html)) fail(`index.html has no integrity for ${file}`);
    html = html.replace(attribute, `$1${integrity(bytes)}$2`);
  }
  const modulePreload = new RegExp(`<link rel="modulepreload" href="${escape(publicUrl + jsName)}"[^>]*>`);
  if (!modulePreload.test(html)) fail(`index.html has no module preload of ${jsName}`);
  html = html.replace(
    modulePreload,
    (trunks) =>
      `${trunks}<link rel="modulepreload" href="${publicUrl}${loaderName}" crossorigin="anonymous" ` +
      `integrity="${integrity(loader)}">`,
  );
  writeFileSync(index, html);
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  console.log(`split-wasm: main ${kb(mainWasm.length)}; ${parts.size} parts in ${chunks.length} files, ${kb(total)}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}

/** wasm-opt -Oz on every file, in parallel (the main module takes most of the time); waits for all of them. */
async function optimise(files) {
  const runs = files.map(
    (file) =>
      new Promise((resolve, reject) => {
        // BB_WASM_NAMES=1 keeps the function names, for reading a profile (README: Speed).
        const names = process.env.BB_WASM_NAMES === "1" ? ["-g"] : [];
        const opt = spawn("wasm-opt", ["-Oz", ...names, "--enable-bulk-memory", "--enable-nontrapping-float-to-int",
          file, "-o", file], { stdio: ["ignore", "inherit", "pipe"] });
        let stderr = "";
        opt.stderr.on("data", (d) => (stderr += d));
        opt.on("error", reject);
        // wasm-opt warns about the split modules' name subsections it does not know; only failures matter.
        opt.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`wasm-opt ${file} (${code}): ${stderr}`))));
      }),
  );
  const failed = (await Promise.allSettled(runs)).find((r) => r.status === "rejected");
  if (failed) fail(failed.reason.message);
}

// The loader's split-off parts and, for each, the files it fetches: the chunks it shares with other parts, then
// its own. wasm-split-cli writes one `const __chunk_N = makeLoad(… "./chunk_N.wasm" …)` per shared chunk and one
// `export const __wasm_split_load_<part> = wrapAsyncCb(makeLoad(… "./split_<part>.wasm" …, [__chunk_N, …]))` per
// part (a part with no code of its own fetches nothing but its chunks).
function partsOf(loader) {
  const chunkFiles = new Map();
  for (const [, variable, file] of loader.matchAll(/const (__chunk_\d+) = makeLoad\(\(\) => \{\s*const src = fetch\(new URL\("\.\/([^"]+)"/g)) {
    chunkFiles.set(variable, file);
  }
  const parts = new Map();
  const exports = /export const __wasm_split_load_(\w+) = wrapAsyncCb\(makeLoad\(([\s\S]*?), \[([^\]]*)\]\)\);/g;
  for (const [, part, fetcher, deps] of loader.matchAll(exports)) {
    const own = fetcher.match(/fetch\(new URL\("\.\/([^"]+)"/);
    const shared = deps.split(",").map((d) => d.trim()).filter(Boolean).map((d) => chunkFiles.get(d) ?? fail(`no ${d}`));
    parts.set(part, [...shared, ...(own ? [own[1]] : [])]);
  }
  return parts;
}
