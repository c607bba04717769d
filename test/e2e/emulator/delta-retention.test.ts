import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openDriverSession, queryRows, startTestEmulator, type DriverSession, type RunningEmulator } from '../../helpers/emulator.js';
import { adminRequest } from '../../helpers/emulator-faults.js';

/**
 * The retention knob, in process (`expireHistory()`) and over `POST /__admin/expire-history`, seen
 * through the unmodified driver: expired versions fail time travel and `table_changes` with Delta's
 * error classes (databricks-behaviour.md §7), the kept versions and the latest stay readable.
 */

/** CREATE is version 0, then one commit per statement: versions 1..5. */
const commits = (table: string): string[] => [
  `CREATE TABLE ${table} (id BIGINT NOT NULL, note STRING) TBLPROPERTIES ('delta.enableChangeDataFeed' = 'true')`,
  `INSERT INTO ${table} VALUES (1, 'a'), (2, 'b')`,
  `INSERT INTO ${table} VALUES (3, 'c')`,
  `UPDATE ${table} SET note = 'B' WHERE id = 2`,
  `DELETE FROM ${table} WHERE id = 1`,
  `INSERT INTO ${table} VALUES (4, 'd')`,
];

type DriverError = Error & { response?: { sqlState?: string } };

/** A rejection with Databricks' `[CLASS] ... SQLSTATE: s` message and the sqlState on the response. */
const deltaError =
  (errorClass: string, sqlState: string, detail?: RegExp) =>
  (error: DriverError): boolean => {
    assert.equal(error.response?.sqlState, sqlState, error.message);
    assert.match(error.message, new RegExp(`\\[${errorClass}\\]`));
    assert.match(error.message, new RegExp(`SQLSTATE: ${sqlState}`));
    if (detail !== undefined) assert.match(error.message, detail);
    return true;
  };

const BEYOND_RETENTION = 'DELTA_UNSUPPORTED_TIME_TRAVEL_BEYOND_DELETED_FILE_RETENTION_DURATION';

describe('Delta retention knob', () => {
  let emu: RunningEmulator;
  let db: DriverSession;
  const rows = (sql: string): Promise<Record<string, unknown>[]> => queryRows(db.session, sql);
  const versions = async (table: string): Promise<number[]> => (await rows(`DESCRIBE HISTORY ${table}`)).map((r) => Number(r['version']));
  const ids = async (sql: string): Promise<number[]> => (await rows(sql)).map((r) => Number(r['id'])).sort((a, b) => a - b);

  before(async () => {
    emu = await startTestEmulator({
      seedSql: ['CREATE SCHEMA main.ret', ...commits('main.ret.vacuumed'), ...commits('main.ret.cleaned'), ...commits('main.ret.latest')],
    });
    db = await openDriverSession(emu);
  });
  after(async () => {
    await db?.close();
    await emu?.stop();
  });

  it('expireHistory() is a VACUUM: older versions fail with DELTA_UNSUPPORTED_TIME_TRAVEL_BEYOND_DELETED_FILE_RETENTION_DURATION', async () => {
    assert.deepEqual(await ids('SELECT id FROM main.ret.vacuumed VERSION AS OF 2'), [1, 2, 3], 'readable before the expiry');
    await emu.expireHistory('main.ret.vacuumed', 3);

    await assert.rejects(rows('SELECT id FROM main.ret.vacuumed VERSION AS OF 2'), deltaError(BEYOND_RETENTION, '0AKDC', /delta\.deletedFileRetentionDuration/));
    await assert.rejects(rows("SELECT * FROM table_changes('main.ret.vacuumed', 2)"), deltaError(BEYOND_RETENTION, '0AKDC'));
    await assert.rejects(rows("SELECT * FROM table_changes('main.ret.vacuumed', 0, 5)"), deltaError(BEYOND_RETENTION, '0AKDC'));

    assert.deepEqual(await ids('SELECT id FROM main.ret.vacuumed VERSION AS OF 3'), [1, 2, 3], 'the first kept version');
    const changes = await rows("SELECT id, _change_type, _commit_version FROM table_changes('main.ret.vacuumed', 3) ORDER BY _commit_version, _change_type");
    assert.deepEqual(
      changes.map((r) => `${r['_commit_version']}:${r['_change_type']}:${r['id']}`),
      ['3:update_postimage:2', '3:update_preimage:2', '4:delete:1', '5:insert:4'],
    );
    assert.deepEqual(await versions('main.ret.vacuumed'), [5, 4, 3, 2, 1, 0], 'a VACUUM leaves the log: DESCRIBE HISTORY still lists every version');
  });

  it('POST /__admin/expire-history with drop_log cleans the log: versions leave DESCRIBE HISTORY and fail with DELTA_VERSION_NOT_FOUND', async () => {
    const reply = await adminRequest(emu, 'POST', '/__admin/expire-history', emu.adminSecret, { table: 'main.ret.cleaned', keep_from_version: 4, drop_log: true });
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    assert.deepEqual(reply.body, { table: 'main.ret.cleaned', keep_from_version: 4, drop_log: true });

    await assert.rejects(rows('SELECT id FROM main.ret.cleaned VERSION AS OF 1'), deltaError('DELTA_VERSION_NOT_FOUND', '22003', /Available versions: \[4, 5\]/));
    await assert.rejects(rows("SELECT * FROM table_changes('main.ret.cleaned', 3)"), deltaError('DELTA_VERSION_NOT_FOUND', '22003'));
    assert.deepEqual(await versions('main.ret.cleaned'), [5, 4]);
    assert.deepEqual(await ids('SELECT id FROM main.ret.cleaned VERSION AS OF 4'), [2, 3]);
    const changes = await rows("SELECT id, _change_type FROM table_changes('main.ret.cleaned', 4)");
    assert.deepEqual(changes.map((r) => `${r['_change_type']}:${r['id']}`).sort(), ['delete:1', 'insert:4']);
  });

  it('the latest version always stays readable, however far the expiry reaches', async () => {
    await emu.expireHistory('main.ret.latest', 1_000, { dropLog: true });
    assert.deepEqual(await versions('main.ret.latest'), [5]);
    assert.deepEqual(await ids('SELECT id FROM main.ret.latest VERSION AS OF 5'), [2, 3, 4]);
    assert.deepEqual(await ids('SELECT id FROM main.ret.latest'), [2, 3, 4]);
    await assert.rejects(rows('SELECT id FROM main.ret.latest VERSION AS OF 4'), deltaError('DELTA_VERSION_NOT_FOUND', '22003', /Available versions: \[5, 5\]/));
    // A commit after the expiry is readable as usual, and so are its changes.
    await rows("INSERT INTO main.ret.latest VALUES (9, 'after')");
    const changes = await rows("SELECT id, _change_type, _commit_version FROM table_changes('main.ret.latest', 6)");
    assert.deepEqual(changes.map((r) => `${r['_commit_version']}:${r['_change_type']}:${r['id']}`), ['6:insert:9']);
  });

  it('the admin endpoint needs the secret and names what is wrong with a request', async () => {
    const body = { table: 'main.ret.vacuumed', keep_from_version: 4 };
    assert.equal((await adminRequest(emu, 'POST', '/__admin/expire-history', undefined, body)).status, 403);
    assert.equal((await adminRequest(emu, 'POST', '/__admin/expire-history', 'wrong', body)).status, 403);

    const noVersion = await adminRequest(emu, 'POST', '/__admin/expire-history', emu.adminSecret, { table: 'main.ret.vacuumed' });
    assert.equal(noVersion.status, 400);
    assert.equal((noVersion.body as { error_code: string }).error_code, 'INVALID_PARAMETER_VALUE');

    const missing = await adminRequest(emu, 'POST', '/__admin/expire-history', emu.adminSecret, { table: 'main.ret.nope', keep_from_version: 1 });
    assert.equal(missing.status, 400);
    assert.equal((missing.body as { error_code: string }).error_code, 'TABLE_OR_VIEW_NOT_FOUND');
    await assert.rejects(emu.expireHistory('main.ret.nope', 1), /TABLE_OR_VIEW_NOT_FOUND/);

    assert.equal((await adminRequest(emu, 'POST', '/__admin/expire-history', emu.adminSecret, body)).status, 200);
    await assert.rejects(rows('SELECT id FROM main.ret.vacuumed VERSION AS OF 3'), deltaError(BEYOND_RETENTION, '0AKDC'));
  });
});
