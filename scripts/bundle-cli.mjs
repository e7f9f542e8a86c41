/* global console, process */
// Bundles the CLI (src/cli/main.ts and every verb it loads lazily) with esbuild into
// dist/cli-bundle/: one ES module entry plus a chunk per lazily loaded part, so a verb reads a few
// files instead of resolving and parsing the ~1,000 modules of its dependencies
// (@kubernetes/client-node alone takes about a second unbundled). bin/kanary.js runs the bundle for
// the verbs listed in BUNDLED_VERBS (bin/bundled-verbs.js); the controller, the local stack,
// the dashboard and backtest load files beside their modules (worker threads, UI assets) and run
// from dist/ as compiled by tsc. Run by `npm run build`.
import { readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// Two levels below the repository like dist/cli/, so paths such as ../../package.json still hold.
const out = join(root, 'dist', 'cli-bundle');
const { node } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')).engines ?? {};

// The verbs that run from dist/ as compiled (see bin/bundled-verbs.js) stay out of the CLI bundle:
// an import of their module resolves to dist/cli/ instead, so the bundle carries no local-stack,
// controller or dashboard code (the image drops dist/sandbox; nothing here may bring it back). The
// controller has a bundle of its own (below).
const COMPILED_ONLY = /^\.\/(controller|cluster|dashboard|backtest)-command\.js$/;

// client-node's package does not declare itself free of import side effects, so esbuild keeps every
// module it re-exports (the generated API classes and ~1,000 models, 1.9 MB minified). The CLI uses
// only KubeConfig and the informer's ListWatch (src/runtime/raw-request.ts sends the requests), so
// its modules are marked side-effect free and whatever no verb reaches is left out.
const CLIENT_NODE = /[\\/]node_modules[\\/]@kubernetes[\\/]client-node[\\/]/;
const clientNodeTreeShaking = {
  name: 'client-node-tree-shaking',
  setup(b) {
    b.onResolve({ filter: /.*/ }, async (args) => {
      if (args.pluginData?.resolving) return undefined;
      const resolved = await b.resolve(args.path, { resolveDir: args.resolveDir, kind: args.kind, importer: args.importer, pluginData: { resolving: true } });
      if (resolved.errors.length > 0 || !CLIENT_NODE.test(resolved.path)) return undefined;
      return { ...resolved, sideEffects: false };
    });
  },
};

/** One bundle: `entryPoints` into `outdir`, the verbs matching `compiledOnly` left to dist/cli/. */
async function bundle(outdir, entryPoints, compiledOnly) {
  const compiledVerbs = {
    name: 'compiled-verbs',
    setup(b) {
      b.onResolve({ filter: compiledOnly }, (args) => (args.importer.endsWith('command-registry.ts') ? { path: `../cli/${args.path.slice(2)}`, external: true } : undefined));
    },
  };
  await rm(outdir, { recursive: true, force: true });
  await build({
    entryPoints,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: [`node${(/\d+/.exec(node ?? '20') ?? ['20'])[0]}`],
    outdir,
    chunkNames: '[name]-[hash]',
    // CommonJS dependencies call require(); an ES module has none of its own.
    banner: { js: "import { createRequire as __kanaryCreateRequire } from 'node:module'; const require = __kanaryCreateRequire(import.meta.url);" },
    minify: true,
    // Error classes name themselves after their class (KubeError's new.target.name).
    keepNames: true,
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'warning',
    plugins: [compiledVerbs, clientNodeTreeShaking],
    // node-fetch 2 (client-node's watches) calls url.parse() and, through whatwg-url, the
    // punycode module. Node 22+ warns about both (DEP0169, DEP0040), but only for callers outside
    // node_modules: bundled, the warnings would land in the controller's JSON log. So it loads
    // from node_modules as a package.
    external: ['node-fetch'],
  });
}

await bundle(out, { main: join(root, 'src', 'cli', 'main.ts') }, COMPILED_ONLY);
console.log(`CLI bundled into ${out}`);

// The controller's own bundle (dist/controller-bundle, run by bin/kanary.js for `kanary
// controller`): at rest it holds about 40 MB less than the ~1,000 compiled modules it replaces
// (bench/idle.ts). Its worker threads are entry points beside it, where the code that starts them
// looks (`new URL('./probe-worker.js', import.meta.url)`); the other compiled-only verbs stay out.
const controllerOut = join(root, 'dist', 'controller-bundle');
await bundle(controllerOut, {
  main: join(root, 'src', 'cli', 'main.ts'),
  'probe-worker': join(root, 'src', 'telemetry', 'probe-worker.ts'),
  'cel-worker': join(root, 'src', 'analysis', 'cel-worker.ts'),
}, /^\.\/(cluster|dashboard|backtest)-command\.js$/);
console.log(`controller bundled into ${controllerOut}`);
if (process.exitCode) process.exit(process.exitCode);
