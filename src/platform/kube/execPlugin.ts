import { accessSync, constants, statSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

/** Where to look for credential plugins, and on which platform. */
export interface PluginSearch {
  env?: NodeJS.ProcessEnv;
  home?: string;
  platform?: NodeJS.Platform;
  /** Directory of the kubeconfig that named the plugin, for relative commands like `./bin/x`. */
  kubeconfigDir?: string;
  /** Prefix of the system folders (`/usr/local/bin`…); tests point it at a temporary folder. */
  root?: string;
}

/** The outcome of looking for a plugin: its absolute path, or every folder that was searched. */
export interface PluginLookup {
  command: string;
  found?: string;
  searched: string[];
}

/**
 * Folders where `aws`, `gcloud`/`gke-gcloud-auth-plugin`, `kubelogin` and `az` are installed by
 * their installers, Homebrew, snap and pipx. VS Code started from a desktop launcher (macOS
 * Dock, GNOME) inherits a short PATH without them, so kubectl works in a terminal while the
 * extension cannot find the plugin; these folders are searched after PATH.
 */
export function pluginFolders(search: PluginSearch = {}): string[] {
  const env = search.env ?? process.env;
  const platform = search.platform ?? process.platform;
  const home = search.home ?? homedir();
  const sys = (folder: string) => path.join(search.root ?? '/', folder);
  const fromPath = (env.PATH ?? env.Path ?? '')
    .split(platform === 'win32' ? ';' : ':')
    .filter(Boolean);
  const usual =
    platform === 'win32'
      ? [
          path.join(
            env.LOCALAPPDATA ?? path.join(home, 'AppData', 'Local'),
            'Google',
            'Cloud SDK',
            'google-cloud-sdk',
            'bin',
          ),
          path.join(env.ProgramFiles ?? 'C:\\Program Files', 'Amazon', 'AWSCLIV2'),
          path.join(home, '.azure-kubelogin'),
          path.join(home, 'bin'),
        ]
      : [
          path.join(home, '.local', 'bin'),
          sys('/usr/local/bin'),
          sys('/opt/homebrew/bin'),
          sys('/home/linuxbrew/.linuxbrew/bin'),
          path.join(home, 'google-cloud-sdk', 'bin'),
          sys('/usr/local/share/google-cloud-sdk/bin'),
          sys('/opt/homebrew/share/google-cloud-sdk/bin'),
          sys('/usr/lib/google-cloud-sdk/bin'),
          sys('/snap/bin'),
          sys('/usr/bin'),
          sys('/bin'),
          path.join(home, 'bin'),
          path.join(home, '.krew', 'bin'),
          path.join(home, 'go', 'bin'),
          sys('/opt/local/bin'),
        ];
  return [...new Set([...fromPath, ...usual])];
}

function isExecutable(file: string, platform: NodeJS.Platform): boolean {
  try {
    if (!statSync(file).isFile()) {
      return false;
    }
    if (platform !== 'win32') {
      accessSync(file, constants.X_OK);
    }
    return true;
  } catch {
    return false;
  }
}

/** Finds a credential plugin's binary the way a login shell would, and beyond. */
export function findPlugin(command: string, search: PluginSearch = {}): PluginLookup {
  const platform = search.platform ?? process.platform;
  const extensions = platform === 'win32' ? ['', '.exe', '.cmd', '.bat'] : [''];
  if (path.isAbsolute(command) || command.includes('/') || command.includes('\\')) {
    const file = path.resolve(search.kubeconfigDir ?? process.cwd(), command);
    const found = extensions.map((x) => file + x).find((f) => isExecutable(f, platform));
    return { command, found, searched: [path.dirname(file)] };
  }
  const searched = pluginFolders(search);
  for (const dir of searched) {
    for (const x of extensions) {
      const file = path.join(dir, command + x);
      if (isExecutable(file, platform)) {
        return { command, found: file, searched };
      }
    }
  }
  return { command, searched };
}

/** A PATH for the plugin's own child processes (the aws CLI, gcloud) that includes the usual folders. */
export function widenedPath(search: PluginSearch = {}): string {
  const platform = search.platform ?? process.platform;
  return pluginFolders(search).join(platform === 'win32' ? ';' : ':');
}
