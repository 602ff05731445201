import { userInfo } from 'node:os';

import * as v from 'valibot';
import * as vscode from 'vscode';

import type { Log } from '../../common/log';
import type { Incident } from '../../incident/model';
import type { IncidentStore } from '../../incident/store';
import { postIncidentDeadline } from '../../incident/postIncident';
import { timeZone } from '../settings';
import { renderPage, webviewOptions } from '../webviewHtml';
import { DraftWriter } from './draftWriter';
import { FromReportSchema, type ReportDraft, type ToReport } from './protocol';
import { draftTimeText, savedDataAtRisk, type ReportDrafts } from './reportDrafts';
import { reportEvents } from './reportEvents';

/**
 * `FreeLMS: Open Incident Report`: the incident's scope, impact, summary, root cause and
 * follow-ups in one form. Saving writes only what changed to the journal, so the timeline and
 * the postmortem follow. One form per incident. What is typed and not saved yet is kept as a
 * draft (see `ReportDrafts`) and offered again when the form is next opened: the page sends every
 * change, the panel holds the latest and writes it shortly after (see `DraftWriter`), and at once
 * when the tab is closed or the extension deactivates.
 */
export class ReportPanel implements vscode.Disposable {
  private static readonly open = new Map<string, ReportPanel>();
  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;
  /** Messages are handled one at a time, so a draft sent just before Save is not kept after it. */
  private handling: Promise<void> = Promise.resolve();
  /** The latest draft the page sent, written to the workspace state shortly after. */
  private readonly draft: DraftWriter<ReportDraft>;
  /** Once disposed: resolves when the draft held then is written. */
  private closed: Promise<void> | undefined;

  /**
   * Closes every open report, as the extension deactivates, and resolves once the drafts they
   * held are written.
   */
  static async disposeAll(): Promise<void> {
    const panels = [...ReportPanel.open.values()];
    for (const panel of panels) panel.dispose();
    await Promise.all(panels.map((panel) => panel.closed));
  }

  static async show(
    extensionUri: vscode.Uri,
    store: IncidentStore,
    drafts: ReportDrafts,
    incidentId: string,
    log: Log,
  ): Promise<void> {
    const existing = ReportPanel.open.get(incidentId);
    if (existing) {
      existing.panel.reveal();
      return;
    }
    const incident = await store.get(incidentId);
    const panel = vscode.window.createWebviewPanel(
      'freelms.incidentReport',
      `Report: ${incident?.title ?? incidentId}`,
      vscode.ViewColumn.Active,
      webviewOptions(extensionUri),
    );
    ReportPanel.open.set(incidentId, new ReportPanel(panel, store, drafts, incidentId, log));
    void drafts.prune(async (id) => (await store.get(id)) !== undefined);
    panel.webview.html = await renderPage(panel.webview, extensionUri, 'report');
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly store: IncidentStore,
    private readonly drafts: ReportDrafts,
    private readonly incidentId: string,
    private readonly log: Log,
  ) {
    panel.iconPath = new vscode.ThemeIcon('notebook');
    this.draft = new DraftWriter(
      async (values) => {
        const incident = await this.store.get(this.incidentId);
        if (incident) await this.drafts.keep(incident, values);
      },
      // The error is the workspace state's or the journal's; the draft itself is never logged.
      (error: unknown) =>
        this.log.warn(`the incident report's draft was not kept: ${(error as Error).message}`),
    );
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((message: unknown) => this.enqueue(message)),
      // A follow-up added, done or removed elsewhere (a command, the view, a saved postmortem)
      // shows at once; what is being typed stays, kept by the page.
      store.onDidChange((id) => {
        if (id === incidentId) this.enqueue({ type: 'ready' });
      }),
    );
  }

  private post(message: ToReport): void {
    if (!this.disposed) void this.panel.webview.postMessage(message);
  }

  private enqueue(message: unknown): void {
    this.handling = this.handling
      .then(() => this.receive(message))
      .catch((error: unknown) =>
        this.log.warn(`the incident report failed a step: ${(error as Error).message}`),
      );
  }

  private async receive(raw: unknown): Promise<void> {
    const parsed = v.safeParse(FromReportSchema, raw);
    if (!parsed.success) {
      this.log.warn(
        `ignored an invalid message from the incident report: ${v.summarize(parsed.issues)}`,
      );
      return;
    }
    if (parsed.output.type === 'draft') {
      // Held at once, so closing the tab right after still keeps it; written shortly after.
      // Never logged: a draft may hold anything pasted in, a secret included.
      this.draft.hold(parsed.output.draft);
      return;
    }
    if (parsed.output.type === 'discard') {
      await this.draft.drop();
      await this.drafts.clear(this.incidentId);
      return;
    }
    const incident = await this.store.get(this.incidentId);
    if (!incident) {
      this.post({
        type: 'failed',
        message: `The incident ${this.incidentId} is no longer in the journal folder.`,
      });
      return;
    }
    if (parsed.output.type === 'ready') {
      // The draft restored is the latest: one held and not written yet is written first.
      await this.draft.flush();
      const draft = await this.drafts.restore(incident);
      this.post({
        type: 'init',
        incidentId: incident.id,
        title: incident.title,
        report: {
          services: incident.services,
          usersImpacted: incident.usersImpacted ?? '',
          dataAtRisk: savedDataAtRisk(incident),
          impact: incident.impact ?? '',
          summary: incident.summary ?? '',
          rootCause: incident.rootCause ?? '',
        },
        followUps: incident.followUps.map((followUp) => ({
          id: followUp.id,
          text: followUp.text,
          owner: followUp.owner,
          due: followUp.due,
          done: followUp.done,
          issueUrl: followUp.issueUrl,
        })),
        deadline: deadlineText(incident),
        ...(draft && {
          draft: { values: draft.values, when: draftTimeText(draft.at, new Date(), timeZone()) },
        }),
      });
      return;
    }
    try {
      const events = reportEvents(incident, parsed.output.report, userInfo().username);
      if (events.length) await this.store.append(incident.id, events);
      // The page sends back what it still holds unsaved (a follow-up half typed) after this. A
      // draft sent before the Save is dropped, held or being written, so none outlives it.
      await this.draft.drop();
      await this.drafts.clear(incident.id);
      this.post({ type: 'saved', changes: events.length });
      // Show the follow-ups as the journal now has them, with their ids for ticking.
      await this.receive({ type: 'ready' });
    } catch (error) {
      this.post({ type: 'failed', message: (error as Error).message });
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    ReportPanel.open.delete(this.incidentId);
    this.panel.dispose();
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
    // The tab is gone, but what was typed up to its last keystroke is kept: the held draft is
    // written now, after the messages already received, so a Save among them still clears it.
    this.closed = this.handling.then(() => this.draft.flush());
  }
}

/** `due in 41 h, by 2026-12-05 11:10 (Europe/Berlin)` once resolved. */
function deadlineText(incident: Incident): string | undefined {
  const deadline = postIncidentDeadline(incident, new Date(), timeZone());
  return deadline && `${deadline.text}, ${deadline.byText}`;
}
