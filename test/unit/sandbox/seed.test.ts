import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { SandboxClock } from '../../../sandbox/kube/clock';
import { loadSeed } from '../../../sandbox/kube/seed';
import { ObjectStore } from '../../../sandbox/kube/store';

const bareCrashingPod = {
  metadata: { name: 'argocd-repo-server-7d9f', namespace: 'argocd' },
  spec: { containers: [{ name: 'repo-server', image: 'argoproj/argocd:v2.9.0' }] },
  status: { phase: 'Running' },
};

describe('sandbox --seed with captured objects as people paste them', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'freelms-seed-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('loads a pod printed without kind or apiVersion, recognised by its containers', () => {
    writeFileSync(join(dir, 'pod.json'), JSON.stringify(bareCrashingPod));
    const store = new ObjectStore(new SandboxClock(1), 1000);
    assert.equal(loadSeed(store, dir), 1);
    assert.ok(store.get('pods', 'argocd', 'argocd-repo-server-7d9f'));
  });

  it('says when a later file replaces an object of the same name, and skips what it cannot tell', () => {
    writeFileSync(join(dir, 'a.json'), JSON.stringify(bareCrashingPod));
    writeFileSync(join(dir, 'b.json'), JSON.stringify(bareCrashingPod));
    writeFileSync(join(dir, 'c.json'), JSON.stringify({ metadata: { name: 'mystery' }, data: {} }));
    const warnings: string[] = [];
    loadSeed(new ObjectStore(new SandboxClock(1), 1000), dir, (message) => warnings.push(message));
    assert.ok(
      warnings.some(
        (w) => w.includes('b.json') && w.includes('replaces the one from') && w.includes('a.json'),
      ),
    );
    assert.ok(warnings.some((w) => w.includes('c.json') && w.includes('skipped')));
  });

  it('names the file that does not parse', () => {
    writeFileSync(join(dir, 'broken.json'), '{ "metadata": ');
    assert.throws(
      () => loadSeed(new ObjectStore(new SandboxClock(1), 1000), dir),
      /broken\.json: not valid JSON/,
    );
  });
});
