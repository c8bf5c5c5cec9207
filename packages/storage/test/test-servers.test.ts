import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startPostgresServer, startRedisServer } from '../src/test-servers/index.js';

function ask(port: number, request: string | Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    socket.once('error', reject);
    socket.connect(port, '127.0.0.1', () => socket.write(request));
    socket.once('data', (chunk) => {
      socket.destroy();
      resolve(chunk.toString('latin1'));
    });
  });
}

describe('test servers', () => {
  it('starts and stops a real redis-server on 127.0.0.1', async () => {
    const server = await startRedisServer();
    try {
      expect(server.url).toBe(`redis://127.0.0.1:${server.port}`);
      expect(await ask(server.port, 'PING\r\n')).toBe('+PONG\r\n');
    } finally {
      await server.stop();
    }
    await expect(ask(server.port, 'PING\r\n')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('starts and stops a real PostgreSQL server on 127.0.0.1', async () => {
    const server = await startPostgresServer();
    try {
      expect(server.connectionString).toBe(
        `postgresql://postgres@127.0.0.1:${server.port}/postgres`,
      );
      // An SSLRequest: the server answers one byte, 'N' (no TLS) — it speaks the protocol.
      const sslRequest = Buffer.from([0, 0, 0, 8, 4, 210, 22, 47]);
      expect(await ask(server.port, sslRequest)).toBe('N');
    } finally {
      await server.stop();
    }
    await expect(ask(server.port, 'x')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('fails loudly when the binary is missing', async () => {
    await expect(startRedisServer({ binary: '/nonexistent/redis-server' })).rejects.toThrow(
      /could not start/,
    );
    await expect(startPostgresServer({ binDir: '/nonexistent' })).rejects.toThrow(/initdb/);
  });
});
