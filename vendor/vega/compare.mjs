// Draws every given Vega spec with vega.min.js and with vega's own build (node_modules/vega/build/vega.js),
// headless as SVG, and prints one line per spec whose SVG differs or that fails (nothing when all agree).
// Usage: node vendor/vega/compare.mjs RUNTIME.js SPEC.vg.json...   (tests/test_site.py runs it)
import {readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import vm from 'node:vm';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const [runtime, ...specs] = process.argv.slice(2);

// Each runtime in a context of its own, with no DOM: both measure text the same way (estimated widths).
function load(path) {
  const context = vm.createContext({console, setTimeout, clearTimeout, performance, URL});
  vm.runInContext(readFileSync(path, 'utf8'), context, {filename: path});
  return context.vega;
}
const ours = load(runtime);
const theirs = load(join(root, 'node_modules', 'vega', 'build', 'vega.js'));
if (ours.version !== theirs.version) console.log(`version: ${ours.version} against vega's ${theirs.version}`);

async function svg(vega, spec) {
  const view = new vega.View(vega.parse(spec), {renderer: 'none'});
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
for (const path of specs) {
  const spec = JSON.parse(readFileSync(path, 'utf8'));
  try {
    const [a, b] = await Promise.all([svg(ours, spec), svg(theirs, spec)]);
    if (a !== b) console.log(`${path}: the SVG differs (${a.length} characters against vega's ${b.length})`);
  } catch (err) {
    console.log(`${path}: ${err.message}`);
  }
}
