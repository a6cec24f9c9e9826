import { describe, expect, it } from 'vitest';
import { cssString, initialsOf, isSamePeerList, peersFromAwareness, peersInCell, remoteSelectionCss } from '../../client/sync/peers.ts';

describe('peersFromAwareness', () => {
  const states = new Map<number, unknown>([
    [1, { user: { name: '나', color: '#123456', org: 'A' }, cellId: 'c1' }],
    [5, { user: { name: '박서준', color: '#2e9d57', org: '마포 시민모임' }, cellId: 'c2' }],
    [3, { user: { name: 'Alice Kim', color: 'red;} body{display:none', org: 42 }, cellId: 7 }],
    [9, { selection: { anchor: 1 } }],
    [11, { user: { name: '   ' } }],
    [12, null],
  ]);

  it('lists other people with usable users, sorted by name (Korean collation), colours made safe', () => {
    expect(peersFromAwareness(states, 1)).toEqual([
      { clientId: 5, name: '박서준', color: '#2e9d57', org: '마포 시민모임', cellId: 'c2' },
      { clientId: 3, name: 'Alice Kim', color: '#888888', org: '', cellId: null },
    ]);
  });

  it('finds who is in a cell', () => {
    expect(peersInCell(peersFromAwareness(states, 1), 'c2').map((p) => p.name)).toEqual(['박서준']);
    expect(peersInCell(peersFromAwareness(states, 5), 'c1').map((p) => p.name)).toEqual(['나']);
  });

  it('compares lists by content', () => {
    expect(isSamePeerList(peersFromAwareness(states, 1), peersFromAwareness(new Map(states), 1))).toBe(true);
    expect(isSamePeerList(peersFromAwareness(states, 1), peersFromAwareness(states, 5))).toBe(false);
  });
});

describe('avatars and cursor styles', () => {
  it('makes initials from the first two words', () => {
    expect(initialsOf('김민지')).toBe('김');
    expect(initialsOf('alice kim')).toBe('AK');
    expect(initialsOf('  ')).toBe('?');
  });

  it('escapes names in CSS strings so a name cannot end the rule', () => {
    expect(cssString('Kim "x"}')).toBe('"Kim \\22 x\\22 \\7d "');
    expect(cssString('박')).toBe('"\\bc15 "');
  });

  it('writes one selection, caret and label rule per peer', () => {
    const css = remoteSelectionCss([{ clientId: 42, name: 'Bo', color: '#ff0000', org: 'Org', cellId: null }]);
    expect(css).toContain('.yRemoteSelection-42{background-color:#ff000033;}');
    expect(css).toContain('.yRemoteSelectionHead-42{position:absolute;border-left:2px solid #ff0000;');
    expect(css).toContain('.yRemoteSelectionHead-42::after{content:"Bo \\b7  Org";');
  });
});
