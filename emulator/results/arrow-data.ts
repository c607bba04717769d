import { makeData, type Data } from 'apache-arrow';

/**
 * apache-arrow's makeData, untyped: its overloads want the Arrow type statically, and the
 * encoders here pick it at run time from the result's columns.
 */
export const makeAnyData = makeData as unknown as (props: Record<string, unknown>) => Data;
