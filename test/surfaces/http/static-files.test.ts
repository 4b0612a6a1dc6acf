import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryBus } from '../../../src/infra/bus/impl/memory.js';
import { type HttpServerHandle, startHttpServer } from '../../../src/surfaces/http/server.js';
import { DASHBOARD_CSP, DEFAULT_STATIC_DIR, resolveStaticPath } from '../../../src/surfaces/http/static-files.js';
import { silentLogger } from '../../../src/infra/log/logger.port.js';
import { rawGet } from './support/http-client.js';
import { inMemorySources } from './support/in-memory-sources.js';

let server: HttpServerHandle | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(staticDir?: string): Promise<string> {
  server = await startHttpServer({
    host: '127.0.0.1',
    port: 0,
    sources: inMemorySources(),
    bus: createMemoryBus({ logger: silentLogger }),
    logger: silentLogger,
    staticDir,
  });
  return server.url;
}

describe('the dashboard assets', () => {
  it('serves the page at / with a strict CSP and the right content types', async () => {
    const url = await start();
    const page = await rawGet(url, '/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toBe(DASHBOARD_CSP);
    expect(page.headers['content-security-policy']).toMatch(/script-src 'self';/);
    expect(page.headers['content-security-policy']).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.body).toContain('<script type="module" src="/app.js">');
    expect((await rawGet(url, '/app.js')).headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect((await rawGet(url, '/dashboard.css')).headers['content-type']).toBe('text/css; charset=utf-8');
    const head = await rawGet(url, '/app.js', {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
  });

  it('references no external origin: the page works without internet', async () => {
    const url = await start();
    for (const f of ['/', '/app.js', '/feed.js', '/panels.js', '/dom.js', '/dashboard.css']) {
      const body = (await rawGet(url, f)).body;
      expect(body, f).not.toMatch(/(https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}/i);
      expect(body, f).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
    }
  });

  it.each([
    '/../package.json',
    '/%2e%2e/package.json',
    '/%2E%2E/%2e%2e/package.json',
    '/..%2fpackage.json',
    '/..%5cpackage.json',
    '/%2e%2e%2f%2e%2e%2fpackage.json',
    '/....//package.json',
    '/%00index.html',
    '/index.html%00.js',
    '/.hidden.js',
    '/README.md',
    '/app.ts',
    '//etc/passwd',
    '/%252e%252e/package.json',
    '/%zz',
  ])('answers 404 for %s', async (path) => {
    const url = await start();
    const r = await rawGet(url, path);
    expect(r.status).toBe(404);
    expect(JSON.parse(r.body)).toEqual({ error: 'not found' });
    expect(r.body).not.toContain('"name": "decnet-orchestrator"');
  });

  it.each([
    '/../secret.css',
    '/%2e%2e/secret.css',
    '/%2E%2E/secret.css',
    '/..%2fsecret.css',
    '/%2e%2e%2fsecret.css',
    '/a/../../secret.css',
    '/..%5csecret.css',
  ])('never serves a servable file just outside the root via %s', async (path) => {
    const dir = mkdtempSync(join(tmpdir(), 'web-'));
    mkdirSync(join(dir, 'web', 'a'), { recursive: true });
    writeFileSync(join(dir, 'web', 'index.html'), '<p>ok</p>');
    writeFileSync(join(dir, 'secret.css'), 'SECRET');
    const url = await start(join(dir, 'web'));
    const r = await rawGet(url, path);
    expect(r.status).toBe(404);
    expect(r.body).not.toContain('SECRET');
  });

  it('does not follow a symlink out of the web root', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'web-'));
    writeFileSync(join(dir, 'index.html'), '<p>ok</p>');
    symlinkSync('/etc/hostname', join(dir, 'leak.css'));
    const url = await start(dir);
    expect((await rawGet(url, '/')).body).toBe('<p>ok</p>');
    expect((await rawGet(url, '/leak.css')).status).toBe(404);
  });
});

describe('resolveStaticPath', () => {
  it('maps / to index.html and keeps every result under the root', () => {
    expect(resolveStaticPath(DEFAULT_STATIC_DIR, '/')).toBe(join(DEFAULT_STATIC_DIR, 'index.html'));
    expect(resolveStaticPath('/srv/web', '/a/b.js')).toBe('/srv/web/a/b.js');
    expect(resolveStaticPath('/srv/web', '/a/../../web2/x.js')).toBeNull();
    expect(resolveStaticPath('/srv/web', '/..')).toBeNull();
  });
});
