import type { StreamReaction } from '../sdk/types.js';

export interface FloatingReactionsProps {
  /** The hook's `recentReactions` (the last 20). */
  reactions: StreamReaction[];
  /** Above this many of one emoji in the recent set, they float as one bubble with a count. */
  aggregateAbove?: number;
}

/** Reactions floating up from their positionX. Decorative: hidden from screen readers, and
 * still (no motion) under prefers-reduced-motion (styles.css). */
export function FloatingReactions({ reactions, aggregateAbove = 6 }: FloatingReactionsProps) {
  const byEmoji = new Map<string, StreamReaction[]>();
  for (const r of reactions) byEmoji.set(r.emoji, [...(byEmoji.get(r.emoji) ?? []), r]);
  const items: { key: string; emoji: string; x: number; count: number }[] = [];
  for (const [emoji, list] of byEmoji) {
    if (list.length > aggregateAbove) {
      const last = list[list.length - 1];
      if (last) items.push({ key: `agg-${emoji}-${last.id}`, emoji, x: last.positionX, count: list.length });
    } else {
      for (const r of list) items.push({ key: r.id, emoji, x: r.positionX, count: 1 });
    }
  }
  return (
    <div className="ncl-floating" aria-hidden="true">
      {items.map((i) => (
        <span key={i.key} className="ncl-floating__item" style={{ left: `${Math.min(92, Math.max(2, i.x))}%` }}>
          {i.emoji}
          {i.count > 1 ? <small>×{i.count}</small> : null}
        </span>
      ))}
    </div>
  );
}
