import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConnectorError } from '../../../src/errors/connector-error.js';
import { parseIncomingState, streamKey } from '../../../src/state/parse-state.js';
import { cursorStreamState, resumePoint, validateStreamState } from '../../../src/state/stream-state.js';
import { streamStateMessage } from '../../../src/protocol/messages.js';

const users = { name: 'users', namespace: 'analytics' };
const orders = { name: 'orders', namespace: 'sales' };

function stateEntry(stream: { name: string; namespace?: string }, streamState: unknown) {
  return { type: 'STREAM', stream: { stream_descriptor: stream, stream_state: streamState } };
}

function configErrorOf(fn: () => unknown): ConnectorError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConnectorError);
    assert.equal(err.failureType, 'config_error');
    return err;
  }
  assert.fail('expected a config error');
}

describe('stream state value', () => {
  it('round-trips through a STATE message and the state file', () => {
    const value = cursorStreamState({ cursorField: 'updated_at', cursor: '2024-01-01T00:00:00.000001Z', cursorType: 'TIMESTAMP' });
    assert.deepEqual(value, { version: 1, cursor_field: ['updated_at'], cursor: '2024-01-01T00:00:00.000001Z', cursor_type: 'TIMESTAMP' });
    const message = JSON.parse(JSON.stringify(streamStateMessage(users, value, 10))) as { state: unknown };
    const parsed = parseIncomingState([message.state], [users]);
    assert.deepEqual(parsed.streams.get(streamKey(users)), value);
    assert.deepEqual(parsed.notices, []);
  });

  it('treats null and {} as no state', () => {
    assert.equal(validateStreamState(null, users), undefined);
    assert.equal(validateStreamState({}, users), undefined);
  });

  const corrupted: Array<[string, unknown, RegExp]> = [
    ['a string', 'abc', /not an object/],
    ['a list', [1], /not an object/],
    ['a bad cursor', { version: 1, cursor_field: ['a'], cursor: 5 }, /cursor must be a string or null/],
    ['a bad cursor_field', { version: 1, cursor_field: 'a', cursor: 'x' }, /cursor_field must be a list with one column name/],
    ['two cursor columns', { version: 1, cursor_field: ['a', 'b'], cursor: 'x' }, /cursor_field/],
    ['an unknown shape', { foo: 1 }, /unknown format/],
    ['a legacy state with an object cursor', { cursor_field: ['a'], cursor: { x: 1 } }, /cursor must be a string/],
  ];
  for (const [name, value, reason] of corrupted) {
    it(`refuses ${name} as a config error naming the stream`, () => {
      const err = configErrorOf(() => validateStreamState(value, users));
      assert.match(err.message, /stream analytics\.users/);
      assert.match(err.message, reason);
      assert.match(err.message, /Reset the stream/);
      assert.deepEqual(err.stream, users);
    });
  }

  it('refuses a state from a newer connector', () => {
    assert.match(configErrorOf(() => validateStreamState({ version: 2, cursor: 'x' }, users)).message, /newer version of this connector/);
  });

  it('migrates Airbyte JDBC cursor states to an inclusive resume', () => {
    const jdbc = {
      version: 2,
      state_type: 'cursor_based',
      stream_name: 'users',
      stream_namespace: 'analytics',
      cursor_field: ['updated_at'],
      cursor: '2024-01-01T00:00:00Z',
      cursor_record_count: 3,
    };
    assert.deepEqual(validateStreamState(jdbc, users), {
      state: { version: 1, cursor_field: ['updated_at'], cursor: '2024-01-01T00:00:00Z', cursor_inclusive: true },
      migratedFrom: 'Airbyte JDBC cursor state',
    });
  });

  it('migrates the original design state (cursor_value, cursor_field as text)', () => {
    assert.deepEqual(validateStreamState({ cursor_field: 'event_timestamp', cursor_value: 1700000000 }, users), {
      state: { version: 1, cursor_field: ['event_timestamp'], cursor: '1700000000', cursor_inclusive: true },
      migratedFrom: 'unversioned cursor state',
    });
  });
});

describe('parseIncomingState', () => {
  it('accepts an empty file', () => {
    for (const raw of [null, [], {}]) assert.equal(parseIncomingState(raw, [users]).streams.size, 0);
  });

  it('keeps configured streams and ignores unknown ones with a notice', () => {
    const parsed = parseIncomingState(
      [stateEntry(users, { version: 1, cursor_field: ['id'], cursor: '5' }), stateEntry({ name: 'gone', namespace: 'x' }, { version: 1, cursor_field: ['id'], cursor: '1' })],
      [users, orders],
    );
    assert.deepEqual([...parsed.streams.keys()], [streamKey(users)]);
    assert.deepEqual(parsed.notices, ['Ignoring saved state of stream x.gone: it is not in the configured catalog.']);
  });

  it('ignores unknown streams even when their state is damaged', () => {
    assert.equal(parseIncomingState([stateEntry({ name: 'gone' }, 'garbage')], [users]).streams.size, 0);
  });

  it('tells a stream without namespace from one with namespace', () => {
    const plain = { name: 'users' };
    const parsed = parseIncomingState([stateEntry(plain, { version: 1, cursor_field: ['id'], cursor: '1' })], [users, plain]);
    assert.ok(parsed.streams.has(streamKey(plain)));
    assert.ok(!parsed.streams.has(streamKey(users)));
  });

  it('names the stream whose state is corrupted', () => {
    const err = configErrorOf(() => parseIncomingState([stateEntry(orders, { version: 1, cursor_field: ['id'], cursor: 7 })], [orders]));
    assert.match(err.message, /stream sales\.orders/);
  });

  it('reads legacy whole-connection states (JDBC DbState), bare or wrapped', () => {
    const data = {
      cdc: false,
      streams: [
        { stream_name: 'users', stream_namespace: 'analytics', cursor_field: ['id'], cursor: '10' },
        { stream_name: 'other', stream_namespace: 'analytics', cursor_field: ['id'], cursor: '1' },
      ],
    };
    for (const raw of [data, { type: 'LEGACY', data }, [{ type: 'LEGACY', data }], [{ data }]]) {
      const parsed = parseIncomingState(raw, [users]);
      assert.deepEqual(parsed.streams.get(streamKey(users)), { version: 1, cursor_field: ['id'], cursor: '10', cursor_inclusive: true });
      assert.equal(parsed.notices.length, 2);
      assert.match(parsed.notices.join('\n'), /Converted the saved state of stream analytics\.users/);
    }
  });

  it('accepts a single state message instead of a list, and ignores GLOBAL state', () => {
    assert.equal(parseIncomingState(stateEntry(users, { version: 1, cursor_field: ['id'], cursor: '1' }), [users]).streams.size, 1);
    const parsed = parseIncomingState([{ type: 'GLOBAL', global: { shared_state: {}, stream_states: [] } }], [users]);
    assert.equal(parsed.streams.size, 0);
    assert.match(parsed.notices[0]!, /GLOBAL/);
  });

  it('refuses malformed entries', () => {
    assert.match(configErrorOf(() => parseIncomingState([42], [users])).message, /entry 0 is not an object/);
    assert.match(configErrorOf(() => parseIncomingState([{ type: 'STREAM', stream: {} }], [users])).message, /stream_descriptor\.name/);
    assert.match(configErrorOf(() => parseIncomingState([{ type: 'WHAT' }], [users])).message, /unknown type "WHAT"/);
  });

  it('uses the last of two entries for one stream and says so', () => {
    const parsed = parseIncomingState(
      [stateEntry(users, { version: 1, cursor_field: ['id'], cursor: '1' }), stateEntry(users, { version: 1, cursor_field: ['id'], cursor: '2' })],
      [users],
    );
    assert.equal(parsed.streams.get(streamKey(users))?.cursor, '2');
    assert.match(parsed.notices[0]!, /twice/);
  });
});

describe('resumePoint', () => {
  const saved = cursorStreamState({ cursorField: 'updated_at', cursor: '2024-01-01', cursorType: 'DATE' });

  it('starts from the beginning without state or without a cursor value', () => {
    assert.deepEqual(resumePoint(undefined, { field: 'updated_at' }), { kind: 'beginning' });
    assert.deepEqual(resumePoint(cursorStreamState({ cursorField: 'updated_at', cursor: null }), { field: 'updated_at' }), { kind: 'beginning' });
  });

  it('resumes after the saved cursor, inclusively for migrated states', () => {
    assert.deepEqual(resumePoint(saved, { field: 'updated_at', type: 'date' }), { kind: 'after', cursor: '2024-01-01', inclusive: false });
    assert.deepEqual(resumePoint({ ...saved, cursor_inclusive: true }, { field: 'updated_at' }), { kind: 'after', cursor: '2024-01-01', inclusive: true });
  });

  it('restarts with a reason when the cursor column or its type changed', () => {
    const byField = resumePoint(saved, { field: 'id' });
    assert.equal(byField.kind, 'beginning');
    assert.match(byField.kind === 'beginning' ? byField.reason ?? '' : '', /cursor changed from updated_at to id/);
    const byType = resumePoint(saved, { field: 'updated_at', type: 'TIMESTAMP' });
    assert.match(byType.kind === 'beginning' ? byType.reason ?? '' : '', /changed type from DATE to TIMESTAMP/);
  });
});

describe('change feed snapshot marker', () => {
  const stream = { namespace: 's', name: 't' };
  const snapshot = { table_version: '12', commit_timestamp: '2024-05-01T10:00:00.123000Z', order_column: 'id', after: '900' };

  it('round-trips through the saved state', () => {
    const state = cursorStreamState({ cursorField: '_ab_cdc_commit_version', cursor: null, cursorType: 'BIGINT', snapshot });
    assert.deepEqual(validateStreamState(JSON.parse(JSON.stringify(state)), stream)?.state, state);
  });

  it('accepts a snapshot without an order position (an unordered snapshot)', () => {
    const value = { version: 1, cursor_field: ['_ab_cdc_commit_version'], cursor: null, snapshot: { table_version: '3', commit_timestamp: 'x' } };
    assert.deepEqual(validateStreamState(value, stream)?.state.snapshot, { table_version: '3', commit_timestamp: 'x' });
  });

  for (const [what, bad] of [
    ['a non-numeric version', { ...snapshot, table_version: '12a' }],
    ['a numeric version given as a number', { ...snapshot, table_version: 12 }],
    ['an order column without a position', { table_version: '1', commit_timestamp: 'x', order_column: 'id' }],
    ['a list', []],
  ] as const) {
    it(`rejects ${what} as a config error naming the stream`, () => {
      assert.throws(
        () => validateStreamState({ version: 1, cursor_field: ['_ab_cdc_commit_version'], cursor: null, snapshot: bad }, stream),
        (err: unknown) => err instanceof ConnectorError && err.failureType === 'config_error' && /s\.t/.test(err.message) && /snapshot/.test(err.message),
      );
    });
  }
});
