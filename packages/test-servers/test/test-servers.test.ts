import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startPostgresServer, startRedisServer } from '../src/index.js';

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

  it('freezes, resumes, halts and starts redis-server again on the same port', async () => {
    const server = await startRedisServer();
    try {
      server.pause();
      // Frozen: the kernel still accepts the connection, the server answers nothing.
      const answer = ask(server.port, 'PING\r\n');
      const quiet = new Promise((resolve) => setTimeout(() => resolve('no answer'), 300));
      expect(await Promise.race([answer, quiet])).toBe('no answer');
      server.resume();
      expect(await answer).toBe('+PONG\r\n');
      await server.halt();
      await expect(ask(server.port, 'PING\r\n')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
      await server.start();
      expect(await ask(server.port, 'PING\r\n')).toBe('+PONG\r\n');
    } finally {
      await server.stop();
    }
  });

  it('halts PostgreSQL and starts it again on the same port', async () => {
    const server = await startPostgresServer();
    const sslRequest = Buffer.from([0, 0, 0, 8, 4, 210, 22, 47]);
    try {
      await server.halt();
      await expect(ask(server.port, sslRequest)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
      await server.start();
      expect(await ask(server.port, sslRequest)).toBe('N');
    } finally {
      await server.stop();
    }
  });

  it('fails loudly when the binary is missing', async () => {
    await expect(startRedisServer({ binary: '/nonexistent/redis-server' })).rejects.toThrow(
      /could not start/,
    );
    await expect(startPostgresServer({ binDir: '/nonexistent' })).rejects.toThrow(/initdb/);
  });
});
