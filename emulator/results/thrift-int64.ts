import { createRequire } from 'node:module';

/**
 * node-int64, the 64-bit integer class the Thrift runtime and the driver use for i64 fields
 * (the driver tests `instanceof Int64`). It has no type declarations, so only the slice used
 * here is described.
 */
export interface ThriftInt64 {
  readonly buffer: Buffer;
  toNumber(allowImprecise?: boolean): number;
}

type Int64Constructor = new (bytes: Buffer | number) => ThriftInt64;

// Resolved next to @databricks/sql so the class is the one its generated Thrift code uses.
const requireFromDriver = createRequire(createRequire(import.meta.url).resolve('@databricks/sql/package.json'));
const Int64 = requireFromDriver('node-int64') as Int64Constructor;

/** An exact Thrift i64 from a bigint (two's complement, big-endian as node-int64 stores it). */
export function thriftInt64(value: bigint | number): ThriftInt64 {
  const bytes = Buffer.alloc(8);
  bytes.writeBigInt64BE(BigInt(value));
  return new Int64(bytes);
}
