#!/usr/bin/env node
// No import cycles: for each crate's `src` directory given, builds the graph of its modules (an edge A -> B when
// A's code names `crate::B…`, `super::…` or `self::…` items, in `use` trees or in paths) and prints every cycle.
// `mod x;` declarations are not edges; a module's `#[cfg(test)]` tail is left out (tests may look anywhere).
// Exits 1 when a crate has a cycle. Run by scripts/test:  node scripts/module-cycles.mjs src crates/server/src …
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";

function rustFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return rustFiles(path);
    return name.endsWith(".rs") ? [path] : [];
  });
}

// `a/b.rs` and `a/b/mod.rs` are module `a::b`; `lib.rs` and `main.rs` are the crate root, "".
function moduleOf(root, file) {
  const parts = relative(root, file).slice(0, -3).split(sep);
  if (["mod", "lib", "main"].includes(parts.at(-1))) parts.pop();
  return parts.join("::");
}

// Code without comments, string literals and the `#[cfg(test)]` tail.
function code(text) {
  const test = text.search(/#\[cfg\(test\)\]\s*(pub(\([^)]*\))?\s+)?mod\s+\w+\s*\{/);
  const body = test >= 0 ? text.slice(0, test) : text;
  return body
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/\/\/[^\n]*/g, "")
    .replace(/r#*"[\s\S]*?"#*/g, '""')
    .replace(/"(?:\\.|[^"\\])*"/g, '""');
}

// Every path a `use` tree names: `crate::{a::{b, c}, d}` gives crate::a::b, crate::a::c, crate::d.
function expandUseTree(tree) {
  tree = tree.replace(/\s+/g, "");
  const open = tree.indexOf("{");
  if (open < 0) return [tree.replace(/as\w+$/, "").replace(/::self$/, "")];
  const prefix = tree.slice(0, open);
  const inner = tree.slice(open + 1, tree.lastIndexOf("}"));
  const items = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < inner.length; i++) {
    if (inner[i] === "{") depth++;
    else if (inner[i] === "}") depth--;
    else if (inner[i] === "," && depth === 0) {
      items.push(inner.slice(start, i));
      start = i + 1;
    }
  }
  items.push(inner.slice(start));
  return items
    .filter((item) => item.length > 0)
    .flatMap((item) => (item === "self" ? [prefix.replace(/::$/, "")] : expandUseTree(prefix + item)));
}

function referencedPaths(source) {
  const paths = [];
  for (const m of source.matchAll(/\buse\s+([^;]+);/g)) paths.push(...expandUseTree(m[1]));
  const withoutUses = source.replace(/\buse\s+[^;]+;/g, "");
  for (const m of withoutUses.matchAll(/\b(?:crate|super|self)(?:::\w+)+/g)) paths.push(m[0]);
  return paths.filter((p) => /^(crate|super|self)\b/.test(p));
}

function graphOf(root) {
  const files = rustFiles(root);
  const modules = new Map(files.map((file) => [moduleOf(root, file), file]));
  const edges = new Map([...modules.keys()].map((m) => [m, new Set()]));
  for (const [module, file] of modules) {
    const here = module ? module.split("::") : [];
    const source = code(readFileSync(file, "utf8"));
    const resolve = (path) => {
      let [head, ...rest] = path.split("::");
      let base = head === "crate" ? [] : head === "self" ? [...here] : here.slice(0, -1);
      while (rest[0] === "super") {
        base = base.slice(0, -1);
        rest = rest.slice(1);
      }
      return [...base, ...rest];
    };
    const link = (full) => {
      for (let k = full.length; k >= 1; k--) {
        const target = full.slice(0, k).join("::");
        if (modules.has(target)) {
          if (target !== module) edges.get(module).add(target);
          return;
        }
      }
    };
    for (const path of referencedPaths(source)) {
      const full = resolve(path);
      link(full);
      // `use crate::routes;` then `routes::me::me(…)`: follow the module's name into its children.
      const alias = full.at(-1);
      if (modules.has(full.join("::")) && alias) {
        const named = source.replace(/\buse\s+[^;]+;/g, "");
        for (const m of named.matchAll(new RegExp(`(?<![\\w:])${alias}((?:::\\w+)+)`, "g"))) {
          link([...full, ...m[1].split("::").filter(Boolean)]);
        }
      }
    }
  }
  return edges;
}

// Tarjan's strongly connected components; each with more than one module is a cycle.
function cycles(edges) {
  let index = 0;
  const indexOf = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const found = [];
  const visit = (v) => {
    indexOf.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v)) {
      if (!indexOf.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v), indexOf.get(w)));
      }
    }
    if (low.get(v) === indexOf.get(v)) {
      const component = [];
      let w;
      do {
        w = stack.pop();
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of edges.keys()) if (!indexOf.has(v)) visit(v);
  return found;
}

let failed = false;
for (const root of process.argv.slice(2)) {
  const edges = graphOf(root);
  const found = cycles(edges);
  if (found.length === 0) {
    console.log(`ok: ${root}: ${edges.size} modules, no import cycle`);
    continue;
  }
  failed = true;
  for (const component of found) {
    console.log(`FAIL: ${root}: modules that depend on each other: ${component.join(", ")}`);
    for (const m of component) {
      const inside = [...edges.get(m)].filter((t) => component.includes(t));
      console.log(`    ${m || "(crate root)"} -> ${inside.join(", ")}`);
    }
  }
}
process.exit(failed ? 1 : 0);
