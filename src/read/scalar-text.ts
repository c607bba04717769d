import type { Warehouse } from '../client/warehouse.js';
import type { RenderedQuery } from '../sql/select-query.js';
import { decodeArrowChunk } from './arrow/decode-arrow-chunk.js';
import { columnText } from './arrow/encode-rows.js';

/**
 * The first row's value of `column` as exact text, through the same Arrow decoding that writes
 * records, so a cursor bound compares equal to the cursor text of the rows it bounds. Undefined
 * when the result has no rows; null for SQL NULL.
 */
export async function queryScalarText(
  warehouse: Warehouse,
  query: RenderedQuery,
  column: string,
  signal?: AbortSignal,
): Promise<string | null | undefined> {
  let found: string | null | undefined;
  for await (const chunk of warehouse.queryArrow(query.sql, query.parameters, signal === undefined ? {} : { signal })) {
    if (found !== undefined) continue;
    for (const batch of decodeArrowChunk(chunk)) {
      if (batch.length > 0) {
        found = columnText(batch, column)(0);
        break;
      }
    }
  }
  return found;
}
