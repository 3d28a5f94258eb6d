/**
 * Driving the console as a browser would, without one (supertest keeps the cookies): read the CSRF
 * token from a page, sign in with a demo login, post forms. Browser tests (a real Chromium) live in
 * tests/browser; these are for the server's answers.
 */
import type { Express } from 'express';
import request from 'supertest';

export type ConsoleAgent = ReturnType<typeof request.agent>;

/** The CSRF token a page carries in its forms. */
export function csrfOf(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m?.[1]) throw new Error('no CSRF token in the page');
  return m[1];
}

/** A cookie-keeping client of the console, signed in as the demo login `persona` when given. */
export async function consoleAgent(app: Express, persona?: string, lang?: 'fr' | 'ar'): Promise<ConsoleAgent> {
  const agent = request.agent(app);
  if (lang) agent.set('Accept-Language', lang);
  if (!persona) return agent;
  const login = await agent.get('/login').expect(200);
  await agent.post('/login/demo').type('form').send({ _csrf: csrfOf(login.text), persona }).expect(303);
  return agent;
}

/** Posts a form as the page `from` would (its CSRF token included). */
export async function postForm(agent: ConsoleAgent, from: string, action: string, fields: Record<string, string>) {
  const page = await agent.get(from);
  return agent.post(action).type('form').send({ _csrf: csrfOf(page.text), ...fields });
}
