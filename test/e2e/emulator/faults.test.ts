import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openDriverSession, queryRows, startTestEmulator } from '../../helpers/emulator.js';
import type { RunningEmulator } from '../../helpers/emulator.js';
import { adminRequest, faultsFired, setFaults } from '../../helpers/emulator-faults.js';

type HttpError = Error & { statusCode?: number; response?: { errorMessage?: string } };

describe('injected faults as the driver sees them', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await startTestEmulator();
  });
  after(async () => emu?.stop());

  it('guards the admin endpoint with the admin secret', async () => {
    assert.equal((await adminRequest(emu, 'GET', '/__admin/faults', undefined)).status, 403);
    assert.equal((await adminRequest(emu, 'GET', '/__admin/faults', 'wrong')).status, 403);
    assert.equal((await adminRequest(emu, 'GET', '/__admin/faults', emu.adminSecret)).status, 200);
  });

  it('logs each statement with when it was accepted and when its result was whole', async () => {
    const before = Date.now();
    const driver = await openDriverSession(emu);
    try {
      await queryRows(driver.session, 'SELECT 41 + 1 AS answer');
    } finally {
      await driver.close();
    }
    assert.equal((await adminRequest(emu, 'GET', '/__admin/statements', undefined)).status, 403);
    const reply = await adminRequest(emu, 'GET', '/__admin/statements', emu.adminSecret);
    const statements = (reply.body as { statements: { sql: string; answeredAt?: number; finishedAt?: number }[] }).statements;
    const last = statements.at(-1)!;
    assert.equal(last.sql, 'SELECT 41 + 1 AS answer');
    assert.ok(last.answeredAt! >= before && last.answeredAt! <= Date.now(), 'answeredAt is when ExecuteStatement answered');
    assert.ok(last.finishedAt! >= before && last.finishedAt! <= Date.now(), 'finishedAt is when the result was whole');
  });

  it('cold start: OpenSession fails with HTTP 503 TEMPORARILY_UNAVAILABLE (the driver does not retry it)', async () => {
    await setFaults(emu, { coldStart: { unavailableSeconds: 30, retryAfterSeconds: 1 } });
    try {
      await assert.rejects(openDriverSession(emu), (e: HttpError) => e.statusCode === 503);
      assert.ok((await faultsFired(emu)).unavailable >= 1);
    } finally {
      await setFaults(emu, {});
    }
  });

  it('cold start: RPCs after OpenSession fail with "Session handle ... has not been initialized"', async () => {
    await setFaults(emu, { coldStart: { sessionNotReadySeconds: 30 } });
    const db = await openDriverSession(emu);
    try {
      await assert.rejects(queryRows(db.session, 'SELECT 1 AS one'), (e: HttpError) => /has not been initialized or had already closed/.test(e.message));
    } finally {
      await setFaults(emu, {});
      await db.close();
    }
  });

  it('429 on ExecuteStatement surfaces as an HTTP error (ExecuteStatement is not retried)', async () => {
    const db = await openDriverSession(emu);
    try {
      await setFaults(emu, { rateLimit: { count: 1, rpcs: ['ExecuteStatement'], retryAfterSeconds: 1 } });
      await assert.rejects(queryRows(db.session, 'SELECT 1 AS one'), (e: HttpError) => e.statusCode === 429);
      assert.deepEqual(await queryRows(db.session, 'SELECT 1 AS one'), [{ one: 1 }]);
    } finally {
      await setFaults(emu, {});
      await db.close();
    }
  });

  it('500 on a retried RPC (GetOperationStatus) is retried by the driver and the query succeeds', async () => {
    const db = await openDriverSession(emu, { retryDelayMin: 10, retryDelayMax: 50 });
    try {
      await setFaults(emu, { serverError: { count: 2, rpcs: ['GetOperationStatus'] }, slowQueryMs: 200 });
      assert.deepEqual(await queryRows(db.session, 'SELECT 1 AS one'), [{ one: 1 }]);
      assert.equal((await faultsFired(emu)).serverError, 2);
    } finally {
      await setFaults(emu, {});
      await db.close();
    }
  });

  it('a connection reset in the middle of FetchResults fails the fetch', async () => {
    const db = await openDriverSession(emu);
    try {
      await setFaults(emu, { connectionReset: { afterBytes: 100, count: 1, target: 'FetchResults' } });
      await assert.rejects(queryRows(db.session, 'SELECT * FROM range(200000)', { maxRows: 1000, useCloudFetch: false }), /Premature close/);
      assert.equal((await faultsFired(emu)).connectionReset, 1);
    } finally {
      await setFaults(emu, {});
      await db.close();
    }
  });

  it('added latency slows every request', async () => {
    const db = await openDriverSession(emu);
    try {
      await setFaults(emu, { latencyMs: 300 });
      const started = Date.now();
      await queryRows(db.session, 'SELECT 1 AS one');
      assert.ok(Date.now() - started >= 300);
    } finally {
      await setFaults(emu, {});
      await db.close();
    }
  });

  it('a reset CloudFetch download is retried by the driver and no row is lost', async () => {
    const big = await startTestEmulator({ cloudFetchThresholdRows: 1000, cloudFetchFileRows: 50_000 });
    const db = await openDriverSession(big, { retryDelayMin: 10, retryDelayMax: 50 });
    try {
      big.setFaults({ connectionReset: { afterBytes: 1000, count: 1, target: 'CloudFetch' } });
      const rows = await queryRows(db.session, 'SELECT * FROM range(200000)');
      assert.equal(rows.length, 200_000);
      assert.equal(big.faultsFired().connectionReset, 1);
    } finally {
      await db.close();
      await big.stop();
    }
  });

  it('fractions with a seed fire on the same requests every time', async () => {
    const db = await openDriverSession(emu, { retryDelayMin: 1, retryDelayMax: 2, retryMaxAttempts: 30 });
    try {
      const runs: number[] = [];
      for (let r = 0; r < 2; r++) {
        await setFaults(emu, { seed: 7, serverError: { fraction: 0.5, rpcs: ['GetOperationStatus'] }, slowQueryMs: 150 });
        await queryRows(db.session, 'SELECT 1 AS one');
        runs.push((await faultsFired(emu)).serverError);
      }
      assert.equal(runs[0], runs[1]);
    } finally {
      await setFaults(emu, {});
      await db.close();
    }
  });
});
