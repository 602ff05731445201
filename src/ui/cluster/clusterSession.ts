import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

import * as vscode from 'vscode';

import type { Log } from '../../common/log';
import {
  ClusterModel,
  type ClusterChange,
  type ClusterState,
} from '../../platform/kube/clusterModel';
import { connect, type KubeConnection } from '../../platform/kube/connection';
import { KubeError } from '../../platform/kube/errors';
import {
  chooseSelection,
  loadKubeconfig,
  type LoadedKubeconfig,
} from '../../platform/kube/kubeconfig';
import { SETTINGS_SECTION } from '../ids';

/** The context and namespace chosen in the view for this workspace; settings give the default. */
const SELECTION_KEY = 'freelms.cluster.selection';

/** What the Cluster view shows at the top: where it is connected, or why it is not. */
export type SessionState =
  | { phase: 'connecting'; context?: string; namespace?: string }
  | { phase: 'live'; context: string; namespace: string }
  | { phase: 'retrying' | 'failed'; context?: string; namespace?: string; error: KubeError };

/**
 * One connection to the cluster for the whole extension: the Cluster view, the declare form's
 * service list and the mitigation commands share it. It reconnects when the kube settings or
 * the chosen context change, and never writes the user's kubeconfig.
 */
export class ClusterSession implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ClusterChange | undefined>();
  /** Fires with what changed in the model, or undefined when the connection state changed. */
  readonly onDidChange = this.changed.event;

  private current: { model: ClusterModel; connection: KubeConnection } | undefined;
  private currentState: SessionState = { phase: 'connecting' };
  private generation = 0;
  private readonly disposables: vscode.Disposable[] = [this.changed];

  constructor(
    private readonly memento: vscode.Memento,
    private readonly log: Log,
  ) {
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration(`${SETTINGS_SECTION}.kube`)) void this.restart();
      }),
    );
  }

  get state(): SessionState {
    return this.currentState;
  }

  get model(): ClusterModel | undefined {
    return this.current?.model;
  }

  get connection(): KubeConnection | undefined {
    return this.current?.connection;
  }

  /** The kubeconfig as the settings point at it; throws a `KubeError` naming the file. */
  kubeconfig(): LoadedKubeconfig {
    const path = vscode.workspace
      .getConfiguration(SETTINGS_SECTION)
      .get<string>('kube.kubeconfig', '');
    return loadKubeconfig({ kubeconfigPath: path ? settingPath(path) : undefined });
  }

  /** Switches context and namespace for this workspace, without touching the kubeconfig. */
  async select(selection: { context: string; namespace: string }): Promise<void> {
    await this.memento.update(SELECTION_KEY, selection);
    await this.restart();
  }

  private started: Promise<void> | undefined;

  /** Connects the first time anything needs the cluster; later calls wait for that. */
  ensureStarted(): Promise<void> {
    this.started ??= this.restart();
    return this.started;
  }

  /** Drops the current connection and connects again with the settings and selection now. */
  async restart(): Promise<void> {
    const generation = ++this.generation;
    const previous = this.current;
    this.current = undefined;
    await previous?.model.dispose();

    const config = vscode.workspace.getConfiguration(SETTINGS_SECTION);
    const chosen = this.memento.get<{ context: string; namespace: string }>(SELECTION_KEY);
    let connection: KubeConnection;
    try {
      const loaded = this.kubeconfig();
      const selection = chooseSelection(loaded, {
        context: chosen?.context ?? config.get<string>('kube.context', ''),
        namespace: chosen?.namespace ?? config.get<string>('kube.namespace', ''),
      });
      this.setState({ phase: 'connecting', ...selection });
      connection = connect(loaded, selection, { log: this.log });
    } catch (error) {
      this.setState({ phase: 'failed', error: asKubeError(error) });
      return;
    }

    const model = new ClusterModel(connection);
    this.current = { model, connection };
    const where = { context: connection.context, namespace: connection.namespace };
    model.onDidChangeState((state: ClusterState) => {
      if (generation !== this.generation) return;
      if (state.phase === 'live' || state.phase === 'connecting')
        this.setState({ ...where, phase: state.phase });
      else this.setState({ ...where, phase: state.phase, error: state.error });
    });
    model.onDidChange((change) => {
      if (generation === this.generation) this.changed.fire(change);
    });
    try {
      await model.start();
      if (generation === this.generation && this.currentState.phase === 'connecting') {
        this.setState({ ...where, phase: 'live' });
      }
    } catch (error) {
      if (generation === this.generation)
        this.setState({ ...where, phase: 'failed', error: asKubeError(error) });
    }
  }

  private setState(state: SessionState): void {
    this.currentState = state;
    if (state.phase === 'failed' || state.phase === 'retrying') {
      this.log.warn(
        `cluster ${state.context ?? '?'}/${state.namespace ?? '?'}: ${state.error.message}`,
      );
    }
    this.changed.fire(undefined);
  }

  dispose(): void {
    this.generation++;
    void this.current?.model.dispose();
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }
}

function asKubeError(error: unknown): KubeError {
  return error instanceof KubeError
    ? error
    : new KubeError('unknown', String((error as Error)?.message ?? error));
}

/** A path typed in a setting: `~` is the home folder, a relative path is the workspace's. */
function settingPath(path: string): string {
  const expanded = path === '~' || path.startsWith('~/') ? join(homedir(), path.slice(1)) : path;
  const workspace = vscode.workspace.workspaceFolders?.[0];
  if (isAbsolute(expanded) || !workspace || workspace.uri.scheme !== 'file') return expanded;
  return resolve(workspace.uri.fsPath, expanded);
}
