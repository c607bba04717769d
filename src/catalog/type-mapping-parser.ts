/**
 * Parses a Databricks type string as metadata reports it into a tree. Accepted spellings:
 * GetColumns TYPE_NAME and Arrow `Spark:DataType:SqlName` (`DECIMAL(38,18)`,
 * `STRUCT<a: INT, b: MAP<STRING, DOUBLE>>`), information_schema FULL_DATA_TYPE and DESCRIBE
 * (`decimal(4,2)`, `map<string,int>`, `struct<city:string>`), DDL spellings inside structs
 * (`` `my field`: INT NOT NULL COMMENT 'x' ``) and Spark's aliases (`long`, `integer`, `dec`...).
 */

export type DatabricksType =
  | { readonly kind: 'primitive'; readonly name: string; readonly args: readonly string[] }
  | { readonly kind: 'decimal'; readonly precision: number; readonly scale: number }
  | { readonly kind: 'interval'; readonly from: string; readonly to: string | undefined }
  | { readonly kind: 'array'; readonly element: DatabricksType }
  | { readonly kind: 'map'; readonly key: DatabricksType; readonly value: DatabricksType }
  | { readonly kind: 'struct'; readonly fields: readonly StructField[] };

export interface StructField {
  readonly name: string;
  readonly type: DatabricksType;
  readonly nullable: boolean;
}

// Spark SQL aliases (DataTypeParser / AstBuilder.visitPrimitiveDataType) to the names Databricks reports.
const ALIASES: Readonly<Record<string, string>> = {
  BYTE: 'TINYINT',
  SHORT: 'SMALLINT',
  INTEGER: 'INT',
  LONG: 'BIGINT',
  REAL: 'FLOAT',
  DEC: 'DECIMAL',
  NUMERIC: 'DECIMAL',
  TIMESTAMP_LTZ: 'TIMESTAMP',
  BOOL: 'BOOLEAN',
  NULL: 'VOID',
};

export class TypeParseError extends Error {
  constructor(text: string, reason: string) {
    super(`cannot parse Databricks type ${JSON.stringify(text)}: ${reason}`);
    this.name = 'TypeParseError';
  }
}

/** Parses a type string; throws TypeParseError when it is not one. */
export function parseDatabricksType(text: string): DatabricksType {
  const parser = new Parser(text);
  const type = parser.type();
  parser.skipSpace();
  if (!parser.atEnd()) throw new TypeParseError(text, `unexpected text at position ${parser.pos}`);
  return type;
}

/** The canonical upper-case spelling, as GetColumns reports it (`MAP<STRING, INT>`, `DECIMAL(10,2)`). */
export function formatDatabricksType(type: DatabricksType): string {
  switch (type.kind) {
    case 'primitive':
      return type.args.length === 0 ? type.name : `${type.name}(${type.args.join(',')})`;
    case 'decimal':
      return `DECIMAL(${type.precision},${type.scale})`;
    case 'interval':
      return type.to === undefined ? `INTERVAL ${type.from}` : `INTERVAL ${type.from} TO ${type.to}`;
    case 'array':
      return `ARRAY<${formatDatabricksType(type.element)}>`;
    case 'map':
      return `MAP<${formatDatabricksType(type.key)}, ${formatDatabricksType(type.value)}>`;
    case 'struct':
      return `STRUCT<${type.fields
        .map((f) => `${/^[A-Za-z_][A-Za-z0-9_]*$/.test(f.name) ? f.name : `\`${f.name.replaceAll('`', '``')}\``}: ${formatDatabricksType(f.type)}${f.nullable ? '' : ' NOT NULL'}`)
        .join(', ')}>`;
  }
}

// A cursor over the text; a class because it carries a position through the recursive descent.
class Parser {
  readonly #text: string;
  pos = 0;

  constructor(text: string) {
    this.#text = text;
  }

  atEnd(): boolean {
    return this.pos >= this.#text.length;
  }

  skipSpace(): void {
    while (this.pos < this.#text.length && /\s/.test(this.#text[this.pos]!)) this.pos += 1;
  }

  type(): DatabricksType {
    this.skipSpace();
    const word = this.#word();
    if (word === undefined) this.#fail('expected a type name');
    const name = ALIASES[word.toUpperCase()] ?? word.toUpperCase();
    switch (name) {
      case 'ARRAY': {
        this.#expect('<');
        const element = this.type();
        this.#expect('>');
        return { kind: 'array', element };
      }
      case 'MAP': {
        this.#expect('<');
        const key = this.type();
        this.#expect(',');
        const value = this.type();
        this.#expect('>');
        return { kind: 'map', key, value };
      }
      case 'STRUCT':
        return { kind: 'struct', fields: this.#structFields() };
      case 'INTERVAL': {
        const from = this.#word()?.toUpperCase();
        if (from === undefined) this.#fail('expected an interval unit');
        const save = this.pos;
        if (this.#word()?.toUpperCase() === 'TO') {
          const to = this.#word()?.toUpperCase();
          if (to === undefined) this.#fail('expected an interval unit after TO');
          return { kind: 'interval', from, to };
        }
        this.pos = save;
        return { kind: 'interval', from, to: undefined };
      }
      case 'DECIMAL': {
        const args = this.#args();
        const precision = args.length > 0 ? Number(args[0]) : 10;
        const scale = args.length > 1 ? Number(args[1]) : 0;
        if (!Number.isInteger(precision) || !Number.isInteger(scale) || args.length > 2) this.#fail('bad DECIMAL arguments');
        return { kind: 'decimal', precision, scale };
      }
      default:
        return { kind: 'primitive', name, args: this.#args() };
    }
  }

  #structFields(): StructField[] {
    this.#expect('<');
    const fields: StructField[] = [];
    this.skipSpace();
    if (this.#peek() === '>') {
      this.pos += 1;
      return fields;
    }
    for (;;) {
      this.skipSpace();
      const name = this.#peek() === '`' ? this.#quoted() : this.#word();
      if (name === undefined) this.#fail('expected a struct field name');
      this.skipSpace();
      // DESCRIBE writes `name:type`; GetColumns `name: type`; DDL `name type`.
      if (this.#peek() === ':') this.pos += 1;
      const type = this.type();
      let nullable = true;
      for (;;) {
        const save = this.pos;
        const word = this.#word()?.toUpperCase();
        if (word === 'NOT' && this.#word()?.toUpperCase() === 'NULL') {
          nullable = false;
        } else if (word === 'COMMENT') {
          this.skipSpace();
          this.#stringLiteral();
        } else {
          this.pos = save;
          break;
        }
      }
      fields.push({ name, type, nullable });
      this.skipSpace();
      const c = this.#peek();
      this.pos += 1;
      if (c === '>') return fields;
      if (c !== ',') this.#fail('expected "," or ">" in STRUCT');
    }
  }

  /** `(a, b)` after a type name, as raw trimmed strings (GEOGRAPHY(OGC:CRS84), VARCHAR(20)). */
  #args(): string[] {
    const save = this.pos;
    this.skipSpace();
    if (this.#peek() !== '(') {
      this.pos = save;
      return [];
    }
    const end = this.#text.indexOf(')', this.pos);
    if (end < 0) this.#fail('missing ")"');
    const inner = this.#text.slice(this.pos + 1, end);
    this.pos = end + 1;
    return inner.split(',').map((a) => a.trim());
  }

  #word(): string | undefined {
    this.skipSpace();
    const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.#text.slice(this.pos));
    if (match === null) return undefined;
    this.pos += match[0].length;
    return match[0];
  }

  #quoted(): string {
    let name = '';
    for (let i = this.pos + 1; i < this.#text.length; i += 1) {
      if (this.#text[i] === '`') {
        if (this.#text[i + 1] === '`') {
          name += '`';
          i += 1;
        } else {
          this.pos = i + 1;
          return name;
        }
      } else {
        name += this.#text[i];
      }
    }
    this.#fail('unterminated `quoted` name');
  }

  /** A string literal; adjacent literals ('it' 's', also written 'it''s') concatenate in Spark SQL. */
  #stringLiteral(): void {
    let quote = this.#peek();
    if (quote !== "'" && quote !== '"') this.#fail('expected a string after COMMENT');
    while (quote === "'" || quote === '"') {
      let end = -1;
      for (let i = this.pos + 1; i < this.#text.length; i += 1) {
        if (this.#text[i] === '\\') i += 1;
        else if (this.#text[i] === quote) {
          end = i;
          break;
        }
      }
      if (end < 0) this.#fail('unterminated COMMENT string');
      this.pos = end + 1;
      this.skipSpace();
      quote = this.#peek();
    }
  }

  #peek(): string | undefined {
    return this.#text[this.pos];
  }

  #expect(c: string): void {
    this.skipSpace();
    if (this.#peek() !== c) this.#fail(`expected "${c}"`);
    this.pos += 1;
  }

  #fail(reason: string): never {
    throw new TypeParseError(this.#text, `${reason} at position ${this.pos}`);
  }
}
