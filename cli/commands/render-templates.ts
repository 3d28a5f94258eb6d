/**
 * `masar render-templates [--out dir]`: renders every notification template in French and Arabic
 * with sample data, to `<name>.<lang>.html` and `<name>.<lang>.txt` files for review.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildContext } from '../../activities/notifications/context';
import { createRenderer, LANGUAGES, TEMPLATE_NAMES } from '../../activities/notifications/render';
import { SAMPLE_INPUTS } from '../../activities/notifications/samples';
import { parseCommandArgs } from '../args';
import { type Command } from '../command';

const DEFAULT_OUT = path.join('data', 'templates-preview');

function parseArgs(args: string[]): { out: string } {
  return parseCommandArgs(args, { out: { type: 'string', default: DEFAULT_OUT } }).values;
}

export const renderTemplatesCommand: Command = {
  name: 'render-templates',
  summary: 'render every notification template in fr and ar with sample data, for review',
  usage: [
    'usage: masar render-templates [--out <dir>]',
    '',
    `  --out <dir>   where the .html and .txt files go (default ${DEFAULT_OUT})`,
  ].join('\n'),
  async run(args, io) {
    const { out } = parseArgs(args);
    const dir = path.resolve(io.cwd, out);
    const renderer = createRenderer();
    await mkdir(dir, { recursive: true });
    let files = 0;
    for (const name of TEMPLATE_NAMES) {
      const input = SAMPLE_INPUTS[name];
      for (const lang of LANGUAGES) {
        const recipient = { name: lang === 'ar' ? 'سلمى بناني' : 'Salma Bennani' };
        const rendered = renderer.render(name, lang, buildContext(input, recipient), input.override);
        await writeFile(path.join(dir, `${name}.${lang}.html`), rendered.html);
        await writeFile(path.join(dir, `${name}.${lang}.txt`), `Subject: ${rendered.subject}\n\n${rendered.text}`);
        files += 2;
      }
    }
    io.out(`rendered ${TEMPLATE_NAMES.length} templates in ${LANGUAGES.length} languages: ${files} files in ${dir}`);
    return 0;
  },
};

export default renderTemplatesCommand;
