/** `npm run migrate`: the same as `masar migrate`. */
import { main } from '../cli/main';

main(['migrate', ...process.argv.slice(2)])
  .then((code) => process.exit(code))
  .catch((err: unknown) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exit(2);
  });
