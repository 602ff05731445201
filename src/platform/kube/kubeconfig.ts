import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

import { KubeConfig } from '@kubernetes/client-node';
import type { Cluster, Context, User } from '@kubernetes/client-node';

import { KubeError } from './errors';

/** How a context authenticates, for the context picker's description. */
export type AuthKind = 'token' | 'certificate' | 'exec' | 'authProvider' | 'basic' | 'none';

/** One context of the merged kubeconfig, as the context picker lists it. */
export interface ContextInfo {
  name: string;
  cluster: string;
  server?: string;
  user: string;
  /** The namespace the kubeconfig sets for this context, if any. */
  namespace?: string;
  auth: AuthKind;
  /** The exec credential plugin's command as written in the kubeconfig (`aws`, `kubelogin`). */
  execCommand?: string;
}

/** The user's kubeconfig files merged the way kubectl merges them; never written back. */
export interface LoadedKubeconfig {
  /** The files that were read, in merge order. */
  files: string[];
  /** The kubeconfig's own `current-context` (the first file that sets one wins). */
  currentContext?: string;
  contexts: ContextInfo[];
  clusters: Cluster[];
  users: User[];
  rawContexts: Context[];
  /** The directory of the file each user came from, to resolve relative plugin paths. */
  userDirs: Map<string, string>;
}

/** Where to look; every field defaults to this process's environment. */
export interface KubeconfigEnv {
  /** The `freelms.kube.kubeconfig` setting: one explicit file, which wins over `KUBECONFIG`. */
  kubeconfigPath?: string;
  env?: NodeJS.ProcessEnv;
  home?: string;
  platform?: NodeJS.Platform;
}

function candidateFiles(opts: KubeconfigEnv): { files: string[]; origin: string } {
  const env = opts.env ?? process.env;
  const platform = opts.platform ?? process.platform;
  if (opts.kubeconfigPath) {
    return { files: [opts.kubeconfigPath], origin: 'the freelms.kube.kubeconfig setting' };
  }
  if (env.KUBECONFIG) {
    const delimiter = platform === 'win32' ? ';' : ':';
    return { files: env.KUBECONFIG.split(delimiter).filter(Boolean), origin: 'KUBECONFIG' };
  }
  return {
    files: [path.join(opts.home ?? homedir(), '.kube', 'config')],
    origin: 'the default location',
  };
}

function authOf(user: User | undefined): AuthKind {
  if (!user) {
    return 'none';
  }
  if (user.exec) {
    return 'exec';
  }
  if (user.authProvider) {
    return 'authProvider';
  }
  if (user.token || (user as { tokenFile?: string }).tokenFile) {
    return 'token';
  }
  if (user.certData || user.certFile) {
    return 'certificate';
  }
  return user.username ? 'basic' : 'none';
}

/**
 * Reads and merges the user's kubeconfig files like kubectl: every file of `KUBECONFIG` in
 * order, missing ones skipped, the first definition of a name winning. Throws `noKubeconfig`
 * when no file exists and `badKubeconfig`, naming the file, when one cannot be parsed.
 */
export function loadKubeconfig(opts: KubeconfigEnv = {}): LoadedKubeconfig {
  const { files, origin } = candidateFiles(opts);
  const loaded: LoadedKubeconfig = {
    files: [],
    contexts: [],
    clusters: [],
    users: [],
    rawContexts: [],
    userDirs: new Map(),
  };

  for (const file of files) {
    if (!existsSync(file) || !statSync(file).isFile()) {
      continue;
    }
    const text = readFileSync(file, 'utf8');
    loaded.files.push(file);
    if (text.trim() === '') {
      continue;
    }
    const one = new KubeConfig();
    try {
      one.loadFromString(text);
      one.makePathsAbsolute(path.dirname(file));
    } catch (err) {
      const detail = (err as Error).message.split('\n')[0];
      throw new KubeError(
        'badKubeconfig',
        `The kubeconfig ${file} cannot be read: ${detail}`,
        {},
        { cause: err },
      );
    }
    const known = <T extends { name: string }>(list: T[], item: T) =>
      list.some((x) => x.name === item.name);
    for (const c of one.clusters ?? []) {
      if (!known(loaded.clusters, c)) loaded.clusters.push(c);
    }
    for (const u of one.users ?? []) {
      if (!known(loaded.users, u)) {
        loaded.users.push(u);
        loaded.userDirs.set(u.name, path.dirname(file));
      }
    }
    for (const c of one.contexts ?? []) {
      if (!known(loaded.rawContexts, c)) loaded.rawContexts.push(c);
    }
    loaded.currentContext ||= one.currentContext || undefined;
  }

  if (loaded.files.length === 0) {
    throw new KubeError(
      'noKubeconfig',
      `No kubeconfig found: looked for ${files.join(', ')} (from ${origin}). Create one with your ` +
        `cloud CLI (aws eks update-kubeconfig, gcloud container clusters get-credentials, ` +
        `az aks get-credentials) or set freelms.kube.kubeconfig.`,
    );
  }

  loaded.contexts = loaded.rawContexts.map((c) => {
    const user = loaded.users.find((u) => u.name === c.user);
    return {
      name: c.name,
      cluster: c.cluster,
      server: loaded.clusters.find((x) => x.name === c.cluster)?.server,
      user: c.user,
      namespace: c.namespace,
      auth: authOf(user),
      execCommand: user?.exec?.command,
    };
  });
  return loaded;
}

/** The context and namespace the Cluster view works on. */
export interface KubeSelection {
  context: string;
  namespace: string;
}

/** The namespace of the FreeLMS platform when the settings name none. */
export const DEFAULT_NAMESPACE = 'freelms';

/**
 * Picks the context and namespace: the settings' choice, else the kubeconfig's current context
 * (or its only one) and `freelms`. Throws `noContext` when the chosen context does not exist.
 */
export function chooseSelection(
  loaded: LoadedKubeconfig,
  settings: { context?: string; namespace?: string } = {},
): KubeSelection {
  const context = settings.context || loaded.currentContext || loaded.contexts[0]?.name;
  if (!context || !loaded.contexts.some((c) => c.name === context)) {
    const known = loaded.contexts.map((c) => c.name).join(', ') || 'none';
    throw new KubeError(
      'noContext',
      `The context ${context ?? '(none)'} is not in your kubeconfig (${loaded.files.join(', ')}). ` +
        `Known contexts: ${known}.`,
      { context },
    );
  }
  return { context, namespace: settings.namespace || DEFAULT_NAMESPACE };
}
