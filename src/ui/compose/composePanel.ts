import { userInfo } from 'node:os';

import * as v from 'valibot';
import * as vscode from 'vscode';

import type { Log } from '../../common/log';
import type { Incident } from '../../incident/model';
import type { IncidentStore } from '../../incident/store';
import { customerUpdateMessage, declarationMessage } from '../../incident/templates';
import { SETTINGS_SECTION } from '../ids';
import { renderPage, webviewOptions } from '../webviewHtml';
import {
  FromComposerSchema,
  type TemplateId,
  type TemplateOffer,
  type ToComposer,
} from './protocol';

/** The templates filled from the incident as it stands now, in Slack's format. */
export function templateOffers(incident: Incident): TemplateOffer[] {
  const config = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  const options = {
    format: 'slack' as const,
    channelPrefix: config.get<string>('slack.channelPrefix', 'incident-'),
  };
  return [
    {
      id: 'internal',
      label: 'Internal update',
      hint: 'Posted in the incident channel for the responders.',
      text: declarationMessage(incident, options).replace(
        /^\*🚨 INCIDENT DECLARED/,
        '*🚨 INCIDENT UPDATE',
      ),
    },
    {
      id: 'customer',
      label: 'Customer update',
      hint: 'What customers read: posted in the channel and on the status page, and counted as the customer update.',
      text: customerUpdateMessage(incident, options),
    },
  ];
}

/**
 * `FreeLMS: Post Update`: a template filled from the incident, edited with a live preview, then
 * written to the timeline as `update.posted`, from where the outbox posts it to Slack. One
 * composer per incident.
 */
export class ComposePanel implements vscode.Disposable {
  private static readonly open = new Map<string, ComposePanel>();
  private readonly disposables: vscode.Disposable[] = [];

  static async show(
    extensionUri: vscode.Uri,
    store: IncidentStore,
    incident: Incident,
    slackUnavailable: () => Promise<string | undefined>,
    log: Log,
  ): Promise<void> {
    const existing = ComposePanel.open.get(incident.id);
    if (existing) {
      existing.panel.reveal();
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      'freelms.postUpdate',
      `Update: ${incident.title}`,
      vscode.ViewColumn.Active,
      webviewOptions(extensionUri),
    );
    const composer = new ComposePanel(panel, store, incident.id, slackUnavailable, log);
    ComposePanel.open.set(incident.id, composer);
    panel.webview.html = await renderPage(panel.webview, extensionUri, 'compose');
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly store: IncidentStore,
    private readonly incidentId: string,
    private readonly slackUnavailable: () => Promise<string | undefined>,
    private readonly log: Log,
  ) {
    panel.iconPath = new vscode.ThemeIcon('megaphone');
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((message: unknown) => void this.receive(message)),
    );
  }

  private post(message: ToComposer): void {
    void this.panel.webview.postMessage(message);
  }

  private async receive(raw: unknown): Promise<void> {
    const parsed = v.safeParse(FromComposerSchema, raw);
    if (!parsed.success) {
      this.log.warn(
        `ignored an invalid message from the update composer: ${v.summarize(parsed.issues)}`,
      );
      return;
    }
    const message = parsed.output;
    const incident = await this.store.get(this.incidentId);
    if (!incident) {
      this.post({
        type: 'failed',
        message: `The incident ${this.incidentId} is no longer in the journal folder.`,
      });
      return;
    }
    if (message.type === 'ready') {
      const reason = await this.slackUnavailable();
      this.post({
        type: 'init',
        incidentId: incident.id,
        title: incident.title,
        templates: templateOffers(incident),
        slack: !reason,
        slackReason: reason,
      });
      return;
    }
    try {
      await postUpdate(this.store, incident.id, message.template, message.text);
      this.post({
        type: 'sent',
        timelineEntry: `${message.template === 'customer' ? 'Customer' : 'Internal'} update posted`,
      });
    } catch (error) {
      this.post({ type: 'failed', message: (error as Error).message });
    }
  }

  dispose(): void {
    ComposePanel.open.delete(this.incidentId);
    this.panel.dispose();
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }
}

/** Writes the update to the timeline; the outbox takes it to Slack (and PagerDuty as a note). */
export async function postUpdate(
  store: IncidentStore,
  id: string,
  template: TemplateId,
  text: string,
): Promise<void> {
  await store.append(id, {
    type: 'update.posted',
    audience: template,
    text,
    by: userInfo().username,
  });
}
