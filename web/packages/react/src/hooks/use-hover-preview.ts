// Hover intent for a live preview: active once a mouse has rested on the element for `delayMs`
// (a pointer crossing a grid of cards starts nothing), inactive as it leaves. Never on a device
// whose main pointer cannot hover (on touch a tap is a click) nor under prefers-reduced-motion
// (a preview is a moving picture nobody asked for).
import { useCallback, useEffect, useMemo, useRef, useState, type PointerEvent } from 'react';

export interface UseHoverPreviewResult {
  active: boolean;
  /** Spread on the element that starts the preview (a card's link). */
  handlers: {
    onPointerEnter: (e: PointerEvent<HTMLElement>) => void;
    onPointerLeave: () => void;
  };
}

function previewAllowed(): boolean {
  if (typeof matchMedia !== 'function') return false;
  return matchMedia('(hover: hover) and (pointer: fine)').matches && !matchMedia('(prefers-reduced-motion: reduce)').matches;
}

export function useHoverPreview(delayMs = 300): UseHoverPreviewResult {
  const [active, setActive] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const cancel = useCallback(() => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
  }, []);
  useEffect(() => cancel, [cancel]);
  const onPointerEnter = useCallback(
    (e: PointerEvent<HTMLElement>) => {
      if (e.pointerType !== 'mouse' || !previewAllowed()) return;
      cancel();
      timer.current = setTimeout(() => setActive(true), delayMs);
    },
    [cancel, delayMs],
  );
  const onPointerLeave = useCallback(() => {
    cancel();
    setActive(false);
  }, [cancel]);
  const handlers = useMemo(() => ({ onPointerEnter, onPointerLeave }), [onPointerEnter, onPointerLeave]);
  return { active, handlers };
}
