import { FlatTable } from './flatbuffer-table.js';

/** Metadata key Databricks puts on every result field: the column's SQL type, e.g. `DECIMAL(10,2)`. */
export const SQL_NAME_KEY = 'Spark:DataType:SqlName';

export type TimeUnit = 'second' | 'millisecond' | 'microsecond' | 'nanosecond';

/** The Arrow types a Databricks result can carry (Schema.fbs `Type` union), decoded. */
export type ArrowType =
  | { readonly kind: 'null' }
  | { readonly kind: 'bool' }
  | { readonly kind: 'int'; readonly bitWidth: 8 | 16 | 32 | 64; readonly signed: boolean }
  | { readonly kind: 'float'; readonly bitWidth: 16 | 32 | 64 }
  | { readonly kind: 'decimal'; readonly precision: number; readonly scale: number; readonly bitWidth: 128 | 256 }
  | { readonly kind: 'utf8' }
  | { readonly kind: 'binary' }
  | { readonly kind: 'fixed-size-binary'; readonly byteWidth: number }
  | { readonly kind: 'date'; readonly unit: 'day' | 'millisecond' }
  | { readonly kind: 'timestamp'; readonly unit: TimeUnit; readonly timezone: string | null }
  | { readonly kind: 'list' }
  | { readonly kind: 'struct' }
  | { readonly kind: 'map' };

export interface ArrowField {
  readonly name: string;
  readonly nullable: boolean;
  readonly type: ArrowType;
  readonly children: readonly ArrowField[];
  /** The `Spark:DataType:SqlName` metadata value, when present. */
  readonly sqlName: string | null;
}

export interface ArrowSchema {
  readonly fields: readonly ArrowField[];
}

export class UnsupportedArrowError extends Error {
  override readonly name = 'UnsupportedArrowError';
}

const TIME_UNITS: readonly TimeUnit[] = ['second', 'millisecond', 'microsecond', 'nanosecond'];

/** Decodes a Schema table (Schema.fbs). */
export function readSchema(schema: FlatTable): ArrowSchema {
  // endianness: 0 = Little; every platform Databricks runs on is little-endian.
  if (schema.int16(0, 0) !== 0) throw new UnsupportedArrowError('big-endian Arrow data is not supported');
  return { fields: schema.tables(1).map(readField) };
}

function readField(field: FlatTable): ArrowField {
  const name = field.string(0) ?? '';
  if (field.has(4)) throw new UnsupportedArrowError(`dictionary-encoded field "${name}" is not supported`);
  const typeTable = field.table(3);
  let sqlName: string | null = null;
  for (const pair of field.tables(6)) {
    if (pair.string(0) === SQL_NAME_KEY) sqlName = pair.string(1);
  }
  return {
    name,
    nullable: field.bool(1, false),
    type: readType(field.uint8(2, 0), typeTable, name),
    children: field.tables(5).map(readField),
    sqlName,
  };
}

function readType(typeId: number, t: FlatTable | null, fieldName: string): ArrowType {
  const unsupported = (what: string): never => {
    throw new UnsupportedArrowError(`Arrow type ${what} of field "${fieldName}" is not supported`);
  };
  switch (typeId) {
    case 1:
      return { kind: 'null' };
    case 2: {
      const bitWidth = t?.int32(0, 0) ?? 0;
      if (bitWidth !== 8 && bitWidth !== 16 && bitWidth !== 32 && bitWidth !== 64) return unsupported(`Int(${bitWidth})`);
      return { kind: 'int', bitWidth, signed: t?.bool(1, false) ?? false };
    }
    case 3: {
      const precision = t?.int16(0, 0) ?? 0;
      return { kind: 'float', bitWidth: precision === 0 ? 16 : precision === 1 ? 32 : 64 };
    }
    case 4:
      return { kind: 'binary' };
    case 5:
      return { kind: 'utf8' };
    case 6:
      return { kind: 'bool' };
    case 7: {
      const bitWidth = t?.int32(2, 128) ?? 128;
      if (bitWidth !== 128 && bitWidth !== 256) return unsupported(`Decimal${bitWidth}`);
      return { kind: 'decimal', precision: t?.int32(0, 0) ?? 0, scale: t?.int32(1, 0) ?? 0, bitWidth };
    }
    case 8:
      // DateUnit defaults to MILLISECOND (1) in Schema.fbs.
      return { kind: 'date', unit: (t?.int16(0, 1) ?? 1) === 0 ? 'day' : 'millisecond' };
    case 10:
      return {
        kind: 'timestamp',
        unit: TIME_UNITS[t?.int16(0, 0) ?? 0] ?? unsupported('Timestamp(unknown unit)'),
        timezone: t?.string(1) ?? null,
      };
    case 12:
      return { kind: 'list' };
    case 13:
      return { kind: 'struct' };
    case 15:
      return { kind: 'fixed-size-binary', byteWidth: t?.int32(0, 0) ?? 0 };
    case 17:
      return { kind: 'map' };
    default:
      return unsupported(`#${typeId}`);
  }
}
