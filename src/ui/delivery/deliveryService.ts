import * as vscode from 'vscode';

import type { Log } from '../../common/log';
import type { DeliveryState, Target } from '../../incident/deliveries';
import { Outbox, type OutboxConfig } from '../../incident/outbox';
import { PagerDutyClient } from '../../platform/pagerduty/client';
import type { StatusPageImpact } from '../../platform/statuspage/client';
import type { IncidentStore } from '../../incident/store';
import type { Credentials } from '../credentials';
import { SETTINGS_SECTION } from '../ids';

/** Why a service gets nothing, in words that say what to set; undefined when it is configured. */
export interface Unconfigured {
  pagerduty?: string;
  slack?: string;
  statusPage?: string;
}

/**
 * The outbox of this window, built from the `freelms.*` settings and the secret tokens, and
 * rebuilt when a delivery setting changes. Deliveries that were pending carry over: they live in
 * the journals, not here.
 */
export class DeliveryService implements vscode.Disposable {
  private outbox: Outbox;
  private readonly changed = new vscode.EventEmitter<string>();
  /** Fires with the id of an incident whose deliveries moved on. */
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private outboxSubscription: { dispose(): void } | undefined;

  constructor(
    private readonly store: IncidentStore,
    private readonly credentials: Credentials,
    private readonly log: Log,
  ) {
    this.outbox = this.create();
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((event) => {
        const areas = ['pagerduty', 'slack', 'dashboards', 'statusPage'].map(
          (area) => `${SETTINGS_SECTION}.${area}`,
        );
        if (areas.some((area) => event.affectsConfiguration(area))) void this.rebuild();
      }),
      credentials.onDidChange((name) => {
        if (name === 'pagerduty' || name === 'slack' || name === 'statusPage')
          void this.outbox.flush();
      }),
    );
  }

  private create(): Outbox {
    const outbox = new Outbox(
      this.store,
      outboxConfig(),
      async () => ({
        pagerduty: await this.credentials.get('pagerduty'),
        slack: await this.credentials.get('slack'),
        statusPage: await this.credentials.get('statusPage'),
      }),
      { log: this.log },
    );
    this.outboxSubscription = outbox.onDidChange((id) => this.changed.fire(id));
    outbox.start();
    return outbox;
  }

  private async rebuild(): Promise<void> {
    this.outboxSubscription?.dispose();
    await this.outbox.stop();
    this.outbox = this.create();
  }

  deliveries(id: string): Promise<DeliveryState[]> {
    return this.outbox.deliveries(id);
  }

  retry(id: string, key: string): Promise<void> {
    return this.outbox.retry(id, key);
  }

  flush(id?: string): Promise<void> {
    return this.outbox.flush(id);
  }

  /** What is missing for each service, for the declare form and the Deliveries rows. */
  async unconfigured(): Promise<Unconfigured> {
    const config = outboxConfig();
    const result: Unconfigured = {};
    if (!config.pagerduty) {
      result.pagerduty =
        'PagerDuty is not configured: set freelms.pagerduty.serviceIds and freelms.pagerduty.fromEmail';
    } else if (!(await this.credentials.get('pagerduty'))) {
      result.pagerduty = 'PagerDuty has no token: run FreeLMS: Set Credentials';
    }
    if (!(await this.credentials.get('slack'))) {
      result.slack = 'Slack has no token: run FreeLMS: Set Credentials';
    }
    if (!config.statusPage) {
      result.statusPage =
        'The status page is not configured: set freelms.statusPage.url and freelms.statusPage.pageId';
    } else if (!(await this.credentials.get('statusPage'))) {
      result.statusPage = 'The status page has no token: run FreeLMS: Set Credentials';
    }
    return result;
  }

  /**
   * A PagerDuty client for the commands that read PagerDuty directly (acknowledge, join), with
   * the configured services. Throws saying what to set when PagerDuty is not configured.
   */
  async pagerduty(): Promise<{ client: PagerDutyClient; serviceIds: string[] }> {
    const missing = (await this.unconfigured()).pagerduty;
    const config = outboxConfig().pagerduty;
    const token = await this.credentials.get('pagerduty');
    if (missing || !config || !token) throw new Error(missing ?? 'PagerDuty is not configured');
    const serviceIds = vscode.workspace
      .getConfiguration(SETTINGS_SECTION)
      .get<string[]>('pagerduty.serviceIds', []);
    return { client: new PagerDutyClient(config, token, this.log), serviceIds };
  }

  dispose(): void {
    this.outboxSubscription?.dispose();
    void this.outbox.stop();
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }
}

/** The outbox's configuration from the settings now. */
function outboxConfig(): OutboxConfig {
  const config = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  const apiUrl = config.get<string>('pagerduty.apiUrl', 'https://api.pagerduty.com');
  const serviceId = config.get<string[]>('pagerduty.serviceIds', [])[0];
  const from = config.get<string>('pagerduty.fromEmail', '');
  const statusPageUrl = config.get<string>('statusPage.url', '');
  const pageId = config.get<string>('statusPage.pageId', '');
  return {
    pagerduty:
      serviceId && from
        ? { region: /\.eu\./.test(apiUrl) ? 'eu' : 'us', baseUrl: apiUrl, from, serviceId }
        : undefined,
    slack: { apiUrl: config.get<string>('slack.apiUrl', 'https://slack.com/api/') },
    statusPage: statusPageUrl && pageId ? { baseUrl: statusPageUrl, pageId } : undefined,
    deliveries: {
      channelPrefix: config.get<string>('slack.channelPrefix', 'incident-'),
      responders: config.get<string[]>('slack.responders', []),
      grafanaUrl: config.get<string>('dashboards.grafanaUrl') || undefined,
      jaegerUrl: config.get<string>('dashboards.jaegerUrl') || undefined,
      statusPageImpact: config.get<StatusPageImpact>('statusPage.impact', 'major'),
    },
  };
}

/** The deliveries of one target, for the declare form's steps. */
export function ofTarget(states: readonly DeliveryState[], target: Target): DeliveryState[] {
  return states.filter((state) => state.target === target);
}
