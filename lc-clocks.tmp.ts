import { compileProcedure } from './definitions/compile';
import { loadProcedureDirectory } from './definitions/load';
import { SHIPPED_TEMPLATE_NAMES } from './cli/commands/validate';
(async () => {
  const l = await loadProcedureDirectory('definitions/procedures', { knownTemplates: new Set(SHIPPED_TEMPLATE_NAMES) });
  for (const f of l.results) if (f.ok) {
    const c = compileProcedure(f.procedure);
    for (const [n, k] of Object.entries(c.clocks)) console.log(`${c.id} clock ${n} ${k.duration} runsIn=${k.runsIn} -> ${k.endOnNonWorkingDay}`);
    for (const [n, s] of Object.entries(c.states)) if (s.kind === 'waiting' && s.timeout) console.log(`${c.id} timeout ${n} ${s.timeout.after} -> ${s.timeout.endOnNonWorkingDay}`);
  }
})();
