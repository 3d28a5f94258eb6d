/**
 * The procedure registry over HTTP: list and read published procedures (any signed-in caller:
 * applicants need the input fields to file), validate and publish new versions (admins). A body is
 * the YAML definition itself (`application/yaml`) or JSON `{ "source": "<yaml>" }`.
 */
import type { Express, Request } from 'express';
import { z } from 'zod';
import { getProcedure, listProcedures, listVersions, publishProcedure } from '../../db/procedures';
import { compileProcedure } from '../../definitions/compile';
import type { CompiledProcedure } from '../../definitions/compiled';
import { formatDefinitionError } from '../../definitions/errors';
import { TEMPLATE_NAMES } from '../../activities/notifications/render';
import { loadProcedureSource } from '../../definitions/load';
import { PROCEDURE_ID } from '../../definitions/schema';
import { requireAdmin } from '../access';
import { API, type RouteContext } from '../app';
import { authenticate, principalOf } from '../auth';
import { mermaidDiagram } from '../../definitions/diagram';
import { route } from '../http';
import { conflict, HttpProblem, notFound, parseOr, unprocessable } from '../problems';

const IdParam = z.strictObject({ id: z.string().max(100).regex(PROCEDURE_ID, 'must be a procedure id') });
const VersionQuery = z.strictObject({ version: z.coerce.number().int().positive().optional() });
const SourceBody = z.strictObject({ source: z.string().min(1) });

/** The YAML text of a validate/publish request. */
function sourceOf(req: Request): string {
  if (req.is(['application/yaml', 'application/x-yaml', 'text/yaml', 'text/plain']) && typeof req.body === 'string') return req.body;
  if (req.is(['application/json', 'application/*+json'])) return parseOr(SourceBody, req.body, 'body').source;
  throw new HttpProblem(415, 'unsupported-media-type', 'send the definition as application/yaml, or as JSON {"source": "..."}');
}

/** Templates a published procedure may name: the shipped ones (plus its own `templates`). */
const KNOWN_TEMPLATES: ReadonlySet<string> = new Set(TEMPLATE_NAMES);

/** A warning as the API returns it (never blocking). */
export interface DefinitionWarning {
  path: string;
  message: string;
  line: number;
  column: number;
}

/** Loads and compiles, or throws 422 listing every problem with its line and column. */
function compileSource(source: string): { compiled: CompiledProcedure; warnings: DefinitionWarning[] } {
  const loaded = loadProcedureSource(source, 'request.yaml', { knownTemplates: KNOWN_TEMPLATES });
  if (!loaded.ok) {
    throw unprocessable(
      `the definition has ${loaded.errors.length} problem(s): ${loaded.errors.slice(0, 3).map(formatDefinitionError).join('; ')}`,
      loaded.errors.map((e) => ({ path: e.path, message: e.hint ? `${e.message} (${e.hint})` : e.message, line: e.line, column: e.column })),
      'invalid-definition',
    );
  }
  const warnings = loaded.warnings.map((w) => ({ path: w.path, message: w.hint ? `${w.message} (${w.hint})` : w.message, line: w.line, column: w.column }));
  return { compiled: compileProcedure(loaded.procedure), warnings };
}

/** What `GET /procedures/{id}` returns about one version. */
export function procedureDetail(compiled: CompiledProcedure) {
  return {
    id: compiled.id,
    version: compiled.version,
    hash: compiled.hash,
    title: compiled.title,
    ...(compiled.description ? { description: compiled.description } : {}),
    legalBasis: compiled.legalBasis,
    roles: compiled.roles,
    input: compiled.input,
    initial: compiled.initial,
    states: Object.fromEntries(
      Object.entries(compiled.states).map(([name, s]) => [
        name,
        {
          kind: s.kind,
          label: s.label,
          ...(s.task ? { task: s.task } : {}),
          ...(s.outcome ? { outcome: s.outcome } : {}),
          actions: Object.fromEntries(
            Object.entries(s.actions).map(([a, def]) => [a, { label: def.label, by: def.by, to: def.to, input: def.input, reasonRequired: def.reasonRequired }]),
          ),
        },
      ]),
    ),
    clocks: compiled.clocks,
    ...(compiled.escalation ? { escalation: compiled.escalation } : {}),
    diagram: { mermaid: mermaidDiagram(compiled) },
  };
}

export function registerProcedureRoutes(app: Express, ctx: RouteContext): void {
  const auth = authenticate(ctx.deps.verifyToken);
  const { db } = ctx.deps;

  app.get(
    `${API}/procedures`,
    auth,
    route(async (_req, res) => {
      res.json({ items: await listProcedures(db) });
    }),
  );

  app.get(
    `${API}/procedures/:id`,
    auth,
    route(async (req, res) => {
      const { id } = parseOr(IdParam, req.params, 'params');
      const { version } = parseOr(VersionQuery, req.query, 'query');
      const published = await getProcedure(db, id, version);
      if (!published) throw notFound(version ? `no procedure ${id} version ${version}` : `no procedure ${id}`);
      const versions = await listVersions(db, id);
      res.json({ ...procedureDetail(published.compiled), publishedAt: published.publishedAt, publishedBy: published.publishedBy, versions });
    }),
  );

  app.post(
    `${API}/procedures/validate`,
    auth,
    route(async (req, res) => {
      requireAdmin(principalOf(req), 'validating a procedure');
      const { compiled, warnings } = compileSource(sourceOf(req));
      res.json({ valid: true, id: compiled.id, version: compiled.version, hash: compiled.hash, warnings, diagram: { mermaid: mermaidDiagram(compiled) } });
    }),
  );

  app.post(
    `${API}/procedures`,
    auth,
    route(async (req, res) => {
      const p = principalOf(req);
      requireAdmin(p, 'publishing a procedure');
      const source = sourceOf(req);
      const { compiled, warnings } = compileSource(source);
      const result = await publishProcedure(db, compiled, source, p.sub);
      if (result.outcome === 'conflict') {
        throw conflict(
          'procedure-version-exists',
          `procedure ${compiled.id} version ${compiled.version} is already published with different content (hash ${result.existing.hash.slice(0, 12)}); bump version to publish a change`,
        );
      }
      res.setHeader('Location', `${API}/procedures/${compiled.id}?version=${compiled.version}`);
      res.status(result.outcome === 'published' ? 201 : 200).json({
        outcome: result.outcome,
        ...procedureDetail(result.procedure.compiled),
        publishedAt: result.procedure.publishedAt,
        publishedBy: result.procedure.publishedBy,
        warnings,
      });
    }),
  );
}
