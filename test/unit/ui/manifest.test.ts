import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import { Commands, ContextKeys, SETTINGS_SECTION, Views } from '../../../src/ui/ids';

const manifest = JSON.parse(
  readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'),
);

describe('the extension manifest', () => {
  it('contributes exactly the commands the code registers, each in the FreeLMS category', () => {
    const contributed = manifest.contributes.commands
      .map((entry: { command: string }) => entry.command)
      .sort();
    assert.deepEqual(contributed, Object.values(Commands).sort());
    for (const entry of manifest.contributes.commands) assert.equal(entry.category, 'FreeLMS');
  });

  it('puts the Incidents, Cluster and Diagnostics views in the FreeLMS activity-bar container', () => {
    assert.deepEqual(
      manifest.contributes.viewsContainers.activitybar.map((c: { id: string }) => c.id),
      [Views.container],
    );
    const views = manifest.contributes.views[Views.container].map(
      (view: { id: string }) => view.id,
    );
    assert.deepEqual(views, [Views.incidents, Views.cluster, Views.diagnostics]);
  });

  it('gives every view welcome content guarded by a context key the code sets', () => {
    const keys = new Set(Object.values(ContextKeys));
    for (const view of [Views.incidents, Views.cluster, Views.diagnostics]) {
      const welcome = manifest.contributes.viewsWelcome.find(
        (entry: { view: string }) => entry.view === view,
      );
      assert.ok(welcome, `${view} has welcome content`);
      const used = [...welcome.when.matchAll(/freelms:\w+/g)].map((match) => match[0]);
      for (const key of used) assert.ok(keys.has(key), `${key} is a known context key`);
    }
  });

  it('activates lazily, never on startup', () => {
    assert.ok(!manifest.activationEvents.includes('*'));
    assert.ok(!manifest.activationEvents.includes('onStartupFinished'));
  });

  it('names every setting freelms.<area>.<name> and describes it', () => {
    const properties = manifest.contributes.configuration.properties;
    for (const [name, setting] of Object.entries<{ markdownDescription?: string }>(properties)) {
      assert.match(name, new RegExp(`^${SETTINGS_SECTION}\\.[a-z][a-zA-Z]*\\.[a-z][a-zA-Z]*$`));
      assert.ok(setting.markdownDescription, `${name} is described`);
    }
  });

  it('keeps secrets out of the settings: tokens and passwords live in secret storage', () => {
    const names = Object.keys(manifest.contributes.configuration.properties);
    assert.deepEqual(
      names.filter((name) => /token|password|secret/i.test(name)),
      [],
    );
  });
});
