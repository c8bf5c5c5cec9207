import { TransportError } from '@hh-oauth/core';

/**
 * Reads a response body as text, refusing more than `maxBytes` of decoded bytes without buffering
 * the excess. An unencoded body whose Content-Length is within the cap takes the fast path.
 */
export function readCapped(response: Response, maxBytes: number): Promise<string> {
  // Content-Length counts the bytes on the wire: with a Content-Encoding (gzip, br) the decoded
  // body can be far larger, so only an unencoded body may take the fast path.
  const declared =
    response.headers.get('content-encoding') === null
      ? response.headers.get('content-length')
      : null;
  if (declared !== null) {
    const length = Number(declared);
    if (length > maxBytes) return refuse(response);
    // Not an async function, so that this path, the API's hot one, adds no promise of its own.
    if (Number.isSafeInteger(length)) return response.text();
  }
  return readStream(response, maxBytes);
}

async function refuse(response: Response): Promise<never> {
  await response.body?.cancel();
  throw tooLarge(response.status);
}

async function readStream(response: Response, maxBytes: number): Promise<string> {
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw tooLarge(response.status);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

function tooLarge(status: number): TransportError {
  return new TransportError('response_too_large', 'the response is larger than allowed', {
    status,
  });
}
