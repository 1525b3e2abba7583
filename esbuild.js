// Bundles the extension (vscode external), the CLI and the test console's webview (browser, with its CSS);
// `--production` minifies, `--watch` rebuilds on change.
const esbuild = require('esbuild');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
};

const builds = [
  { ...common, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  { ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  // The console UI: one script + dist/webview.css (from its CSS import), loaded by the VS Code panel and by
  // the page the emulator serves at GET /. No remote resources; Chromium of VS Code 1.95 (Electron 32) and up.
  { ...common, platform: 'browser', format: 'iife', target: ['chrome120', 'firefox120', 'safari17'], entryPoints: ['src/webview/main.ts'], outfile: 'dist/webview.js' },
];

async function main() {
  if (watch) {
    for (const options of builds) await (await esbuild.context(options)).watch();
    console.log('[esbuild] watching for changes');
    return;
  }
  await Promise.all(builds.map((options) => esbuild.build(options)));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
