// Gives the component styles (stylers' main.css, copied in by Trunk.toml's post_build hook) a content-hashed name,
// like Trunk's own files, and points index.html at it: browsers then keep it for a year instead of asking again on
// every visit before they can draw (a stylesheet holds the first paint). Runs before precompress.mjs;
// usage: node scripts/hash-styles.mjs <staging folder>
import { createHash } from "node:crypto";
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const root = process.argv[2];
if (!root) {
  console.error("usage: node scripts/hash-styles.mjs <folder>");
  process.exit(2);
}
const css = readFileSync(join(root, "main.css"));
// 16 hex digits, as Trunk writes its hashes (the server's is_content_hashed recognises 12 to 16).
const hashed = `main-${createHash("sha256").update(css).digest("hex").slice(0, 16)}.css`;
renameSync(join(root, "main.css"), join(root, hashed));
const index = join(root, "index.html");
const html = readFileSync(index, "utf8");
const link = 'href="/main.css"';
if (!html.includes(link)) {
  console.error(`index.html has no ${link} to point at ${hashed}`);
  process.exit(1);
}
writeFileSync(index, html.replace(link, `href="/${hashed}"`));
