/**
 * Law 55-19's catalogue over HTTP (`usecases/catalogue.ts`): `GET /catalogue`, public and
 * read-only, every published procedure's documents, fees and deadline in French and Arabic.
 */
import type { Express } from 'express';
import { z } from 'zod';
import { readCatalogue } from '../../usecases/catalogue';
import { API, type RouteContext } from '../context';
import { route } from '../http';
import { parseOr } from '../problems';

/** No query parameters: anything in the query string is a mistake worth telling. */
const CatalogueQuery = z.strictObject({});

export function registerCatalogueRoutes(app: Express, ctx: RouteContext): void {
  app.get(
    `${API}/catalogue`,
    route(async (req, res) => {
      parseOr(CatalogueQuery, req.query, 'query');
      res.set('Cache-Control', 'public, max-age=300');
      res.json(await readCatalogue(ctx.deps));
    }),
  );
}
