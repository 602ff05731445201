import assert from 'node:assert/strict';

import type { DeliveryState } from '../../../src/incident/deliveries';
import { IncidentStore } from '../../../src/incident/store';
import type { DeclareForm, DeclareStep } from '../../../src/ui/declare/protocol';
import { declareFromForm, type DeclareDelivery } from '../../../src/ui/incidents/declareIncident';
import { tempFolder } from '../incident/helpers';

const form: DeclareForm = {
  title: 'Checkout fails',
  severity: 'P3',
  publicTitle: '',
  description: '',
  affectedServices: ['payment-service'],
  usersImpacted: '',
  dataAtRisk: 'no',
  commander: 'dana',
  technicalLead: '',
  communications: '',
  createSlackChannel: false,
  pagePagerDuty: true,
  publishStatusPage: false,
};

describe('the Declare Incident form following its deliveries', () => {
  let folder: Awaited<ReturnType<typeof tempFolder>>;
  beforeEach(async () => {
    folder = await tempFolder('declare-follow');
  });
  afterEach(async () => {
    await folder.remove();
  });

  it('shows PagerDuty paged when another window’s outbox delivered it, seen in the journal', async () => {
    const store = await IncidentStore.open({ folder: folder.path, timeZone: 'UTC' });
    let status: DeliveryState['status'] = 'pending';
    // This window's outbox never delivers (another window holds the delivery lock): only the
    // journal changes, when the other window journals what it sent.
    const delivery: DeclareDelivery = {
      unconfigured: async () => ({}),
      deliveries: async () => [
        { target: 'pagerduty', op: 'pd.create', status, attempts: 1 } as DeliveryState,
      ],
      onDidChange: () => ({ dispose: () => undefined }),
    };
    const reports: DeclareStep[][] = [];
    let declared = '';
    const handler = declareFromForm(
      store,
      delivery,
      () => 'dana',
      (id) => (declared = id),
      5_000,
    );
    await handler(form, (steps) => reports.push(steps.map((step) => ({ ...step }))));
    const paging = () => reports.at(-1)!.find((step) => step.name === 'Page PagerDuty')!;
    assert.equal(paging().state, 'pending');

    status = 'sent';
    await store.append(declared, { type: 'note', text: 'the other window paged PagerDuty' });
    const deadline = Date.now() + 3_000;
    while (paging().state === 'pending' && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(paging().state, 'done');
  });
});
