// Route-level code splitting, run by Trunk's post_build hook (Trunk.toml) before hash-styles.mjs and precompress.mjs.
//
// The SPA marks split points with `wasm_split` (src/app.rs: the calendar with its session panel, calendar sync, the
// organisation page). Trunk builds, binds and optimises the wasm in one piece; this script then redoes the last two
// steps on a split copy and puts the result in Trunk's place, as `cargo leptos --split` does:
//   1. wasm-split-cli (crates.io: wasm_split_cli_support, installed by scripts/setup) cuts cargo's own output (linked
//      with --emit-relocs by build.rs) into the main module, one wasm per split point, the chunks they share, and a
//      small JavaScript loader (`__wasm_split.js`) that fetches them on first use;
//   2. wasm-bindgen binds the main module (--keep-lld-exports: the chunks link against its exports) under the name
//      Trunk chose, so index.html's loader is unchanged;
//   3. wasm-opt -Oz every module (release only, like Trunk's data-wasm-opt="z");
//   4. every new file gets a content-hashed name (so the server keeps it for a year, like Trunk's files), the
//      references are rewritten, and index.html's integrity hashes are recomputed.
// usage: node scripts/split-wasm.mjs <staging folder>
import { execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const staging = process.argv[2];
if (!staging) {
  console.error("usage: node scripts/split-wasm.mjs <staging folder>");
  process.exit(2);
}
const release = process.env.TRUNK_PROFILE === "release";
// The cargo profile Trunk built with: index.html's data-cargo-profile-release / -dev, else cargo's own (whose
// folders are `release` and `debug`).
const source = readFileSync(process.env.TRUNK_HTML_FILE || "index.html", "utf8");
const named = source.match(new RegExp(`data-cargo-profile-${release ? "release" : "dev"}="([^"]+)"`))?.[1];
const profile = named && named !== "dev" ? named : release ? "release" : "debug";
const targetDir = process.env.CARGO_TARGET_DIR || "target";
const input = join(targetDir, "wasm32-unknown-unknown", profile, "betterbeing-zoom-web.wasm");

const fail = (message) => {
  console.error(`split-wasm: ${message}`);
  process.exit(1);
};
const sha = (bytes, algorithm = "sha256") => createHash(algorithm).update(bytes).digest();
const hex16 = (bytes) => sha(bytes).toString("hex").slice(0, 16);

// Trunk's files: <name>-<hash>.js and <name>-<hash>_bg.wasm.
const js = readdirSync(staging).find((f) => /^betterbeing-zoom-web-[0-9a-f]{16}\.js$/.test(f));
if (!js) fail(`no betterbeing-zoom-web-<hash>.js in ${staging}`);
const name = js.slice(0, -".js".length);
const wasm = `${name}_bg.wasm`;
const work = mkdtempSync(join(tmpdir(), "split-wasm-"));
try {
  const split = join(work, "split");
  const bound = join(work, "bound");
  execFileSync("wasm-split-cli", ["--target", "web", "--out-name", name, input, split], { stdio: "inherit" });
  execFileSync(
    "wasm-bindgen",
    ["--target=web", `--out-dir=${bound}`, `--out-name=${name}`, "--no-typescript", "--keep-lld-exports",
      join(split, `${name}.wasm`)],
    { stdio: "inherit" },
  );

  const chunks = readdirSync(split).filter((f) => f.endsWith(".wasm") && f !== `${name}.wasm`);
  const modules = [join(bound, `${name}_bg.wasm`), ...chunks.map((f) => join(split, f))];
  if (release) {
    // In parallel: the main module takes most of the time.
    await Promise.all(
      modules.map(
        (file) =>
          new Promise((resolve, reject) => {
            const opt = spawn(
              "wasm-opt",
              ["-Oz", "--enable-bulk-memory", "--enable-nontrapping-float-to-int", file, "-o", file],
              { stdio: ["ignore", "inherit", "pipe"] },
            );
            let stderr = "";
            opt.stderr.on("data", (d) => (stderr += d));
            // wasm-opt warns about the split modules' name subsections it does not know; only failures matter.
            opt.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`wasm-opt ${file}: ${stderr}`))));
          }),
      ),
    );
  }

  // Chunks first (the loader names them), then the loader (the main module's JavaScript names it).
  let loader = readFileSync(join(split, "__wasm_split.js"), "utf8");
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
  // wasm-split.json: the files each split-off part needs, for the server to have the browser fetch them together
  // with a page that shows the part at once (api::pages::first_code).
  const manifest = Object.fromEntries(
    [...parts].map(([part, files]) => [part, files.map((f) => hashedNames.get(f) ?? fail(`no chunk ${f}`))]),
  );
  writeFileSync(join(staging, "wasm-split.json"), JSON.stringify(manifest, null, 2) + "\n");
  const loaderName = `__wasm_split-${hex16(loader)}.js`;
  writeFileSync(join(staging, loaderName), loader);
  let main = readFileSync(join(bound, `${name}.js`), "utf8");
  // Only the import statements: the imports object keeps the module name the wasm asks for.
  if (chunks.length && !main.includes('from "./__wasm_split.js"')) fail("the bound module does not import the loader");
  main = main.replaceAll('from "./__wasm_split.js"', `from "./${loaderName}"`);
  const mainWasm = readFileSync(join(bound, `${name}_bg.wasm`));
  writeFileSync(join(staging, js), main);
  writeFileSync(join(staging, wasm), mainWasm);

  // Trunk wrote Subresource Integrity hashes of its own files into index.html. The loader is preloaded beside
  // Trunk's module: the browser would otherwise find it only once the module has arrived.
  const index = join(staging, "index.html");
  let html = readFileSync(index, "utf8");
  // After Trunk's own, which public/embed.js may read as the app's module.
  const modulePreload = new RegExp(`<link rel="modulepreload" href="/${js.replaceAll(".", "\\.")}"[^>]*>`);
  if (!modulePreload.test(html)) fail(`index.html has no modulepreload of ${js}`);
  html = html.replace(
    modulePreload,
    (trunks) =>
      `${trunks}<link rel="modulepreload" href="/${loaderName}" crossorigin="anonymous" ` +
      `integrity="sha384-${sha(loader, "sha384").toString("base64")}">`,
  );
  for (const [file, bytes] of [[js, main], [wasm, mainWasm]]) {
    const attribute = new RegExp(`(href="[^"]*/${file.replaceAll(".", "\\.")}"[^>]*integrity=")sha384-[^"]*(")`);
    if (!attribute.test(html)) fail(`index.html has no integrity for ${file}`);
    html = html.replace(attribute, `$1sha384-${sha(bytes, "sha384").toString("base64")}$2`);
  }
  writeFileSync(index, html);
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  console.log(
    `split-wasm: main ${kb(mainWasm.length)}, ${chunks.length} chunks ${kb(total)} loaded on demand (${loaderName})`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
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
  if (!parts.size && chunkFiles.size) fail("could not read the loader's parts");
  return parts;
}
