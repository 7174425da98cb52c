import { manualAssignmentError, placeReplicas, replicationFactorError } from '../../../src/server/handlers/replica-placement';

describe('replica placement', () => {
  it('places replicas round-robin so leaders spread over the brokers', () => {
    expect(placeReplicas([3, 1, 2], 0, 4, 2)).toEqual([
      [1, 2],
      [2, 3],
      [3, 1],
      [1, 2],
    ]);
    // New partitions continue where the existing ones left off.
    expect(placeReplicas([1, 2, 3], 2, 2, 1)).toEqual([[3], [1]]);
    expect(placeReplicas([1], 0, 3, 1)).toEqual([[1], [1], [1]]);
  });

  it('refuses more replicas than brokers', () => {
    expect(replicationFactorError(1, 1)).toBeNull();
    expect(replicationFactorError(2, 1)).toMatch(/only 1 broker/);
  });

  it('checks manual assignments: registered brokers, each once, not empty, consistent size', () => {
    const registered = new Set([1, 2]);
    expect(manualAssignmentError([2, 1], registered)).toBeNull();
    expect(manualAssignmentError([], registered)).toMatch(/empty/);
    expect(manualAssignmentError([3], registered)).toMatch(/broker 3/);
    expect(manualAssignmentError([1, 1], registered)).toMatch(/more than once/);
    expect(manualAssignmentError([1], registered, 2)).toMatch(/1 replica\(s\)/);
  });
});
