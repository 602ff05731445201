import assert from 'node:assert/strict';

import { looksLikeProduction } from '../../../src/ui/mitigation/production';

describe('which contexts look like production', () => {
  it('takes prod, production and prd as words of the name', () => {
    for (const name of ['prod', 'gke_acme_europe-west1_prod', 'prd-eu-1', 'Production', 'eks:prod'])
      assert.equal(looksLikeProduction(name), true, name);
  });

  it('leaves other names alone, words merely containing prod included', () => {
    for (const name of ['freelms-sandbox', 'staging', 'product-demo', 'nonprod', 'kind-dev'])
      assert.equal(looksLikeProduction(name), false, name);
  });
});
