import type { ServerResponse } from 'node:http';
import { TCLIService, thrift } from './thrift-runtime.js';

/**
 * The RPC name of a TBinaryProtocol message, read from the body before decoding so faults can
 * target RPCs. Strict framing: i32 version|type, i32 name length, name; old framing: i32 name
 * length, name, byte type.
 */
export function peekRpcName(body: Buffer): string {
  if (body.length < 8) return '';
  const first = body.readInt32BE(0);
  if (first < 0) {
    const len = body.readInt32BE(4);
    return len > 0 && 8 + len <= body.length ? body.toString('utf8', 8, 8 + len) : '';
  }
  return first > 0 && 4 + first <= body.length ? body.toString('utf8', 4, 4 + first) : '';
}

/**
 * Runs one Thrift call (binary protocol, buffered transport: what the driver's
 * ThriftHttpConnection sends, NOTES §1 "Connection") through the generated Processor and hands
 * the serialized reply to `send`.
 */
export function processThrift(handler: object, body: Buffer, send: (reply: Buffer) => void): void {
  const processor = new TCLIService.Processor(handler);
  const receive = thrift.TBufferedTransport.receiver((transport) => {
    const input = new thrift.TBinaryProtocol(transport);
    const output = new thrift.TBinaryProtocol(new thrift.TBufferedTransport(undefined, send));
    processor.process(input, output);
  });
  receive(body);
}

/** Writes a Thrift reply, or only its first `cutAfterBytes` bytes and then resets the connection. */
export function writeThriftReply(res: ServerResponse, reply: Buffer, cutAfterBytes?: number): void {
  if (cutAfterBytes === undefined) {
    res.writeHead(200, { 'content-type': 'application/x-thrift', 'content-length': reply.length });
    res.end(reply);
    return;
  }
  res.writeHead(200, { 'content-type': 'application/x-thrift' });
  cutResponse(res, reply, cutAfterBytes);
}

/**
 * Sends part of a body then destroys the socket: the client sees a reset mid-response. Callers
 * send such bodies chunked: the driver's node-fetch only notices a truncated body as
 * "Premature close" (which its retry policy handles) for chunked responses; with a
 * Content-Length it waits forever.
 */
export function cutResponse(res: ServerResponse, body: Buffer, afterBytes: number): void {
  const part = body.subarray(0, Math.min(afterBytes, Math.max(0, body.length - 1)));
  // resetAndDestroy() needs a raw TCP handle, which a TLS socket is not; destroy() drops the
  // connection just as abruptly for the client.
  res.write(part, () => res.socket?.destroy());
}
