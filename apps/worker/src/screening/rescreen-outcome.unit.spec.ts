import type { ScreeningCandidate } from '@app/domain';
import { rescreenOutcome } from './rescreen-outcome';

const candidate = (entryId: string): ScreeningCandidate => ({ listId: 'csl', source: 'Entity List', entryId, name: `Entry ${entryId}`, matchedName: `entry ${entryId}`, score: 0.97 });
const hit = (...entryIds: string[]) => ({ band: 'block' as const, candidates: entryIds.map(candidate) });
const clear = { band: 'clear' as const, candidates: [] };
const latest = (status: string, ...entryIds: string[]) => ({ status, evidence: { candidates: entryIds.map(candidate) } });

describe('rescreenOutcome', () => {
  it('records the first screening of a subject, clear or not', () => {
    expect(rescreenOutcome(null, clear)).toBe('first');
    expect(rescreenOutcome(null, hit('e1'))).toBe('first');
  });

  it('records nothing when the subject is clear again, even after an earlier hit', () => {
    expect(rescreenOutcome(latest('clear'), clear)).toBe('unchanged');
    expect(rescreenOutcome(latest('confirmed', 'e1'), clear)).toBe('unchanged');
  });

  it('calls a match on a subject that was clear a new hit', () => {
    expect(rescreenOutcome(latest('clear'), hit('e1'))).toBe('new-hit');
    expect(rescreenOutcome(latest('clear'), { band: 'review', candidates: [candidate('e1')] })).toBe('new-hit');
  });

  it('does not reopen entries a reviewer has decided or is reviewing', () => {
    expect(rescreenOutcome(latest('cleared', 'e1', 'e2'), hit('e1'))).toBe('unchanged');
    expect(rescreenOutcome(latest('needs_review', 'e1'), hit('e1'))).toBe('unchanged');
  });

  it('calls a match on an entry the latest screening did not name a new hit', () => {
    expect(rescreenOutcome(latest('cleared', 'e1'), hit('e1', 'e9'))).toBe('new-hit');
  });
});
