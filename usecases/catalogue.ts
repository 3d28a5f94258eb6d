/**
 * Law 55-19's catalogue: for every published procedure (its latest version), the documents it may
 * ask for, its fees and its deadline, in French and Arabic. Public information: anyone may read it,
 * signed in or not (the law requires its publication).
 */
import { latestCompiled } from '../db/procedures';
import { catalogueEntry, type CatalogueEntry } from '../definitions/catalogue';
import type { UseCaseDeps } from './deps';

export interface Catalogue {
  procedures: CatalogueEntry[];
  /** Published procedures whose definition declares no catalogue yet (an administrator should add one). */
  undeclared: string[];
}

/** The catalogue of the published procedures, in procedure id order. */
export async function readCatalogue(deps: Pick<UseCaseDeps, 'db'>): Promise<Catalogue> {
  const procedures: CatalogueEntry[] = [];
  const undeclared: string[] = [];
  for (const compiled of await latestCompiled(deps.db)) {
    const entry = catalogueEntry(compiled);
    if (entry) procedures.push(entry);
    else undeclared.push(compiled.id);
  }
  return { procedures, undeclared };
}
