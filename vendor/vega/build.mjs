// Builds vega.min.js from entry.js and the npm packages pinned in package-lock.json, with esbuild.
// Usage: node vendor/vega/build.mjs [OUT_DIR]   (default vendor/vega; `make vendor` runs it).
// Writes OUT_DIR/vega.min.js and OUT_DIR/LICENSE (the licence of every package in the bundle).
// The same packages give the same bytes: tests/test_site.py rebuilds it and compares.
import {build} from 'esbuild';
import {readFileSync, writeFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const outDir = process.argv[2] || here;
const readJson = path => JSON.parse(readFileSync(path, 'utf8'));
const vega = readJson(join(root, 'node_modules', 'vega', 'package.json'));

// Vega's packages publish one rollup file each (build/), which esbuild cannot split: every transform in
// it comes along. The same packages ship their ES modules (index.js, src/), which vega's rollup build is
// made from; read those, one module per file, and drop the modules nothing imports. Vega's modules do
// their registering where they are used (no import is made for its side effect alone), so
// `sideEffects: false` drops only unused code. vega-loader and vega-canvas keep their browser builds:
// their index.js is the Node variant.
const BUILT = new Set(['vega-loader', 'vega-canvas']);
const vegaSources = {
  name: 'vega-sources',
  setup(b) {
    b.onResolve({filter: /^vega-[a-z-]+$/}, args => {
      if (BUILT.has(args.path)) return undefined;
      return {path: join(root, 'node_modules', args.path, 'index.js'), sideEffects: false};
    });
    b.onResolve({filter: /^\./}, async args => {
      if (args.pluginData === 'vega-sources') return undefined;
      if (!/\/node_modules\/vega-[a-z-]+\//.test(args.importer)) return undefined;
      const r = await b.resolve(args.path, {kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: 'vega-sources'});
      return r.errors.length ? r : {path: r.path, sideEffects: false};
    });
  }
};

const result = await build({
  entryPoints: [join(here, 'entry.js')],
  bundle: true,
  minify: true,
  format: 'iife',
  globalName: 'vega',
  platform: 'browser',
  target: 'es2020',
  charset: 'utf8',
  legalComments: 'none',
  define: {VEGA_VERSION: JSON.stringify(vega.version)},
  banner: {js: `/*! Vega ${vega.version}, less the transforms no chart uses (vendor/vega/SOURCE.md); licences: LICENSE-vega.txt */`},
  plugins: [vegaSources],
  absWorkingDir: root,
  metafile: true,
  write: false,
  logLevel: 'warning'
});

// The packages in the bundle, from the files esbuild read: one copy of each, and each vega-* package at
// the version vega names (its dependencies are "~x.y.z", x.y.z being the version released with it).
const packages = new Map();
for (const input of Object.keys(result.metafile.outputs[Object.keys(result.metafile.outputs)[0]].inputs)) {
  const m = input.match(/^(.*node_modules\/((?:@[^/]+\/)?[^/]+))\//);
  if (!m) continue;
  const [, dir, name] = m;
  if (packages.has(name) && packages.get(name).dir !== dir) {
    throw new Error(`two copies of ${name} in the bundle: ${packages.get(name).dir} and ${dir}`);
  }
  packages.set(name, {dir, version: readJson(join(root, dir, 'package.json')).version});
}
for (const [name, {version}] of packages) {
  const range = vega.dependencies[name];
  if (range && range !== `~${version}`) {
    throw new Error(`${name} ${version} in the bundle, but vega ${vega.version} was released with ${name} ${range}`);
  }
}

writeFileSync(join(outDir, 'vega.min.js'), result.outputFiles[0].contents);

// One section per licence text, naming the packages it covers.
const byText = new Map();
for (const [name, {dir, version}] of [...packages].sort()) {
  const text = readFileSync(join(root, dir, 'LICENSE'), 'utf8').trim();
  if (!byText.has(text)) byText.set(text, []);
  byText.get(text).push(`${name} ${version}`);
}
const sections = [...byText].map(([text, names]) => `${names.join(', ')}:\n\n${text}\n`);
writeFileSync(join(outDir, 'LICENSE'),
  'vega.min.js bundles these npm packages (see SOURCE.md); their licences follow.\n\n' +
  sections.join('\n' + '-'.repeat(72) + '\n\n'));
