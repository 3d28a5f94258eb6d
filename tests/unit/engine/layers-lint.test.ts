/**
 * The layers of DESIGN.md, enforced by lint: each layer refuses the imports that would make it
 * depend on a layer above it, and accepts the ones it is meant to have.
 */
import { restrictedImports } from '../../support/lint';

const lint = (file: string, importLine: string) => restrictedImports(file, `${importLine}\nexport const x = 1;\n`).join('\n');

describe('layer lint', () => {
  it.each([
    ['definitions/example.ts', "import { createDb } from '../db/pool';", 'imports nothing else of Masar'],
    ['definitions/example.ts', "import type { CaseView } from '../workflows/messages';", 'imports nothing else of Masar'],
    ['db/example.ts', "import type { NotifyInput } from '../activities/types';", 'db/ imports only definitions/ and the contract'],
    ['db/example.ts', "import { fileCase } from '../usecases/file-case';", 'db/ imports only definitions/ and the contract'],
    ['db/example.ts', "import { calendarChange } from '../workflows/calendar-change';", 'only the contract of workflows/'],
    ['db/example.ts', "import { procedureCase } from '../workflows';", 'only the contract of workflows/'],
    ['usecases/example.ts', "import { createApp } from '../api/app';", 'transports call it, not the reverse'],
    ['usecases/example.ts', "import { createMasarWorker } from '../worker/create-worker';", 'transports call it, not the reverse'],
    ['usecases/example.ts', "import { createActivities } from '../activities';", 'transports call it, not the reverse'],
    ['activities/notifications/example.ts', "import { createApp } from '../../api/app';", 'never a transport'],
    ['api/routes/example.ts', "import { createMasarWorker } from '../../worker/create-worker';", 'never imports another transport or the worker'],
    ['worker/example.ts', "import { createApp } from '../api/app';", 'never imports a transport or the use cases'],
    ['workflows/example.ts', "import { fileCase } from '../usecases/file-case';", 'only sandbox-safe'],
    ['console/pages/example.ts', "import { getCase } from '../../db/cases';", 'never reaches the database but through use cases'],
    ['console/pages/example.ts', "import { registerCaseRoutes } from '../../api/routes/cases';", 'never its routes'],
    ['console/pages/example.ts', "import { createActivities } from '../../activities';", 'console/ is a transport'],
    ['console/pages/example.ts', "import { procedureCase } from '../../workflows';", 'only the contract of workflows/'],
    ['api/server.ts', "import { createConsole } from '../console';", 'never imports another transport'],
  ])('should refuse in %s: `%s`', (file, code, message) => {
    expect(lint(file, code)).toContain(message);
  });

  it.each([
    ['db/example.ts', "import type { CaseView } from '../workflows/messages';"],
    ['db/example.ts', "import type { Calendar } from '../definitions/calendar';"],
    ['usecases/example.ts', "import { getCase } from '../db/cases';"],
    ['usecases/example.ts', "import { caseWorkflowId } from '../workflows/messages';"],
    ['api/routes/example.ts', "import { fileCase } from '../../usecases/file-case';"],
    ['cli/commands/example.ts', "import { mintToken } from '../../api/auth';"],
    ['scripts/example.ts', "import { startApi } from '../api/server';"],
    ['console/pages/example.ts', "import { taskInbox } from '../../usecases/inbox';"],
    ['console/pages/example.ts', "import type { InboxItem } from '../../db/cases';"],
    ['console/example.ts', "import { guardRequest } from '../api/input-guard';"],
    ['api/main.ts', "import { consoleFromConfig } from '../console';"],
  ])('should accept in %s: `%s`', (file, code) => {
    expect(lint(file, code)).toBe('');
  });
});
