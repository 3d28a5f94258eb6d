/**
 * Requests Node's HTTP parser refuses before Express sees them (a request line or headers over
 * `maxHeaderSize`, a malformed request, a header timeout) get a problem document too, written on
 * the socket, instead of Node's bare status line. The connection is closed after it: the parser
 * cannot tell where the broken request ends.
 */
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';

/** Status and title per parser error code; anything else is a plain 400. */
const ANSWERS: Record<string, [number, string, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'Request header fields too large', 'the request line or headers exceed the server limit (16 KB by default)'],
  HPE_URI_TOO_LONG: [414, 'URI too long', 'the request target is longer than the server accepts'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request timeout', 'the request did not arrive in time'],
};

/** The raw HTTP response answering a parser error `code`. */
export function clientErrorResponse(code: string | undefined): string {
  const [status, title, detail] = ANSWERS[code ?? ''] ?? [400, 'Bad request', 'the request is not valid HTTP/1.1'];
  const body = JSON.stringify({ type: `/problems/${status === 400 ? 'bad-request' : title.toLowerCase().replace(/ /g, '-')}`, title, status, detail });
  return [
    `HTTP/1.1 ${status} ${title}`,
    'Content-Type: application/problem+json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Cache-Control: no-store',
    'X-Content-Type-Options: nosniff',
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}

/** Answers every client error on `server` with a problem document, then closes the connection. */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    // A reset or an already answered socket has nobody left to read an answer.
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    socket.end(clientErrorResponse(err.code));
  });
}
