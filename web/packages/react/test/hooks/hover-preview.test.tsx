import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useHoverPreview } from '../../src/hooks/use-hover-preview';

function Card() {
  const preview = useHoverPreview(300);
  return (
    <a href="/watch/1" {...preview.handlers}>
      Live card{preview.active ? <span>previewing</span> : null}
    </a>
  );
}

function media(matches: Record<string, boolean>) {
  vi.stubGlobal('matchMedia', (q: string) => ({ matches: matches[q] ?? false, media: q }));
}

describe('useHoverPreview', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => {
    cleanup();
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('starts after a mouse rests 300 ms on the card and stops as it leaves', () => {
    media({ '(hover: hover) and (pointer: fine)': true });
    render(<Card />);
    const card = screen.getByRole('link', { name: /Live card/ });
    fireEvent.pointerEnter(card, { pointerType: 'mouse' });
    act(() => vi.advanceTimersByTime(250));
    expect(screen.queryByText('previewing')).toBeNull(); // crossing a grid starts nothing
    act(() => vi.advanceTimersByTime(100));
    expect(screen.getByText('previewing')).toBeTruthy();
    fireEvent.pointerLeave(card);
    expect(screen.queryByText('previewing')).toBeNull();
  });

  it('does nothing for touch, on a device that cannot hover, or under reduced motion', () => {
    media({ '(hover: hover) and (pointer: fine)': true });
    render(<Card />);
    const card = screen.getByRole('link', { name: /Live card/ });
    fireEvent.pointerEnter(card, { pointerType: 'touch' });
    act(() => vi.advanceTimersByTime(1000));
    expect(screen.queryByText('previewing')).toBeNull();
    cleanup();

    media({ '(hover: hover) and (pointer: fine)': false });
    render(<Card />);
    fireEvent.pointerEnter(screen.getByRole('link', { name: /Live card/ }), { pointerType: 'mouse' });
    act(() => vi.advanceTimersByTime(1000));
    expect(screen.queryByText('previewing')).toBeNull();
    cleanup();

    media({ '(hover: hover) and (pointer: fine)': true, '(prefers-reduced-motion: reduce)': true });
    render(<Card />);
    fireEvent.pointerEnter(screen.getByRole('link', { name: /Live card/ }), { pointerType: 'mouse' });
    act(() => vi.advanceTimersByTime(1000));
    expect(screen.queryByText('previewing')).toBeNull();
  });
});
