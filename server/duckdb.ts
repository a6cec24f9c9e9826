/**
 * One short-lived native DuckDB for a job (an import, a sanitise run): opened in memory with the
 * given settings, extensions never fetched from the network (air-gapped city networks), always
 * closed afterwards.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

export async function withDuckDB<T>(settings: Record<string, string>, fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
  const instance = await DuckDBInstance.create(':memory:', settings);
  const conn = await instance.connect();
  try {
    await conn.run('SET autoinstall_known_extensions=false; SET autoload_known_extensions=false');
    return await fn(conn);
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}
