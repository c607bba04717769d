import { randomBytes, randomUUID } from 'node:crypto';
import { T } from './thrift-runtime.js';
import type { TTypes } from './thrift-runtime.js';

/**
 * A fresh handle identifier. The driver runs `uuid.stringify()` on `guid`, which rejects bytes
 * that are not an RFC 4122 UUID (version and variant bits), so guid is a real v4 UUID
 * (spike NOTES §1 "OpenSession / protocol negotiation").
 */
export function newHandleIdentifier(): TTypes.THandleIdentifier {
  return new T.THandleIdentifier({
    guid: Buffer.from(randomUUID().replaceAll('-', ''), 'hex'),
    secret: randomBytes(16),
  });
}

/** Map key of a handle: its guid as hex. */
export function handleKey(id: TTypes.THandleIdentifier | undefined | null): string {
  return id?.guid ? Buffer.from(id.guid).toString('hex') : '';
}

/** The guid in the 8-4-4-4-12 form Databricks prints in messages. */
export function handleUuid(id: TTypes.THandleIdentifier | undefined | null): string {
  const h = handleKey(id).padEnd(32, '0');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
