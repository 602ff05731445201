import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { connect } from '../../../src/platform/kube/connection';
import type { KubeError } from '../../../src/platform/kube/errors';
import { findPlugin } from '../../../src/platform/kube/execPlugin';
import { chooseSelection, loadKubeconfig } from '../../../src/platform/kube/kubeconfig';
import { memoryLog, sendJson, startFakeApi, tempDir, tokenKubeconfig } from './helpers/fakeApi';
import type { FakeApi } from './helpers/fakeApi';

// Shaped like what `aws eks update-kubeconfig` writes for an aws-cn cluster, next to a token user.
const EKS = `apiVersion: v1
kind: Config
preferences: {}
clusters:
- cluster:
    certificate-authority-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==
    server: https://ABCDEF0123.sk1.cn-north-1.eks.amazonaws.com.cn
  name: arn:aws-cn:eks:cn-north-1:111122223333:cluster/freelms-prod
contexts:
- context:
    cluster: arn:aws-cn:eks:cn-north-1:111122223333:cluster/freelms-prod
    user: arn:aws-cn:eks:cn-north-1:111122223333:cluster/freelms-prod
  name: freelms-prod
- context:
    cluster: arn:aws-cn:eks:cn-north-1:111122223333:cluster/freelms-prod
    user: ci-robot
    namespace: ci
  name: freelms-prod-ci
current-context: freelms-prod
users:
- name: arn:aws-cn:eks:cn-north-1:111122223333:cluster/freelms-prod
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1alpha1
      args: [--region, cn-north-1, eks, get-token, --cluster-name, freelms-prod]
      command: aws
      env: null
- name: ci-robot
  user:
    token: ci.robot.token
`;

// Shaped like what `gcloud container clusters get-credentials` writes since kubectl 1.26.
const GKE = `apiVersion: v1
kind: Config
clusters:
- name: gke_freelms_europe-west1_staging
  cluster:
    server: https://203.0.113.20
    certificate-authority-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==
- name: arn:aws-cn:eks:cn-north-1:111122223333:cluster/freelms-prod
  cluster:
    server: https://shadowed.example.test
contexts:
- name: gke_freelms_europe-west1_staging
  context:
    cluster: gke_freelms_europe-west1_staging
    user: gke_freelms_europe-west1_staging
- name: kind-local
  context:
    cluster: kind-local
    user: kind-local
current-context: gke_freelms_europe-west1_staging
users:
- name: gke_freelms_europe-west1_staging
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      args: null
      command: gke-gcloud-auth-plugin
      env: null
      installHint: Install gke-gcloud-auth-plugin for use with kubectl by following
        https://cloud.google.com/blog/products/containers-kubernetes/kubectl-auth-changes-in-gke
      interactiveMode: IfAvailable
      provideClusterInfo: true
- name: kind-local
  user:
    client-certificate: certs/client.crt
    client-key: certs/client.key
`;

describe('kubeconfig loading', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(() => tmp.dispose());

  it('merges every file of KUBECONFIG like kubectl: first definition and first current-context win', () => {
    const eks = tmp.write('eks.yaml', EKS);
    const gke = tmp.write('gke.yaml', GKE);
    const missing = path.join(tmp.dir, 'gone.yaml');
    const loaded = loadKubeconfig({
      env: { KUBECONFIG: [eks, missing, gke].join(':') },
      platform: 'linux',
    });

    assert.deepEqual(loaded.files, [eks, gke]);
    assert.equal(loaded.currentContext, 'freelms-prod');
    assert.deepEqual(
      loaded.contexts.map((c) => [c.name, c.auth, c.execCommand ?? '']),
      [
        ['freelms-prod', 'exec', 'aws'],
        ['freelms-prod-ci', 'token', ''],
        ['gke_freelms_europe-west1_staging', 'exec', 'gke-gcloud-auth-plugin'],
        ['kind-local', 'certificate', ''],
      ],
    );
    const prod = loaded.contexts[0]!;
    assert.equal(prod.server, 'https://ABCDEF0123.sk1.cn-north-1.eks.amazonaws.com.cn');
    assert.equal(loaded.contexts[1]!.namespace, 'ci');
  });

  it('resolves a certificate user’s relative file paths against its kubeconfig’s folder', () => {
    const gke = tmp.write('gke.yaml', GKE);
    const loaded = loadKubeconfig({ kubeconfigPath: gke });
    const user = loaded.users.find((u) => u.name === 'kind-local')!;
    assert.equal(user.certFile, path.join(tmp.dir, 'certs', 'client.crt'));
  });

  it('says which file is malformed', () => {
    const bad = tmp.write(
      'broken.yaml',
      'apiVersion: v1\nclusters:\n  - name: x\n   server: [unclosed\n',
    );
    assert.throws(
      () => loadKubeconfig({ env: { KUBECONFIG: bad } }),
      (e: KubeError) => e.kind === 'badKubeconfig' && e.message.includes(bad),
    );
  });

  it('says there is no kubeconfig and where it looked', () => {
    assert.throws(
      () => loadKubeconfig({ env: {}, home: tmp.dir }),
      (e: KubeError) =>
        e.kind === 'noKubeconfig' && e.message.includes(path.join(tmp.dir, '.kube', 'config')),
    );
  });

  it('chooses the context from settings, else the current context, and the freelms namespace', () => {
    const loaded = loadKubeconfig({ kubeconfigPath: tmp.write('eks.yaml', EKS) });
    assert.deepEqual(chooseSelection(loaded), { context: 'freelms-prod', namespace: 'freelms' });
    assert.deepEqual(chooseSelection(loaded, { context: 'freelms-prod-ci', namespace: 'lms' }), {
      context: 'freelms-prod-ci',
      namespace: 'lms',
    });
    assert.throws(
      () => chooseSelection(loaded, { context: 'prod' }),
      (e: KubeError) => e.kind === 'noContext' && /freelms-prod, freelms-prod-ci/.test(e.message),
    );
  });
});

describe('connecting to a context', () => {
  let tmp: ReturnType<typeof tempDir>;
  let api: FakeApi;
  beforeEach(async () => {
    tmp = tempDir();
    api = await startFakeApi((_req, res) =>
      sendJson(res, 200, { kind: 'PodList', metadata: {}, items: [] }),
    );
  });
  afterEach(async () => {
    tmp.dispose();
    await api.close();
  });

  it('talks to an http:// server with a token user and leaves the kubeconfig file untouched', async () => {
    const file = tmp.write('config', tokenKubeconfig(api.url));
    const before = readFileSync(file, 'utf8');
    const loaded = loadKubeconfig({ kubeconfigPath: file });
    const conn = connect(
      loaded,
      { context: 'sandbox', namespace: 'freelms' },
      { log: memoryLog().log },
    );

    await conn.call({ verb: 'list', resource: 'pods' }, () =>
      conn.core.listNamespacedPod({ namespace: 'freelms' }),
    );

    assert.equal(api.requests[0]!.url.pathname, '/api/v1/namespaces/freelms/pods');
    assert.equal(api.requests[0]!.headers.authorization, 'Bearer sandbox-token');
    assert.equal(readFileSync(file, 'utf8'), before);
  });

  it('finds the aws plugin in ~/.local/bin when VS Code was started from a launcher with a short PATH', async () => {
    const home = tmp.dir;
    mkdirSync(path.join(home, '.local', 'bin'), { recursive: true });
    tmp.write(
      '.local/bin/aws',
      '#!/bin/sh\necho \'{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential",' +
        '"status":{"token":"token-from-aws-plugin"}}\'\n',
      0o755,
    );
    const file = tmp.write(
      'config',
      EKS.replace('https://ABCDEF0123.sk1.cn-north-1.eks.amazonaws.com.cn', api.url),
    );
    const loaded = loadKubeconfig({ kubeconfigPath: file });
    const search = {
      env: { PATH: '/nonexistent' },
      home,
      root: path.join(home, 'root'),
      platform: 'linux' as const,
    };

    const conn = connect(loaded, chooseSelection(loaded), { log: memoryLog().log, search });
    await conn.call({ verb: 'list', resource: 'pods' }, () =>
      conn.core.listNamespacedPod({ namespace: 'freelms' }),
    );

    assert.equal(api.requests[0]!.headers.authorization, 'Bearer token-from-aws-plugin');
  });

  it('names the missing gke-gcloud-auth-plugin, the folders searched and the install hint', () => {
    const loaded = loadKubeconfig({ kubeconfigPath: tmp.write('gke.yaml', GKE) });
    const root = path.join(tmp.dir, 'root');
    const search = { env: { PATH: '' }, home: tmp.dir, root, platform: 'linux' as const };
    assert.throws(
      () => connect(loaded, chooseSelection(loaded), { log: memoryLog().log, search }),
      (e: KubeError) =>
        e.kind === 'execPluginMissing' &&
        e.message.includes('"gke-gcloud-auth-plugin"') &&
        e.message.includes(path.join(tmp.dir, 'google-cloud-sdk', 'bin')) &&
        e.message.includes(path.join(root, 'snap', 'bin')) &&
        e.message.includes('Install gke-gcloud-auth-plugin'),
    );
  });

  it('reports an expired login when the credential plugin fails', async () => {
    tmp.write(
      'aws',
      '#!/bin/sh\necho "Error when retrieving token from sso: Token has expired and refresh failed" >&2\nexit 255\n',
      0o755,
    );
    const file = tmp.write(
      'config',
      EKS.replace('https://ABCDEF0123.sk1.cn-north-1.eks.amazonaws.com.cn', api.url),
    );
    const loaded = loadKubeconfig({ kubeconfigPath: file });
    const search = {
      env: { PATH: tmp.dir },
      home: tmp.dir,
      root: path.join(tmp.dir, 'root'),
      platform: 'linux' as const,
    };
    const { log, lines } = memoryLog();
    const conn = connect(loaded, chooseSelection(loaded), { log, search });

    await assert.rejects(
      conn.call({ verb: 'list', resource: 'pods' }, () =>
        conn.core.listNamespacedPod({ namespace: 'freelms' }),
      ),
      (e: KubeError) => e.kind === 'credentials' && /Token has expired/.test(e.message),
    );
    assert.equal(api.requests.length, 0);
    assert.match(lines.join('\n'), /list pods in freelms on freelms-prod .* failed after \d+ ms/);
  });

  it('says a credential plugin waiting for an interactive login is stuck instead of hanging', async () => {
    tmp.write(
      'kubelogin',
      '#!/bin/sh\necho "To sign in, open https://microsoft.com/devicelogin" >&2\n/bin/sleep 2\n',
      0o755,
    );
    const file = tmp.write(
      'config',
      tokenKubeconfig(api.url, 'aks').replace(
        '    token: sandbox-token',
        '    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n' +
          '      command: kubelogin\n      args: [get-token]',
      ),
    );
    const loaded = loadKubeconfig({ kubeconfigPath: file });
    const search = { env: { PATH: tmp.dir }, home: tmp.dir, root: path.join(tmp.dir, 'root') };
    const conn = connect(loaded, chooseSelection(loaded), {
      log: memoryLog().log,
      search,
      authTimeoutMs: 200,
    });

    await assert.rejects(
      conn.call({ verb: 'list', resource: 'pods' }, () =>
        conn.core.listNamespacedPod({ namespace: 'freelms' }),
      ),
      (e: KubeError) =>
        e.kind === 'credentials' && /waiting for an interactive login/.test(e.message),
    );
    assert.equal(api.requests.length, 0);
  });

  it('finds a plugin named by a path relative to its kubeconfig', () => {
    tmp.write('kubelogin', '#!/bin/sh\n', 0o755);
    const lookup = findPlugin('./kubelogin', { kubeconfigDir: tmp.dir });
    assert.equal(lookup.found, path.join(tmp.dir, 'kubelogin'));
  });
});
