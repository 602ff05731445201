import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';

import { startSandbox, type Sandbox } from '../../../sandbox/index';

/** A raw websocket upgrade for `kubectl exec redis-0 -- hostname`, as kubectl opens one. */
function openExec(sandbox: Sandbox, pod = 'redis-0'): Promise<Socket> {
  const { hostname: host, port } = new URL(sandbox.endpoints.kubernetes);
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port: Number(port) }, () => {
      socket.write(
        `GET /api/v1/namespaces/freelms/pods/${pod}/exec?command=hostname&stdout=true HTTP/1.1\r\n` +
          `Host: ${host}:${port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
          `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n` +
          `Sec-WebSocket-Protocol: v5.channel.k8s.io\r\n\r\n`,
      );
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

async function stillAnswers(sandbox: Sandbox): Promise<void> {
  const response = await fetch(`${sandbox.endpoints.kubernetes}/api/v1/namespaces/freelms/pods`);
  assert.equal(response.status, 200);
}

/** `kubectl exec` under Kubernetes faults: the sandbox refuses, holds or delays the upgrade. */
describe('sandbox exec under faults', function () {
  this.timeout(20_000);
  let sandbox: Sandbox;

  beforeEach(async () => {
    sandbox = await startSandbox({});
  });
  afterEach(async () => {
    await sandbox?.stop();
  });

  for (const spec of [
    undefined,
    'kubernetes:exec:timeout',
    'kubernetes:exec:latency=2000',
    'kubernetes:exec:403',
  ]) {
    it(`lives on when a client resets the connection of an exec ${spec ? `under ${spec}` : 'of a pod that is not there'}`, async () => {
      if (spec) sandbox.faults.addSpec(spec);
      for (let i = 0; i < 20; i++) {
        const socket = await openExec(sandbox, spec ? 'redis-0' : 'no-such-pod');
        await new Promise((resolve) => setTimeout(resolve, 5));
        socket.resetAndDestroy();
      }
      // An unheard ECONNRESET would have ended this process by now.
      await new Promise((resolve) => setTimeout(resolve, 100));
      await stillAnswers(sandbox);
    });
  }

  it('stops at once with exec upgrades held or delayed by a fault', async () => {
    sandbox.faults.addSpec('kubernetes:exec:timeout:times=1');
    sandbox.faults.addSpec('kubernetes:exec:latency=15000');
    const held = await openExec(sandbox);
    const delayed = await openExec(sandbox);
    const closed = (socket: Socket) => new Promise((resolve) => socket.once('close', resolve));
    const bothClosed = Promise.all([closed(held), closed(delayed)]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    await sandbox.stop();
    await bothClosed;
    assert.ok(Date.now() - started < 3000, `stopped in ${Date.now() - started} ms`);
  });

  it('lets go of a held exec whose client half-closes', async () => {
    sandbox.faults.addSpec('kubernetes:exec:timeout');
    const socket = await openExec(sandbox);
    const closed = new Promise((resolve) => socket.once('close', resolve));
    socket.end();
    await closed;
  });
});
