import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { openApiDocument } from '../../../api/openapi';
import { unreachableApp, type UnreachableApp } from './app-fixture';

let u: UnreachableApp;
beforeAll(() => {
  u = unreachableApp();
});
afterAll(async () => {
  await u.close();
});

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
}

/** Every route registered on the app, as `METHOD /path/{param}`. */
function expressRoutes(): string[] {
  const stack = (u.app as unknown as { _router: { stack: Layer[] } })._router.stack;
  return stack
    .filter((l) => l.route)
    .flatMap((l) =>
      Object.keys(l.route?.methods ?? {}).map((m) => `${m.toUpperCase()} ${(l.route?.path ?? '').replace(/:([A-Za-z]+)/g, '{$1}')}`),
    )
    .sort();
}

function documentedRoutes(): string[] {
  const paths = openApiDocument().paths as Record<string, Record<string, unknown>>;
  return Object.entries(paths)
    .flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`))
    .sort();
}

describe('OpenAPI document', () => {
  it('should be a valid OpenAPI 3.1 document', () => {
    // The validator ships as an ES module only; run it in a plain node process.
    const dir = mkdtempSync(path.join(tmpdir(), 'masar-openapi-'));
    const file = path.join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(openApiDocument()));
    const script = `
      import { Validator } from '@seriousme/openapi-schema-validator';
      import { readFileSync } from 'node:fs';
      const result = await new Validator().validate(JSON.parse(readFileSync(process.argv[1], 'utf8')));
      process.stdout.write(JSON.stringify({ valid: result.valid, version: new Validator().version, errors: result.errors ?? null }));
    `;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script, file], { cwd: path.join(__dirname, '..', '..', '..'), encoding: 'utf8' });
    const result = JSON.parse(out) as { valid: boolean; errors: unknown };
    expect(result.errors).toBeNull();
    expect(result.valid).toBe(true);
  });

  it('should document every Express route, and only those', () => {
    expect(documentedRoutes()).toEqual(expressRoutes());
  });

  it('should be served at /api/v1/openapi.json and listed on /api/v1/docs without external resources', async () => {
    const doc = await request(u.app).get('/api/v1/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe('3.1.0');
    const page = await request(u.app).get('/api/v1/docs');
    expect(page.type).toBe('text/html');
    for (const p of Object.keys(doc.body.paths)) expect(page.text).toContain(`<code>${p}</code>`);
    expect(page.text).not.toMatch(/<script|src=|https?:\/\//);
  });
});

