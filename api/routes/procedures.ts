/**
 * The procedure registry over HTTP (`usecases/procedures.ts`): list and read published procedures,
 * validate and publish new versions (admins). A body is the YAML definition itself
 * (`application/yaml`) or JSON `{ "source": "<yaml>" }`.
 */
import type { Express, Request } from 'express';
import { z } from 'zod';
import { PROCEDURE_TEMPLATE_NAMES } from '../../activities/notifications/render';
import type { CompiledProcedure } from '../../definitions/compiled';
import { stateOutcome } from '../../definitions/compiled';
import { mermaidDiagram } from '../../definitions/diagram';
import { PROCEDURE_ID } from '../../definitions/schema';
import {
  authorizePublish,
  authorizeValidate,
  listProcedures,
  procedureWarnings,
  publishProcedure,
  readProcedure,
  validateProcedure,
  type DefinitionOptions,
} from '../../usecases/procedures';
import { authenticate, principalOf } from '../auth';
import { API, type RouteContext } from '../context';
import { route } from '../http';
import { HttpProblem, parseOr } from '../problems';
import { intQuery } from '../params';

const IdParam = z.strictObject({ id: z.string().max(100).regex(PROCEDURE_ID, 'must be a procedure id') });
const VersionQuery = z.strictObject({ version: intQuery(1).optional() });
const SourceBody = z.strictObject({ source: z.string().min(1) });

/** The YAML text of a validate/publish request. */
function sourceOf(req: Request): string {
  if (req.is(['application/yaml', 'application/x-yaml', 'text/yaml', 'text/plain']) && typeof req.body === 'string') return req.body;
  if (req.is(['application/json', 'application/*+json'])) return parseOr(SourceBody, req.body, 'body').source;
  throw new HttpProblem(415, 'unsupported-media-type', 'send the definition as application/yaml, or as JSON {"source": "..."}');
}

/** Templates a published procedure may name: the shipped ones (plus its own `templates`). */
const DEFINITIONS: DefinitionOptions = { knownTemplates: new Set(PROCEDURE_TEMPLATE_NAMES) };

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
          ...(s.kind === 'task' ? { task: s.task } : {}),
          ...(stateOutcome(s) ? { outcome: stateOutcome(s) } : {}),
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

  app.get(
    `${API}/procedures`,
    auth,
    route(async (_req, res) => {
      res.json({ items: await listProcedures(ctx.useCases) });
    }),
  );

  app.get(
    `${API}/procedures/:id`,
    auth,
    route(async (req, res) => {
      const { id } = parseOr(IdParam, req.params, 'params');
      const { version } = parseOr(VersionQuery, req.query, 'query');
      const { published, versions } = await readProcedure(ctx.useCases, id, version);
      res.json({ ...procedureDetail(published.compiled), publishedAt: published.publishedAt, publishedBy: published.publishedBy, versions });
    }),
  );

  app.post(
    `${API}/procedures/validate`,
    auth,
    route(async (req, res) => {
      const p = principalOf(req);
      // Refused before the body is read (the use case checks again).
      authorizeValidate(p);
      const { compiled, warnings: definitionWarnings } = validateProcedure(p, sourceOf(req), DEFINITIONS);
      const warnings = await procedureWarnings(ctx.useCases, compiled);
      res.json({ valid: true, id: compiled.id, version: compiled.version, hash: compiled.hash, warnings, definitionWarnings, diagram: { mermaid: mermaidDiagram(compiled) } });
    }),
  );

  app.post(
    `${API}/procedures`,
    auth,
    route(async (req, res) => {
      const p = principalOf(req);
      authorizePublish(p);
      const result = await publishProcedure(ctx.useCases, p, sourceOf(req), DEFINITIONS);
      res.setHeader('Location', `${API}/procedures/${result.compiled.id}?version=${result.compiled.version}`);
      res.status(result.outcome === 'published' ? 201 : 200).json({
        outcome: result.outcome,
        warnings: result.warnings,
        ...procedureDetail(result.procedure.compiled),
        publishedAt: result.procedure.publishedAt,
        publishedBy: result.procedure.publishedBy,
        definitionWarnings: result.definitionWarnings,
      });
    }),
  );
}
