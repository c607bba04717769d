import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type * as TTypes from '@databricks/sql/thrift/TCLIService_types.js';

// The generated TCLIService code requires 'thrift' and 'node-int64'; load the very copies the
// driver resolves so server and client agree byte for byte (spike NOTES §1 "Package layout").
const require = createRequire(import.meta.url);
const driverDir = dirname(require.resolve('@databricks/sql/package.json'));
const driverRequire = createRequire(`${driverDir}/package.json`);

/** Generated TCLIService structs and enums (runtime values). */
export const T = driverRequire('./thrift/TCLIService_types.js') as typeof TTypes;

/** The part of the generated service module the server uses. */
interface TCLIServiceModule {
  Processor: new (handler: object) => ThriftProcessor;
}

export interface ThriftProcessor {
  process(input: ThriftProtocol, output: ThriftProtocol): void;
}

/** Opaque protocol object of the thrift runtime. */
export interface ThriftProtocol {
  readonly __thriftProtocol?: never;
}

interface ThriftTransport {
  readonly __thriftTransport?: never;
}

interface ThriftRuntime {
  TBufferedTransport: {
    new (buffer: undefined, onFlush: (buf: Buffer) => void): ThriftTransport;
    receiver(callback: (transport: ThriftTransport) => void): (data: Buffer) => void;
  };
  TBinaryProtocol: new (transport: ThriftTransport) => ThriftProtocol;
}

export const TCLIService = driverRequire('./thrift/TCLIService.js') as TCLIServiceModule;
export const thrift = driverRequire('thrift') as ThriftRuntime;

/** node-int64 as the generated code expects it for i64 fields. */
export interface Int64Value {
  toNumber(allowImprecise?: boolean): number;
}
const Int64Ctor = driverRequire('node-int64') as new (n: number) => Int64Value;

export function i64(n: number | bigint): Int64Value {
  return new Int64Ctor(Number(n));
}

export type { TTypes };
