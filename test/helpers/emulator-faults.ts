import { request } from 'node:https';
import type { FaultCounters } from '../../emulator/faults/fault-injector.js';
import type { FaultPlan } from '../../emulator/faults/fault-plan.js';
import type { RunningEmulator } from '../../emulator/start-emulator.js';

/** Answer of the admin endpoint. */
export interface AdminReply {
  readonly status: number;
  readonly body: unknown;
}

/** Calls `/__admin/*` over HTTPS as an out-of-process test would (emulator in another process). */
export function adminRequest(
  emulator: Pick<RunningEmulator, 'url' | 'caCertPem'>,
  method: 'GET' | 'POST',
  path: string,
  secret: string | undefined,
  body?: unknown,
): Promise<AdminReply> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${emulator.url}${path}`,
      { method, ca: emulator.caCertPem, headers: { ...(secret === undefined ? {} : { 'x-emulator-admin': secret }), 'content-type': 'application/json' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // not JSON
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/** Replaces the emulator's faults through the admin endpoint. */
export async function setFaults(emulator: RunningEmulator, plan: FaultPlan): Promise<void> {
  const reply = await adminRequest(emulator, 'POST', '/__admin/faults', emulator.adminSecret, plan);
  if (reply.status !== 200) throw new Error(`setting faults failed: HTTP ${reply.status}`);
}

/** How often each fault fired, read through the admin endpoint. */
export async function faultsFired(emulator: RunningEmulator): Promise<FaultCounters> {
  const reply = await adminRequest(emulator, 'GET', '/__admin/faults', emulator.adminSecret);
  return (reply.body as { fired: FaultCounters }).fired;
}
