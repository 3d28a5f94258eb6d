/**
 * The Flowable peer's switches and connection settings: when `npm run bench` runs the peer, and
 * how a postgres:// URL becomes the JDBC pieces the Java side takes.
 */
import { parseOptions } from '../../../bench/options';
import { jdbcParts } from '../../../bench/peer/flowable';

describe('bench --peer / --no-peer', () => {
  it.each([
    [[], true],
    [['--quick'], false],
    [['--quick', '--peer'], true],
    [['--no-peer'], false],
    [['--peer', '--no-peer'], false],
    [['--quick', '--only=throughput', '--peer'], true],
  ])('%j runs the peer: %s', (argv, expected) => {
    expect(parseOptions(argv, {}).peer).toBe(expected);
  });

  it('names the flags in the usage of an unknown argument', () => {
    expect(() => parseOptions(['--peers'], {})).toThrow(/unknown argument "--peers"[\s\S]*--peer\|--no-peer/);
  });
});

describe('jdbcParts', () => {
  it.each([
    ['postgres://masar:masar@localhost:5432/masar_bench', { url: 'jdbc:postgresql://localhost:5432/masar_bench', user: 'masar', password: 'masar' }],
    ['postgresql://u@db.local/b', { url: 'jdbc:postgresql://db.local:5432/b', user: 'u', password: '' }],
    ['postgres://us%40er:p%3Ass%2Fw@127.0.0.1:6543/x_y', { url: 'jdbc:postgresql://127.0.0.1:6543/x_y', user: 'us@er', password: 'p:ss/w' }],
  ])('%s', (url, expected) => {
    expect(jdbcParts(url)).toEqual(expected);
  });
});
