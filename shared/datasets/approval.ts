/**
 * When a policy version takes effect (the city's commitment: policies are designed together with
 * civil-society organisations). A version is approved when at least `required` distinct members
 * approve it, at least one of them from an organisation other than the steward's (the author's),
 * and nobody's latest word on it is "request changes". Each member's latest decision counts (an
 * approval can be withdrawn by requesting changes, and the other way round); comments do not
 * count; the author's own approval does not count (nobody approves their own draft).
 */
export type ReviewDecision = 'approve' | 'request_changes' | 'comment';

export interface PolicyReview {
  userId: string;
  orgId: string;
  decision: ReviewDecision;
  /** ISO time; later reviews replace a member's earlier decision. */
  at: string;
}

export interface PolicyVersionRef {
  authorId: string;
  authorOrgId: string;
}

export type ApprovalState =
  | { status: 'approved'; approvers: string[] }
  | { status: 'changes_requested'; approvers: string[]; requestedBy: string[] }
  | { status: 'pending'; approvers: string[]; missing: { approvals: number; otherOrg: boolean } };

/** Each member's latest approve / request-changes decision (comments skipped), author excluded. */
export function latestDecisions(version: PolicyVersionRef, reviews: readonly PolicyReview[]): Map<string, PolicyReview> {
  const latest = new Map<string, PolicyReview>();
  const sorted = [...reviews].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  for (const r of sorted) {
    if (r.decision === 'comment' || r.userId === version.authorId) continue;
    latest.set(r.userId, r);
  }
  return latest;
}

/** The approval state of one version (see the header for the rule). */
export function approvalState(version: PolicyVersionRef, reviews: readonly PolicyReview[], required: number): ApprovalState {
  const latest = [...latestDecisions(version, reviews).values()];
  const approving = latest.filter((r) => r.decision === 'approve');
  const approvers = approving.map((r) => r.userId);
  const requestedBy = latest.filter((r) => r.decision === 'request_changes').map((r) => r.userId);
  if (requestedBy.length > 0) return { status: 'changes_requested', approvers, requestedBy };
  const otherOrg = approving.some((r) => r.orgId !== version.authorOrgId);
  const needed = Math.max(1, required);
  if (approving.length >= needed && otherOrg) return { status: 'approved', approvers };
  return { status: 'pending', approvers, missing: { approvals: Math.max(0, needed - approving.length), otherOrg: !otherOrg } };
}

/**
 * @example isPolicyApproved({authorId: 's', authorOrgId: 'city'}, reviews, 'city', 2)
 * `stewardOrg` overrides the version's author org (the org whose approvals alone never suffice).
 */
export function isPolicyApproved(version: PolicyVersionRef, reviews: readonly PolicyReview[], stewardOrg: string = version.authorOrgId, required = 2): boolean {
  return approvalState({ ...version, authorOrgId: stewardOrg }, reviews, required).status === 'approved';
}

/** `MADANG_POLICY_APPROVALS`: a whole number ≥ 1, default 2. */
export function parseRequiredApprovals(text: string | undefined): number {
  if (text === undefined || text.trim() === '') return 2;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 20) throw new Error(`MADANG_POLICY_APPROVALS must be a whole number from 1 to 20 (got "${text}")`);
  return n;
}
