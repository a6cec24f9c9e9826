import { describe, expect, it } from 'vitest';
import { approvalState, isPolicyApproved, parseRequiredApprovals, type PolicyReview } from '../../shared/datasets/approval.ts';

const version = { authorId: 'steward', authorOrgId: 'city' };
let clock = 0;
const r = (userId: string, orgId: string, decision: PolicyReview['decision']): PolicyReview => ({ userId, orgId, decision, at: `2026-01-01T00:00:${String(clock++).padStart(2, '0')}Z` });

describe('isPolicyApproved (default 2 approvals, one from another organisation)', () => {
  it.each<[string, () => PolicyReview[], number, boolean]>([
    ['no reviews', () => [], 2, false],
    ['one CSO approval', () => [r('c1', 'cso', 'approve')], 2, false],
    ['two CSO approvals', () => [r('c1', 'cso', 'approve'), r('c2', 'cso', 'approve')], 2, true],
    ['one CSO + one city colleague', () => [r('c1', 'cso', 'approve'), r('s2', 'city', 'approve')], 2, true],
    ['two approvals from the steward\'s own organisation', () => [r('s2', 'city', 'approve'), r('s3', 'city', 'approve')], 2, false],
    ['three approvals, all same org', () => [r('s2', 'city', 'approve'), r('s3', 'city', 'approve'), r('s4', 'city', 'approve')], 2, false],
    ['the author approving their own draft does not count', () => [r('steward', 'city', 'approve'), r('c1', 'cso', 'approve')], 2, false],
    ['the same person approving twice counts once', () => [r('c1', 'cso', 'approve'), r('c1', 'cso', 'approve')], 2, false],
    ['comments do not count', () => [r('c1', 'cso', 'approve'), r('c2', 'cso', 'comment')], 2, false],
    ['an outstanding change request blocks', () => [r('c1', 'cso', 'approve'), r('c2', 'cso', 'approve'), r('c3', 'expert', 'request_changes')], 2, false],
    ['a change request later withdrawn by approving', () => [r('c3', 'expert', 'request_changes'), r('c1', 'cso', 'approve'), r('c3', 'expert', 'approve')], 2, true],
    ['an approval later replaced by a change request', () => [r('c1', 'cso', 'approve'), r('c2', 'cso', 'approve'), r('c2', 'cso', 'request_changes')], 2, false],
    ['required 1: one CSO approval', () => [r('c1', 'cso', 'approve')], 1, true],
    ['required 1: one same-org approval', () => [r('s2', 'city', 'approve')], 1, false],
    ['required 3: two approvals', () => [r('c1', 'cso', 'approve'), r('c2', 'cso', 'approve')], 3, false],
  ])('%s', (_name, reviews, required, expected) => {
    expect(isPolicyApproved(version, reviews(), 'city', required)).toBe(expected);
  });

  it('says what is missing', () => {
    expect(approvalState(version, [r('s2', 'city', 'approve')], 2)).toEqual({ status: 'pending', approvers: ['s2'], missing: { approvals: 1, otherOrg: true } });
    const requested = approvalState(version, [r('c1', 'cso', 'request_changes')], 2);
    expect(requested.status).toBe('changes_requested');
  });

  it('orders decisions by time, not by array order', () => {
    const later = { userId: 'c1', orgId: 'cso', decision: 'approve' as const, at: '2026-02-01T00:00:00Z' };
    const earlier = { userId: 'c1', orgId: 'cso', decision: 'request_changes' as const, at: '2026-01-01T00:00:00Z' };
    expect(isPolicyApproved(version, [later, earlier, r('c2', 'cso', 'approve')], 'city', 2)).toBe(true);
  });

  it('reads MADANG_POLICY_APPROVALS', () => {
    expect(parseRequiredApprovals(undefined)).toBe(2);
    expect(parseRequiredApprovals('3')).toBe(3);
    expect(() => parseRequiredApprovals('0')).toThrow(/whole number/);
    expect(() => parseRequiredApprovals('two')).toThrow(/whole number/);
  });
});
