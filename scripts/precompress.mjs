// Precompresses the built SPA (Trunk's post_build hook runs this on its staging folder): for every text or wasm file,
// writes <file>.br (brotli, quality 11) and <file>.gz (gzip, level 9) beside it, each only when it is smaller than the
// file. The server (tower-http ServeDir) sends whichever the browser's Accept-Encoding allows, so nothing is compressed
// per request. Node's own zlib does both (no extra tool to install); usage: node scripts/precompress.mjs <folder>
import { readdirSync, readFileSync, statSync, writeFileSync, rmSync } from "node:fs";
import { join, extname } from "node:path";
import { brotliCompressSync, gzipSync, constants } from "node:zlib";

const COMPRESSIBLE = new Set([".wasm", ".js", ".mjs", ".css", ".html", ".svg", ".json", ".txt", ".map"]);
const root = process.argv[2];
if (!root) {
  console.error("usage: node scripts/precompress.mjs <folder>");
  process.exit(2);
}

function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      walk(path);
    } else if (COMPRESSIBLE.has(extname(name))) {
      compress(path);
    }
  }
}

function compress(path) {
  const raw = readFileSync(path);
  const outputs = {
    ".br": brotliCompressSync(raw, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
      },
    }),
    ".gz": gzipSync(raw, { level: 9 }),
  };
  for (const [suffix, bytes] of Object.entries(outputs)) {
    if (bytes.length < raw.length) {
      writeFileSync(path + suffix, bytes);
    } else {
      rmSync(path + suffix, { force: true });
    }
  }
}

walk(root);
