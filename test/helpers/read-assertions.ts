import assert from 'node:assert/strict';
import { describeRun, messageStream, messagesOf, streamStatuses, type ConnectorRun } from './connector-cli.js';

/**
 * The bookkeeping every successfully read stream must show: STREAM_STATUS STARTED, RUNNING,
 * COMPLETE; an ESTIMATE before the stream's last STATE (the count runs beside the read, so it
 * may follow the first records); STATE messages whose sourceStats.recordCount
 * add up to the records emitted, with no record after the last STATE. Returns the record count.
 */
export function assertStreamCompleted(run: ConnectorRun, stream: string): number {
  assert.deepEqual(streamStatuses(run, stream), ['STARTED', 'RUNNING', 'COMPLETE'], `${stream}\n${describeRun(run)}`);
  const own = run.messages.filter((m) => messageStream(m) === stream);
  const estimate = own.findIndex((m) => m.type === 'TRACE' && m.trace.type === 'ESTIMATE');
  assert.ok(estimate >= 0, `no ESTIMATE for ${stream}`);
  assert.ok(estimate < own.findLastIndex((m) => m.type === 'STATE'), `ESTIMATE for ${stream} after its last STATE`);
  const records = own.filter((m) => m.type === 'RECORD').length;
  const states = messagesOf(run, 'STATE', stream);
  assert.ok(states.length > 0, `no STATE for ${stream}`);
  const counted = states.reduce((sum, m) => sum + (m.state.sourceStats?.recordCount as number), 0);
  assert.equal(counted, records, `sourceStats.recordCount of ${stream} adds up to ${counted}, records: ${records}`);
  const lastState = own.findLastIndex((m) => m.type === 'STATE');
  assert.ok(own.slice(lastState).every((m) => m.type !== 'RECORD'), `${stream} has records after its last STATE`);
  return records;
}

/** The row estimate of a stream's ESTIMATE trace. */
export function rowEstimate(run: ConnectorRun, stream: string): number | undefined {
  return messagesOf(run, 'TRACE:ESTIMATE', stream)[0]?.trace.estimate.row_estimate as number | undefined;
}
