import { z } from 'zod';
import { SignedValue } from '../../../console/signed-value';

const Shape = z.object({ who: z.string(), exp: z.number().int() });
const SECRET = 'a-secret-of-at-least-thirty-two-characters';
const NOW = 1_800_000_000_000;
const codec = (context = 'masar-test', secret = SECRET) => new SignedValue(context, secret, Shape, 512, () => NOW);
const value = { who: 'agent', exp: NOW / 1000 + 60 };

describe('SignedValue', () => {
  it('should read back what it signed', () => {
    expect(codec().decode(codec().encode(value))).toEqual(value);
  });

  it.each([
    ['another context', () => codec('masar-other').encode(value)],
    ['another secret', () => codec('masar-test', `${SECRET}-rotated`).encode(value)],
    ['an expired value', () => codec().encode({ ...value, exp: NOW / 1000 })],
    ['a body changed after signing', () => {
      const [, signature] = codec().encode(value).split('.');
      return `${Buffer.from(JSON.stringify({ ...value, who: 'admin' })).toString('base64url')}.${signature}`;
    }],
    ['a truncated signature', () => codec().encode(value).slice(0, -2)],
    ['a third part', () => `${codec().encode(value)}.x`],
    ['no signature', () => codec().encode(value).split('.')[0]!],
    ['a body that is not JSON', () => `bm90IGpzb24.${codec().sign('bm90IGpzb24')}`],
    ['a body of the wrong shape', () => {
      const body = Buffer.from(JSON.stringify({ who: 1, exp: value.exp })).toString('base64url');
      return `${body}.${codec().sign(body)}`;
    }],
    ['a value over the length limit', () => {
      const body = Buffer.from(JSON.stringify({ ...value, who: 'x'.repeat(600) })).toString('base64url');
      return `${body}.${codec().sign(body)}`;
    }],
    ['an empty text', () => ''],
  ])('should read %s as absent', (_name, make) => {
    expect(codec().decode(make())).toBeUndefined();
  });
});
