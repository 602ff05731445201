// Builds the extension, the webview pages and the in-VS Code test suite.
//   node esbuild.config.mjs                 development build, with source maps
//   node esbuild.config.mjs --production    minified, no source maps (what the .vsix ships)
//   node esbuild.config.mjs --watch         rebuilds on change
//   node esbuild.config.mjs --tests         also builds test/integration into dist/test
import { cpSync, existsSync, globSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const tests = process.argv.includes('--tests');

const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
};

/** The extension host side: one CommonJS file, `vscode` provided by the host. */
const extension = {
  ...common,
  entryPoints: { extension: 'src/extension.ts' },
  outdir: 'dist',
  platform: 'node',
  format: 'cjs',
  target: 'node22',
  external: ['vscode'],
  // Packages ship optional native add-ons (pg-native, bufferutil) we neither need nor have.
  plugins: [optionalNativeModules(['pg-native', 'bufferutil', 'utf-8-validate'])],
  metafile: true,
};

/** Each webview page: an IIFE script for the browser, beside its HTML and CSS. */
const pages = readdirSync('media', { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join('media', entry.name, 'main.ts')))
  .map((entry) => entry.name);
const webviews = {
  ...common,
  entryPoints: Object.fromEntries(pages.map((page) => [`${page}/main`, `media/${page}/main.ts`])),
  outdir: 'dist/media',
  platform: 'browser',
  format: 'iife',
  target: 'es2022',
};

/** The integration tests and their runner, loaded by VS Code's extension host. */
const integration = {
  ...common,
  sourcemap: true,
  entryPoints: globSync('test/integration/**/*.ts'),
  outbase: 'test/integration',
  outdir: 'dist/test/integration',
  platform: 'node',
  format: 'cjs',
  target: 'node22',
  external: ['vscode', 'mocha'],
  plugins: extension.plugins,
};

function optionalNativeModules(names) {
  return {
    name: 'optional-native-modules',
    setup(build) {
      const filter = new RegExp(`^(${names.join('|')})$`);
      build.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'missing-optional' }));
      build.onLoad({ filter: /.*/, namespace: 'missing-optional' }, (args) => ({
        contents: `throw new Error(${JSON.stringify(`${args.path} is not bundled`)});`,
        loader: 'js',
      }));
    },
  };
}

function copyPageAssets() {
  for (const page of pages) {
    mkdirSync(join('dist/media', page), { recursive: true });
    for (const file of ['index.html', 'main.css']) {
      cpSync(join('media', page, file), join('dist/media', page, file));
    }
  }
}

/**
 * re2-wasm (the regex engine of the log filter, safe against catastrophic backtracking) loads
 * its WebAssembly from beside the script that bundles it.
 */
function copyWasm() {
  mkdirSync('dist', { recursive: true });
  cpSync('node_modules/re2-wasm/build/wasm/re2.wasm', 'dist/re2.wasm');
}

rmSync('dist', { recursive: true, force: true });
copyWasm();
const builds = [extension, webviews, ...(tests ? [integration] : [])];
copyPageAssets();
if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
  console.log('watching for changes…');
} else {
  const [result] = await Promise.all(builds.map((options) => esbuild.build(options)));
  const bytes = result.metafile.outputs['dist/extension.js'].bytes;
  console.log(
    `built dist/extension.js (${(bytes / 1024).toFixed(0)} KiB)${production ? ', production' : ''}`,
  );
}
