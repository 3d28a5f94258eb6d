/**
 * Every file the console's pages load, served by Masar itself (no CDN: many communes have a poor
 * connection or none to the outside): Bootstrap (with its RTL build for Arabic), htmx, the Arabic
 * webfont, the console's own stylesheet and script. Cached by browsers for a day; compressed.
 */
import path from 'node:path';
import express, { type Router } from 'express';

const pkg = (name: string, ...rest: string[]) => path.join(path.dirname(require.resolve(`${name}/package.json`)), ...rest);

/** URL path -> file on disk. */
export const ASSET_FILES: Record<string, string> = {
  'bootstrap.min.css': pkg('bootstrap', 'dist', 'css', 'bootstrap.min.css'),
  'bootstrap.rtl.min.css': pkg('bootstrap', 'dist', 'css', 'bootstrap.rtl.min.css'),
  'htmx.min.js': pkg('htmx.org', 'dist', 'htmx.min.js'),
  'fonts/noto-sans-arabic-400.woff2': pkg('@fontsource/noto-sans-arabic', 'files', 'noto-sans-arabic-arabic-400-normal.woff2'),
  'fonts/noto-sans-arabic-700.woff2': pkg('@fontsource/noto-sans-arabic', 'files', 'noto-sans-arabic-arabic-700-normal.woff2'),
  'console.css': path.join(__dirname, 'public', 'console.css'),
  'console.js': path.join(__dirname, 'public', 'console.js'),
};

export const ASSETS_PREFIX = '/assets';

/** Routes `/assets/<name>` to the files above, nothing else (no directory listing, no traversal). */
export function assetRoutes(): Router {
  const router = express.Router();
  for (const [name, file] of Object.entries(ASSET_FILES)) {
    router.get(`${ASSETS_PREFIX}/${name}`, (_req, res, next) => {
      res.setHeader('Cache-Control', 'public, max-age=86400');
      res.sendFile(file, { dotfiles: 'deny' }, (err) => {
        if (err) next(err);
      });
    });
  }
  return router;
}
