import { arrowBatchMessage, arrowIpcStream } from '../results/arrow-batch.js';
import { arrowSchemaMessage } from '../results/arrow-schema.js';
import { columnRowSet } from '../results/column-rowset.js';
import { thriftTableSchema } from '../results/thrift-schema.js';
import type { ResultEncoders } from './warehouse-backend.js';

/** The emulator's result encoders (emulator/results) bound to the wire layer's port. */
export const resultEncoders: ResultEncoders = {
  thriftTableSchema,
  arrowSchemaMessage,
  arrowBatchMessage,
  arrowIpcStream,
  columnRowSet,
};
