/**
 * The demo traffic's pending events, so that sessions and incidents generated side by side come
 * out sorted by time, each event with its label.
 */
import type { LabelledEvent } from './options.ts';

/** A binary min-heap of pending events by time, then by creation. */
export class Queue {
  readonly #heap: { at: number; seq: number; item: LabelledEvent }[] = [];
  #seq = 0;

  push(at: number, item: LabelledEvent): void {
    const heap = this.#heap;
    heap.push({ at, seq: this.#seq++, item });
    for (let i = heap.length - 1; i > 0;) {
      const parent = (i - 1) >> 1;
      if (!this.#less(i, parent)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  /** Removes and yields, in order, every pending event before `limit`. */
  *drainBefore(limit: number): Generator<LabelledEvent> {
    const heap = this.#heap;
    while (heap.length > 0 && heap[0]!.at < limit) {
      const top = heap[0]!;
      const last = heap.pop()!;
      if (heap.length > 0) {
        heap[0] = last;
        for (let i = 0; ;) {
          const l = 2 * i + 1;
          let m = i;
          if (l < heap.length && this.#less(l, m)) m = l;
          if (l + 1 < heap.length && this.#less(l + 1, m)) m = l + 1;
          if (m === i) break;
          [heap[i], heap[m]] = [heap[m]!, heap[i]!];
          i = m;
        }
      }
      yield top.item;
    }
  }

  #less(a: number, b: number): boolean {
    const x = this.#heap[a]!;
    const y = this.#heap[b]!;
    return x.at < y.at || (x.at === y.at && x.seq < y.seq);
  }
}
