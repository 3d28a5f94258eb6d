/**
 * `GET /me/personal-data`: the applicant downloads everything Masar holds about them, as JSON
 * (`format=json`, the default, sent as a file) or as a readable page (`format=html`). The rules and
 * the rights register are in `usecases/personal-data.ts`.
 *
 * `GET /me/personal-data/contact` and `POST /me/personal-data/rectifications`: the applicant's
 * contact data as their cases hold it, and its rectification (`usecases/rectify-contact.ts`).
 */
import type { Express } from 'express';
import { z } from 'zod';
import { exportPersonalData } from '../../usecases/personal-data';
import { contactOverview, rectifyContact } from '../../usecases/rectify-contact';
import { authenticate, principalOf } from '../auth';
import { API, type RouteContext } from '../context';
import { apiRoute, requireJson, route } from '../http';
import { personalDataPage } from '../personal-data-page';
import { parseOr } from '../problems';

const ExportQuery = z.strictObject({ format: z.enum(['json', 'html']).default('json') });

export function registerPersonalDataRoutes(app: Express, ctx: RouteContext): void {
  app.get(
    `${API}/me/personal-data`,
    authenticate(ctx.deps.verifyToken),
    ctx.limited,
    route(async (req, res) => {
      const { format } = parseOr(ExportQuery, req.query, 'query');
      const data = await exportPersonalData(ctx.useCases, principalOf(req), apiRoute(req));
      const day = data.generatedAt.slice(0, 10);
      res.setHeader('Content-Disposition', `attachment; filename="masar-personal-data-${day}.${format}"`);
      if (format === 'html') res.type('html').send(personalDataPage(data));
      else res.json(data);
    }),
  );

  app.get(
    `${API}/me/personal-data/contact`,
    authenticate(ctx.deps.verifyToken),
    ctx.limited,
    route(async (req, res) => {
      parseOr(z.strictObject({}), req.query, 'query');
      res.json(await contactOverview(ctx.useCases, principalOf(req)));
    }),
  );

  app.post(
    `${API}/me/personal-data/rectifications`,
    authenticate(ctx.deps.verifyToken),
    ctx.limited,
    route(async (req, res) => {
      requireJson(req);
      // The body is parsed by the use case: the console sends the same fields from its form.
      res.json(await rectifyContact(ctx.useCases, principalOf(req), req.body, apiRoute(req)));
    }),
  );
}
