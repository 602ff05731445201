import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';

import { connect } from '../../../src/platform/kube/connection';
import { loadKubeconfig } from '../../../src/platform/kube/kubeconfig';
import { memoryLog, tempDir } from './helpers/fakeApi';

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;

describe('a certificate user against an https API server', function () {
  let tmp: ReturnType<typeof tempDir>;
  let server: https.Server;
  let url: string;
  let seenClient: string | undefined;

  before(function () {
    if (!hasOpenssl) this.skip();
    this.timeout(20_000);
    tmp = tempDir();
    const run = (...args: string[]) => {
      const r = spawnSync('openssl', args, { cwd: tmp.dir });
      assert.equal(r.status, 0, r.stderr.toString());
    };
    run(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=freelms-test-ca',
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
    );
    tmp.write('server.ext', 'subjectAltName=IP:127.0.0.1\n');
    for (const [name, cn] of [
      ['server', '127.0.0.1'],
      ['client', 'oncall@freelms'],
    ] as const) {
      run(
        'req',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-subj',
        `/CN=${cn}`,
        '-keyout',
        `${name}.key`,
        '-out',
        `${name}.csr`,
      );
      const ext = name === 'server' ? ['-extfile', 'server.ext'] : [];
      run(
        'x509',
        '-req',
        '-in',
        `${name}.csr`,
        '-CA',
        'ca.crt',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-days',
        '1',
        '-out',
        `${name}.crt`,
        ...ext,
      );
    }
  });

  beforeEach(async function () {
    if (!hasOpenssl) this.skip();
    const file = (name: string) => readFileSync(`${tmp.dir}/${name}`);
    server = https.createServer(
      {
        key: file('server.key'),
        cert: file('server.crt'),
        ca: file('ca.crt'),
        requestCert: true,
        rejectUnauthorized: true,
      },
      (req, res) => {
        seenClient = (req.socket as TLSSocket).getPeerCertificate().subject?.CN as
          string | undefined;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ kind: 'PodList', metadata: {}, items: [] }));
      },
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  });

  after(() => tmp?.dispose());

  it('authenticates with the client certificate and trusts the CA, paths relative to the kubeconfig', async () => {
    const kubeconfig = tmp.write(
      'config',
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        '- name: kind-local',
        '  cluster:',
        `    server: ${url}`,
        '    certificate-authority: ca.crt',
        'users:',
        '- name: kind-local',
        '  user:',
        '    client-certificate: client.crt',
        '    client-key: client.key',
        'contexts:',
        '- name: kind-local',
        '  context: {cluster: kind-local, user: kind-local}',
        'current-context: kind-local',
      ].join('\n'),
    );
    const loaded = loadKubeconfig({ kubeconfigPath: kubeconfig });
    const conn = connect(
      loaded,
      { context: 'kind-local', namespace: 'freelms' },
      { log: memoryLog().log },
    );

    const list = await conn.getJson<{ kind: string }>(
      { verb: 'list', resource: 'pods' },
      '/api/v1/namespaces/freelms/pods',
    );
    await conn.call({ verb: 'list', resource: 'pods' }, () =>
      conn.core.listNamespacedPod({ namespace: 'freelms' }),
    );

    assert.equal(list.kind, 'PodList');
    assert.equal(seenClient, 'oncall@freelms');
    assert.equal(loaded.contexts[0]!.auth, 'certificate');
  });
});
