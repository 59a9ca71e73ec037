/**
 * A tiny given/when/then for aggregates, in the style of emmett's DeciderSpecification:
 *
 *   given(Model, [registered]).when({ type: 'SuspendModel', data }).then([suspended]);
 *   given(Model, []).when({ type: 'SuspendModel', data }).thenThrows('MODEL.NOT_FOUND', { kind: 'not_found' });
 *
 * Pure and test-framework free: `then` and `thenThrows` throw a plain Error with a readable diff when
 * the expectation fails, and return what they checked (events or the DomainError) for further asserts.
 * Test-only: deliberately not exported from the domain's index.ts; specs import it relatively.
 *
 * Do not `await` the result of `when(...)`: it has a `then` method, so `await` would call it with
 * resolve/reject callbacks. That mistake is refused with an explicit error.
 */
import type { Aggregate, DecisionContext, DomainEvent } from './aggregate';
import { DomainError, DomainErrorKind } from './domain-error';

/** A fixed instant: time comes from the context, never from a clock. */
export const TEST_NOW = new Date('2026-06-01T12:00:00.000Z');

export function testContext(overrides: Partial<DecisionContext> = {}): DecisionContext {
  return { now: TEST_NOW, actorId: 'officer-1', actorRole: 'compliance_officer', ...overrides };
}

export interface ThrowsExpectation {
  kind?: DomainErrorKind;
  /** Compared exactly (deep equality) with the error's details. */
  details?: Record<string, unknown>;
}

export interface WhenResult<Event extends DomainEvent> {
  /** Asserts the command decided exactly these events, in order; returns them. */
  then(expected: Event[]): Event[];
  /** Asserts the command was refused with a DomainError of this code (and kind/details if given); returns it. */
  thenThrows(code: string, expectation?: ThrowsExpectation): DomainError;
}

export function given<State, Event extends DomainEvent, Command>(aggregate: Aggregate<State, Event, Command>, events: Event[] = []) {
  return {
    when(command: Command, context: Partial<DecisionContext> = {}): WhenResult<Event> {
      // evolve runs here, so an event the aggregate cannot fold fails the test too.
      const state = events.reduce(aggregate.evolve, aggregate.initialState());
      let decided: Event[] | undefined;
      let error: unknown;
      try {
        decided = aggregate.decide(command, state, testContext(context));
      } catch (e) {
        error = e;
      }
      return {
        then(expected: Event[]): Event[] {
          refuseAwait(expected);
          if (decided === undefined) {
            throw new Error(`Expected events\n${show(expected)}\nbut the command threw ${describeError(error)}`);
          }
          if (!deepEqual(decided, expected)) {
            throw new Error(`Decided events differ.\nExpected:\n${show(expected)}\nReceived:\n${show(decided)}`);
          }
          return decided;
        },
        thenThrows(code: string, expectation: ThrowsExpectation = {}): DomainError {
          refuseAwait(code);
          if (decided !== undefined) {
            throw new Error(`Expected DomainError ${code} but the command decided\n${show(decided)}`);
          }
          if (!(error instanceof DomainError)) throw new Error(`Expected DomainError ${code} but the command threw ${describeError(error)}`);
          const mismatches: string[] = [];
          if (error.code !== code) mismatches.push(`code: expected ${code}, received ${error.code}`);
          if (expectation.kind !== undefined && error.kind !== expectation.kind) {
            mismatches.push(`kind: expected ${expectation.kind}, received ${error.kind}`);
          }
          if (expectation.details !== undefined && !deepEqual(error.details, expectation.details)) {
            mismatches.push(`details: expected ${show(expectation.details)}, received ${show(error.details)}`);
          }
          if (mismatches.length) throw new Error(`DomainError differs (${error.message})\n  ${mismatches.join('\n  ')}`);
          return error;
        },
      };
    },
  };
}

function refuseAwait(argument: unknown): void {
  if (typeof argument === 'function') {
    throw new Error('given(...).when(...) is not a promise: call .then(events) or .thenThrows(code), do not await it.');
  }
}

function describeError(error: unknown): string {
  return error instanceof DomainError
    ? `DomainError ${error.code} (${error.kind}): ${error.message} ${show(error.details)}`
    : String(error instanceof Error ? (error.stack ?? error) : error);
}

function show(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (v === undefined ? '<undefined>' : v), 2);
}

/** Structural equality for plain data (what events carry): own enumerable keys, arrays in order. */
function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (keysA.length !== keysB.length) return false;
  return keysA.every(
    (key) => Object.prototype.hasOwnProperty.call(b, key) && deepEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]),
  );
}
