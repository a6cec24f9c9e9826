/**
 * Policies for ARX's Adult test data (test/fixtures/privacy/adult, copied from the ARX
 * repository). Like ARX's TestAnonymizationAbstract, every column with a hierarchy file is a
 * quasi-identifier except the test's sensitive column.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parsePolicy, type Policy } from '../../shared/privacy/policy.ts';

export const adultDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'privacy', 'adult');
export const adultCsv = path.join(adultDir, 'adult.csv');
/** ARX's native-country hierarchy before 2016 (England -> "Europa"), which its 2015 Loss expectations used. */
export const adultNativeCountry2015 = path.join(adultDir, '..', 'adult-2015', 'adult_hierarchy_native-country.csv');
export const adultColumns = ['sex', 'age', 'race', 'marital-status', 'education', 'native-country', 'workclass', 'occupation', 'salary-class'];

export interface AdultCase {
  k?: number;
  suppressionLimit: number;
  metric: string;
  aggregate?: string;
  /** The column left out of the quasi-identifiers, with its l-diversity model if any. */
  sensitive?: { column: string; lDiversity?: Record<string, unknown> };
  /** Hierarchy files replacing the current ARX ones, by column (absolute or relative to the fixture folder). */
  hierarchyFiles?: Record<string, string>;
}

export function adultPolicy(c: AdultCase): Policy {
  const columns: Record<string, unknown> = {};
  for (const column of adultColumns) {
    if (c.sensitive?.column === column) {
      columns[column] = c.sensitive.lDiversity ? { role: 'sensitive', lDiversity: c.sensitive.lDiversity } : { role: 'other' };
    } else {
      columns[column] = { role: 'quasi', hierarchy: { file: c.hierarchyFiles?.[column] ?? `adult_hierarchy_${column}.csv` } };
    }
  }
  return parsePolicy({ k: c.k ?? 1, suppressionLimit: c.suppressionLimit, metric: c.metric, aggregate: c.aggregate, columns });
}
