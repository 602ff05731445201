import * as v from 'valibot';
import * as vscode from 'vscode';

import type { Log } from '../../common/log';
import { renderPage, webviewOptions } from '../webviewHtml';
import {
  FromFormSchema,
  type DeclareForm,
  type DeclareStep,
  type SeverityOption,
  type ToForm,
} from './protocol';

export const DECLARE_VIEW_TYPE = 'freelms.declareIncident';

/** What the form offers; gathered when the form opens, so it reflects the cluster and settings now. */
export interface DeclareOffer {
  severities: SeverityOption[];
  services: string[];
  commander: string;
  integrations: { slack: boolean; pagerduty: boolean; statusPage: boolean };
}

/**
 * Declares the incident from a validated form. Reports each delivery step as it settles and
 * resolves with the new incident's id once the incident is written locally.
 */
export type DeclareHandler = (
  form: DeclareForm,
  report: (steps: DeclareStep[]) => void,
) => Promise<string>;

/**
 * The Declare Incident form. One at a time: running the command again reveals the open form.
 * The page keeps what was typed in its webview state, so a reload or a hidden tab loses nothing.
 */
export class DeclarePanel implements vscode.Disposable {
  private static current: DeclarePanel | undefined;

  private readonly disposables: vscode.Disposable[] = [];

  private submitting = false;
  private disposed = false;
  private declared = false;

  static async show(
    extensionUri: vscode.Uri,
    offer: () => Promise<DeclareOffer>,
    declare: DeclareHandler,
    log: Log,
  ): Promise<DeclarePanel> {
    // A form whose incident was declared has done its job: the next declaration gets a new one.
    if (DeclarePanel.current?.declared) DeclarePanel.current.dispose();
    if (DeclarePanel.current) {
      DeclarePanel.current.panel.reveal();
      return DeclarePanel.current;
    }
    const panel = vscode.window.createWebviewPanel(
      DECLARE_VIEW_TYPE,
      'Declare Incident',
      vscode.ViewColumn.Active,
      webviewOptions(extensionUri),
    );
    return DeclarePanel.adopt(panel, extensionUri, offer, declare, log);
  }

  /** Takes over a panel VS Code restored after a reload. */
  static async adopt(
    panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    offer: () => Promise<DeclareOffer>,
    declare: DeclareHandler,
    log: Log,
  ): Promise<DeclarePanel> {
    panel.webview.options = webviewOptions(extensionUri);
    const form = new DeclarePanel(panel, offer, declare, log);
    DeclarePanel.current = form;
    panel.webview.html = await renderPage(panel.webview, extensionUri, 'declare');
    return form;
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly offer: () => Promise<DeclareOffer>,
    private readonly declare: DeclareHandler,
    private readonly log: Log,
  ) {
    panel.iconPath = new vscode.ThemeIcon('flame');
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((message: unknown) => void this.receive(message)),
    );
  }

  private post(message: ToForm): void {
    // Deliveries are followed after the form may have been closed.
    if (this.disposed) return;
    void this.panel.webview.postMessage(message);
  }

  private async receive(raw: unknown): Promise<void> {
    const parsed = v.safeParse(FromFormSchema, raw);
    if (!parsed.success) {
      // The page validates before sending; an invalid message is a bug in the page, not the user's.
      this.log.warn(
        `ignored an invalid message from the Declare Incident form: ${v.summarize(parsed.issues)}`,
      );
      return;
    }
    const message = parsed.output;
    if (message.type === 'ready') {
      if (message.submitted) this.declared = true;
      const offer = await this.offer();
      this.post({
        type: 'init',
        severities: offer.severities,
        services: offer.services,
        defaults: { commander: offer.commander },
        integrations: offer.integrations,
      });
    } else if (message.type === 'cancel') {
      this.panel.dispose();
    } else if (!this.submitting && !this.declared) {
      // One form declares one incident, whatever the page sends after it did.
      await this.submit(message.form);
    }
  }

  private async submit(form: DeclareForm): Promise<void> {
    this.submitting = true;
    try {
      const id = await this.declare(form, (steps) => this.post({ type: 'progress', steps }));
      this.declared = true;
      this.post({ type: 'declared', incidentId: id });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.log.error(`declaring "${form.title}" failed: ${message}`);
      this.post({ type: 'failed', message });
    } finally {
      this.submitting = false;
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (DeclarePanel.current === this) DeclarePanel.current = undefined;
    this.panel.dispose();
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }
}
