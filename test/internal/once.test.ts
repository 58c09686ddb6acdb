import { expect, it } from 'vitest';
import { loadOnce } from '../../src/internal/once.js';

it('loadOnce loads once, shares the load, and tries again after a failed one', async () => {
  let calls = 0;
  const load = loadOnce(async () => {
    calls++;
    if (calls === 1) throw new Error('chunk did not download');
    return { module: calls };
  });
  await expect(load()).rejects.toThrow('chunk did not download');
  const [a, b] = await Promise.all([load(), load()]);
  expect(a).toBe(b);
  expect(await load()).toBe(a);
  expect(calls).toBe(2);
});
