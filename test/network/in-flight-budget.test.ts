import { InFlightBudget, type BudgetWaiter } from '../../src/network/in-flight-budget';

describe('InFlightBudget', () => {
  it('hands out units up to its limit and takes them back', () => {
    const b = new InFlightBudget(2);
    expect(b.tryAcquire()).toBe(true);
    expect(b.tryAcquire()).toBe(true);
    expect(b.tryAcquire()).toBe(false);
    expect(b.inUse).toBe(2);
    b.release();
    expect(b.available).toBe(1);
    expect(b.tryAcquire()).toBe(true);
  });

  it('wakes waiters in the order they waited, while units are free', () => {
    const b = new InFlightBudget(1);
    b.tryAcquire();
    const woken: string[] = [];
    const waiter = (name: string, takes: boolean): BudgetWaiter => ({
      onBudgetAvailable() {
        woken.push(name);
        if (takes) expect(b.tryAcquire()).toBe(true);
      },
    });
    const a = waiter('a', true);
    const c = waiter('c', true);
    b.wait(a);
    b.wait(c);
    b.wait(a); // idempotent
    b.release();
    expect(woken).toEqual(['a']); // a took the only unit; c keeps waiting
    b.release();
    expect(woken).toEqual(['a', 'c']);
  });

  it('keeps waking waiters that take nothing', () => {
    const b = new InFlightBudget(1);
    b.tryAcquire();
    const woken: string[] = [];
    b.wait({ onBudgetAvailable: () => woken.push('x') });
    b.wait({ onBudgetAvailable: () => woken.push('y') });
    b.release();
    expect(woken).toEqual(['x', 'y']);
  });

  it('does not wake a cancelled waiter', () => {
    const b = new InFlightBudget(1);
    b.tryAcquire();
    const w = { onBudgetAvailable: jest.fn() };
    b.wait(w);
    b.cancelWait(w);
    b.release();
    expect(w.onBudgetAvailable).not.toHaveBeenCalled();
  });

  it('refuses to release more than is in use', () => {
    const b = new InFlightBudget(3);
    b.tryAcquire();
    expect(() => b.release(2)).toThrow(/releasing 2 in-flight units but only 1 are in use/);
  });
});
