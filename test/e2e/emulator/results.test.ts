import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openDriverSession, queryRows, startTestEmulator } from '../../helpers/emulator.js';
import type { DriverSession, RunningEmulator } from '../../helpers/emulator.js';

describe('result values and sizes through @databricks/sql', () => {
  let emu: RunningEmulator;
  let db: DriverSession;
  before(async () => {
    emu = await startTestEmulator({ cloudFetchThresholdRows: 100_000 });
    db = await openDriverSession(emu, { preserveBigNumericPrecision: true } as never);
  });
  after(async () => {
    await db?.close();
    await emu?.stop();
  });

  it('round-trips every scalar type exactly from a table (Arrow)', async () => {
    await queryRows(db.session, `CREATE TABLE types_probe (
      big BIGINT, i INT, dbl DOUBLE, dec DECIMAL(38,18), s STRING, b BOOLEAN, d DATE, ts TIMESTAMP)`);
    await queryRows(db.session, `INSERT INTO types_probe VALUES
      (9223372036854775807, 2147483647, 1.5, 12345678901234567890.123456789012345678, 'héllo 🌍 ✓', true, DATE'1900-01-01', TIMESTAMP'1969-07-20 20:17:40.123456'),
      (-9223372036854775808, -2147483648, -0.25, -0.000000000000000001, '', false, DATE'2024-02-29', TIMESTAMP'2024-02-29 23:59:59.999999'),
      (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`);
    const rows = await queryRows(db.session, 'SELECT *, CAST(ts AS STRING) AS ts_text FROM types_probe ORDER BY i DESC NULLS LAST');
    assert.equal(rows.length, 3);
    const [a, b, n] = rows as Record<string, unknown>[];
    assert.equal(a?.big, 9223372036854775807n);
    assert.equal(b?.big, -9223372036854775808n);
    assert.equal(a?.i, 2147483647);
    assert.equal(b?.i, -2147483648);
    assert.equal(a?.dbl, 1.5);
    assert.equal(a?.dec, '12345678901234567890.123456789012345678');
    assert.equal(b?.dec, '-0.000000000000000001');
    assert.equal(a?.s, 'héllo 🌍 ✓');
    assert.equal(b?.s, '');
    assert.equal(a?.b, true);
    assert.equal((a?.d as Date).toISOString(), '1900-01-01T00:00:00.000Z');
    // The driver turns µs into a Date (ms), rounding pre-1970 values toward zero; exactness is
    // checked on the text form below.
    assert.ok(Math.abs((a?.ts as Date).getTime() - Date.UTC(1969, 6, 20, 20, 17, 40, 123)) <= 1);
    assert.equal(a?.ts_text, '1969-07-20 20:17:40.123456');
    assert.equal(b?.ts_text, '2024-02-29 23:59:59.999999');
    for (const v of Object.values(n ?? {})) assert.equal(v, null);
  });

  it('fetches 1M rows in chunks with exact row count and checksum (inline Arrow)', async () => {
    const started = Date.now();
    const op = await db.session.executeStatement('SELECT id FROM range(1000000)', { useCloudFetch: false } as never);
    let count = 0;
    let sum = 0n;
    for (;;) {
      const chunk = (await op.fetchChunk({ maxRows: 100_000, disableBuffering: true })) as { id: bigint }[];
      for (const r of chunk) {
        sum += BigInt(r.id);
        count += 1;
      }
      if (!(await op.hasMoreRows())) break;
    }
    await op.close();
    assert.equal(count, 1_000_000);
    assert.equal(sum, 499999500000n);
    assert.ok(Date.now() - started < 20_000, `took ${Date.now() - started} ms`);
  });

  it('keeps rows in order when the fetch size changes after a window was encoded ahead', async () => {
    // The server encodes the next window with the previous maxRows while the client decodes; a
    // different maxRows must make it re-slice from the same row, losing and repeating nothing.
    const op = await db.session.executeStatement('SELECT id FROM range(250000) ORDER BY id', { useCloudFetch: false } as never);
    const sizes = [100_000, 30_000, 70_000, 100_000];
    const ids: number[] = [];
    for (let i = 0; ; i++) {
      const maxRows = sizes[i % sizes.length]!;
      const chunk = (await op.fetchChunk({ maxRows, disableBuffering: true })) as { id: bigint }[];
      for (const r of chunk) ids.push(Number(r.id));
      if (!(await op.hasMoreRows())) break;
    }
    await op.close();
    assert.equal(ids.length, 250_000);
    assert.ok(
      ids.every((id, i) => id === i),
      'ids are 0..249999 in order',
    );
  });

  it('delivers a large result as CloudFetch links that the driver downloads', async () => {
    const before = emu.requests().length;
    const rows = await queryRows(db.session, 'SELECT id, CAST(id AS STRING) AS s FROM range(250000)');
    assert.equal(rows.length, 250_000);
    assert.equal((rows[249_999] as { s: string }).s, '249999');
    assert.ok(emu.requests().slice(before).some((r) => r.name === 'CloudFetch' && r.status === 200));
  });

  it('answers column-based for constant-only queries, with NULL and empty string intact', async () => {
    const rows = await queryRows(db.session, "SELECT CAST(NULL AS STRING) AS n, '' AS e, 'x' AS x");
    assert.deepEqual(rows, [{ n: null, e: '', x: 'x' }]);
  });
});
