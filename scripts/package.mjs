// `npm run package`: a production build, then the .vsix with @vscode/vsce. Dependencies are
// bundled by esbuild, so vsce packs no node_modules.
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { node24Env, root } from './tools.mjs';

/** Builds the .vsix and returns its path. */
export function packageExtension(out = root) {
  const env = node24Env();
  const { name, version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const vsix = join(out, `${name}-${version}.vsix`);
  execFileSync('node', [join(root, 'esbuild.config.mjs'), '--production'], {
    cwd: root,
    env,
    stdio: 'inherit',
  });
  execFileSync(
    'node',
    [
      join(root, 'node_modules', '@vscode', 'vsce', 'vsce'),
      'package',
      '--no-dependencies',
      '--allow-missing-repository',
      '--skip-license',
      // The README's screenshots ship inside the .vsix and are shown from there, so its
      // relative links stay as they are (there is no public repository to point them at).
      '--no-rewrite-relative-links',
      '--out',
      vsix,
    ],
    { cwd: root, env, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  return vsix;
}

if (process.argv[1] === import.meta.filename) {
  const vsix = packageExtension();
  console.log(`${vsix} (${(statSync(vsix).size / 1024).toFixed(0)} KiB)`);
}
