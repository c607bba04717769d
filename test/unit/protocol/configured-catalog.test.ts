import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfiguredCatalog } from '../../../src/protocol/configured-catalog.js';

const stream = { name: 'users', namespace: 'analytics', json_schema: { type: 'object' }, supported_sync_modes: ['full_refresh'] };

describe('parseConfiguredCatalog', () => {
  it('keeps the streams, drops a null namespace and defaults destination_sync_mode', () => {
    const parsed = parseConfiguredCatalog({
      streams: [
        { stream, sync_mode: 'full_refresh', destination_sync_mode: 'overwrite', extra: 1 },
        { stream: { ...stream, namespace: null }, sync_mode: 'incremental', cursor_field: ['id'] },
      ],
    });
    assert.equal(parsed.streams[0]!.destination_sync_mode, 'overwrite');
    assert.equal((parsed.streams[0] as unknown as { extra: number }).extra, 1);
    assert.ok(!('namespace' in parsed.streams[1]!.stream));
    assert.equal(parsed.streams[1]!.destination_sync_mode, 'append');
  });

  it('lists every problem with its path', () => {
    assert.throws(
      () =>
        parseConfiguredCatalog({
          streams: [
            { stream: { name: '', json_schema: 1 }, sync_mode: 'x', cursor_field: 'id', primary_key: ['id'] },
            'nope',
          ],
        }),
      (err: Error) => {
        for (const part of [
          'catalog.streams[0].stream.name: must be a non-empty string',
          'catalog.streams[0].stream.json_schema: must be an object',
          'catalog.streams[0].sync_mode: must be one of full_refresh, incremental',
          'catalog.streams[0].cursor_field: must be a list of strings',
          'catalog.streams[0].primary_key: must be a list of lists of strings',
          'catalog.streams[1]: must be an object',
        ]) assert.ok(err.message.includes(part), `${part} missing from ${err.message}`);
        return true;
      },
    );
    assert.throws(() => parseConfiguredCatalog([]), /catalog: must be an object/);
    assert.throws(() => parseConfiguredCatalog({}), /catalog\.streams: must be a list/);
  });
});
