import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../shared/privacy/policy.ts';
import { defaultDraft, fromPolicyJson, toPolicyJson } from '../../client/components/data/policyDraft.ts';
import { tripsPolicy } from './fixtures.ts';

const columns = [
  { name: 'rental_id', type: 'text' as const },
  { name: 'birth_year', type: 'integer' as const },
  { name: 'gender', type: 'text' as const },
  { name: 'gu', type: 'text' as const },
  { name: 'purpose', type: 'text' as const },
  { name: 'distance_m', type: 'integer' as const },
];

describe('policy editor form <-> policy JSON', () => {
  it('reads a policy into the form and writes the same policy back', () => {
    const draft = fromPolicyJson(tripsPolicy, columns);
    expect(draft.columns.gu.map).toBe('강남구 = 동남권\n서초구 = 동남권\n송파구 = 동남권\n마포구 = 서북권\n종로구 = 도심권\n중구 = 도심권');
    expect(toPolicyJson(draft)).toEqual(tripsPolicy);
    expect(parsePolicy(toPolicyJson(draft))).toEqual(parsePolicy(tripsPolicy));
  });

  it('leaves out columns the policy does not list, and keeps every other role', () => {
    const draft = fromPolicyJson({ k: 3, columns: { gu: { role: 'quasi', hierarchy: { truncate: ['day'] } } } }, columns);
    expect(draft.columns.rental_id.role).toBe('drop');
    expect(toPolicyJson(draft)).toEqual({ k: 3, suppressionLimit: 0.05, metric: 'entropy', columns: { gu: { role: 'quasi', hierarchy: { truncate: ['day'] } } } });
  });

  it('starts with every column kept as is and type-fitting hierarchy defaults', () => {
    const draft = defaultDraft(columns);
    expect(Object.values(draft.columns).every((c) => c.role === 'other')).toBe(true);
    expect(draft.columns.birth_year.hierarchy).toBe('bands');
    expect(draft.columns.gender.hierarchy).toBe('levels');
  });

  it('passes half-typed numbers through as text so the server names them', () => {
    const draft = defaultDraft(columns);
    draft.k = '5a';
    expect(() => parsePolicy(toPolicyJson(draft))).toThrow(/k:/);
  });

  it('writes recursive (c,l) and mask hierarchies', () => {
    const draft = defaultDraft(columns);
    Object.assign(draft.columns.purpose, { role: 'sensitive', lVariant: 'recursive', l: '2', c: '3' });
    Object.assign(draft.columns.rental_id, { role: 'quasi', hierarchy: 'mask', mask: '5, 3' });
    const json = toPolicyJson(draft) as { columns: Record<string, unknown> };
    expect(json.columns.purpose).toEqual({ role: 'sensitive', lDiversity: { variant: 'recursive', l: 2, c: 3 } });
    expect(json.columns.rental_id).toEqual({ role: 'quasi', hierarchy: { mask: { keep: [5, 3] } } });
    expect(() => parsePolicy(json)).not.toThrow();
  });
});
