/**
 * Operations routes, without authentication: liveness, readiness (PostgreSQL and Temporal answer),
 * Prometheus metrics, the OpenAPI document and a plain HTML page listing the routes (no CDN, no
 * script: the Content-Security-Policy forbids both).
 */
import type { Express } from 'express';
import { API, type RouteContext } from '../context';
import { route } from '../http';
import { openApiDocument } from '../openapi';
import { unavailable } from '../problems';

const escapeHtml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function docsPage(doc: ReturnType<typeof openApiDocument>): string {
  const paths = doc.paths as Record<string, Record<string, { summary?: string }>>;
  const rows = Object.entries(paths)
    .flatMap(([path, ops]) =>
      Object.entries(ops).map(
        ([method, op]) => `<tr><td><code>${method.toUpperCase()}</code></td><td><code>${escapeHtml(path)}</code></td><td>${escapeHtml(op.summary ?? '')}</td></tr>`,
      ),
    )
    .join('\n');
  return `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Masar API</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem}table{border-collapse:collapse;width:100%}
td{border-bottom:1px solid #ddd;padding:.4rem;vertical-align:top}code{font-size:.95em}</style></head>
<body><h1>Masar API v1</h1>
<p>Bearer JWT on every <code>/api/v1</code> route except this page and <a href="${API}/openapi.json">openapi.json</a>.
Errors are <code>application/problem+json</code>.</p>
<table><thead><tr><th>Method</th><th>Path</th><th>What</th></tr></thead><tbody>
${rows}
</tbody></table></body></html>
`;
}

/** Races a check against a deadline so a hung dependency cannot hang the probe. */
async function check(fn: () => Promise<unknown>, ms: number): Promise<'ok' | string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([fn(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms)))]);
    return 'ok';
  } catch (err) {
    return (err as Error).message.split('\n')[0] ?? 'failed';
  } finally {
    clearTimeout(timer);
  }
}

export function registerOpsRoutes(app: Express, ctx: RouteContext): void {
  const document = openApiDocument();
  const page = docsPage(document);

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get(
    '/readyz',
    route(async (_req, res) => {
      const [postgres, temporal] = await Promise.all([
        check(() => ctx.deps.db.query('SELECT 1'), 3_000),
        check(() => ctx.deps.engine.ping(), 3_000),
      ]);
      if (postgres !== 'ok' || temporal !== 'ok') {
        const down = [postgres !== 'ok' ? `PostgreSQL: ${postgres}` : '', temporal !== 'ok' ? `Temporal: ${temporal}` : ''].filter(Boolean);
        throw unavailable(`not ready: ${down.join('; ')}`);
      }
      res.json({ status: 'ready', checks: { postgres, temporal } });
    }),
  );

  app.get(
    '/metrics',
    route(async (_req, res) => {
      // Escalations happen inside workflows; the read model counts the open ones at scrape time
      // (partial index cases_escalated). A database outage leaves them out rather than failing the scrape.
      const escalated = await ctx.deps.db
        .query<{ level: string; n: string }>(
          `SELECT escalation_level AS level, count(*) AS n FROM cases
            WHERE status = 'open' AND escalation_level IS NOT NULL GROUP BY escalation_level`,
        )
        .then((r) => r.rows)
        .catch(() => []);
      const gauges = escalated.map((r) => ({
        name: 'masar_open_escalations',
        help: 'Open cases escalated, by the level they reached.',
        labels: { level: r.level },
        value: Number(r.n),
      }));
      res.type('text/plain; version=0.0.4').send(ctx.metrics.render(gauges));
    }),
  );

  app.get(`${API}/openapi.json`, (_req, res) => {
    res.json(document);
  });

  app.get(`${API}/docs`, (_req, res) => {
    res.type('text/html').send(page);
  });
}
