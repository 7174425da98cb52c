import { ResponseOrder } from '../../src/network/response-order';

function taker(order: ResponseOrder): () => string[] {
  return () => {
    const out: string[] = [];
    order.takeReady((p) => out.push((p as Buffer).toString()));
    return out;
  };
}

describe('ResponseOrder', () => {
  it('releases responses only in the order the requests were added', () => {
    const order = new ResponseOrder();
    const take = taker(order);
    const a = order.add(0, 1);
    const b = order.add(0, 2);
    const c = order.add(0, 3);
    expect(order.settle(c, Buffer.from('c'), 1)).toBe(false);
    expect(order.settle(b, Buffer.from('b'), 1)).toBe(false);
    expect(take()).toEqual([]);
    expect(order.size).toBe(3);
    expect(order.settle(a, Buffer.from('a'), 1)).toBe(true);
    expect(take()).toEqual(['a', 'b', 'c']);
    expect(order.size).toBe(0);
  });

  it('counts null responses as taken without writing them', () => {
    const order = new ResponseOrder();
    const a = order.add(0, 1);
    const b = order.add(0, 2);
    order.settle(b, Buffer.from('b'), 1);
    order.settle(a, null, 0);
    const written: string[] = [];
    expect(order.takeReady((p) => written.push((p as Buffer).toString()))).toBe(2);
    expect(written).toEqual(['b']);
  });

  it('stops at the first unsettled slot and keeps order across many slots', () => {
    const order = new ResponseOrder();
    const take = taker(order);
    const slots = Array.from({ length: 3000 }, (_, i) => order.add(0, i));
    const got: string[] = [];
    for (let i = slots.length - 1; i >= 1; i -= 2) order.settle(slots[i], Buffer.from(String(i)), 1);
    for (let i = 0; i < slots.length; i += 2) {
      order.settle(slots[i], Buffer.from(String(i)), 1);
      got.push(...take());
    }
    expect(got).toEqual(slots.map((_, i) => String(i)));
  });

  it('refuses to settle a slot twice and forgets everything on clear', () => {
    const order = new ResponseOrder();
    const a = order.add(1, 7);
    order.add(1, 8);
    order.settle(a, null, 0);
    expect(() => order.settle(a, null, 0)).toThrow(/correlation id 7 settled twice/);
    expect(order.clear()).toBe(2);
    expect(order.size).toBe(0);
  });
});
