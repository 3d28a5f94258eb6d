/**
 * The territorial directory as any signed-in caller reads it: units, filtered and paged.
 */
import type { ListUnitsOptions, UnitPage } from '../db/directory';
import type { UseCaseDeps } from './deps';

/** One page of units (the directory bounds `limit`). */
export async function listUnits(deps: Pick<UseCaseDeps, 'directory'>, query: ListUnitsOptions): Promise<UnitPage> {
  return deps.directory.listUnits(query);
}
