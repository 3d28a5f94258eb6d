import path from 'node:path';
import { loadClusterConfig } from '../../../config/cluster-env';

const ROOT = '/srv/masar';

describe('loadClusterConfig', () => {
  it('should default to the machine PostgreSQL, databases temporal(_visibility), port 7233 and data/temporal-cluster', () => {
    expect(loadClusterConfig({}, ROOT)).toEqual({
      databaseUrl: 'postgres://masar:masar@localhost:5432/postgres',
      database: 'temporal',
      port: 7233,
      stateDir: path.join(ROOT, 'data', 'temporal-cluster'),
      namespace: 'default',
    });
  });

  it('should take every setting from the environment, folders relative to the root', () => {
    const config = loadClusterConfig(
      {
        MASAR_CLUSTER_DATABASE_URL: 'postgresql://ops:pw@db.internal:6432/x',
        MASAR_CLUSTER_DATABASE: 'temporal_prod',
        MASAR_CLUSTER_PORT: '17233',
        MASAR_CLUSTER_DIR: 'var/cluster',
        MASAR_CLUSTER_NAMESPACE: 'masar',
      },
      ROOT,
    );
    expect(config).toEqual({
      databaseUrl: 'postgresql://ops:pw@db.internal:6432/x',
      database: 'temporal_prod',
      port: 17233,
      stateDir: path.join(ROOT, 'var', 'cluster'),
      namespace: 'masar',
    });
  });

  // A database name goes into CREATE/DROP DATABASE: anything but a plain identifier is refused.
  it.each(['Temporal', 'temporal-x', 'temporal;drop', '1temporal', '', 'a'.repeat(60), 'temporal visibility', 'tëmporal'])(
    'should refuse the database name %j, naming the variable',
    (name) => {
      expect(() => loadClusterConfig({ MASAR_CLUSTER_DATABASE: name }, ROOT)).toThrow(/MASAR_CLUSTER_DATABASE: must be a plain lower-case name/);
    },
  );

  it.each(['0', '65536', '-1', 'abc', '72.5'])('should refuse the port %j', (port) => {
    expect(() => loadClusterConfig({ MASAR_CLUSTER_PORT: port }, ROOT)).toThrow(/MASAR_CLUSTER_PORT/);
  });

  it.each(['mysql://u:p@h/db', 'localhost:5432', 'http://x'])('should refuse the database URL %j', (url) => {
    expect(() => loadClusterConfig({ MASAR_CLUSTER_DATABASE_URL: url }, ROOT)).toThrow(/MASAR_CLUSTER_DATABASE_URL: must be a postgres:\/\/ URL/);
  });

  it('should list every bad variable in one error', () => {
    expect(() => loadClusterConfig({ MASAR_CLUSTER_PORT: 'x', MASAR_CLUSTER_DATABASE: 'X' }, ROOT)).toThrow(/MASAR_CLUSTER_DATABASE.*MASAR_CLUSTER_PORT|MASAR_CLUSTER_PORT.*MASAR_CLUSTER_DATABASE/);
  });
});
