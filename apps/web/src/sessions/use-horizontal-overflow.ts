import { useCallback, useLayoutEffect, useState, type RefObject } from 'react';

export interface HorizontalOverflow {
  /** columns hidden to the left (the region is scrolled) */
  left: boolean;
  /** columns hidden to the right, under the sticky Actions column or past the edge */
  right: boolean;
}

const NONE: HorizontalOverflow = { left: false, right: false };

/**
 * Whether a scrolling region has content hidden on either side, kept current on scroll and on
 * any resize of the region or its content, and a function that scrolls it by most of a screen.
 */
export function useHorizontalOverflow(region: RefObject<HTMLElement | null>) {
  const [overflow, setOverflow] = useState<HorizontalOverflow>(NONE);

  useLayoutEffect(() => {
    const element = region.current;
    if (!element) return;
    const measure = () => {
      // a pixel of slack: fractional widths round differently in scrollWidth and clientWidth
      const left = element.scrollLeft > 1;
      const right = element.scrollLeft + element.clientWidth < element.scrollWidth - 1;
      setOverflow((o) => (o.left === left && o.right === right ? o : { left, right }));
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    if (element.firstElementChild) observer.observe(element.firstElementChild);
    element.addEventListener('scroll', measure, { passive: true });
    return () => {
      observer.disconnect();
      element.removeEventListener('scroll', measure);
    };
  }, [region]);

  const scrollBy = useCallback(
    (direction: -1 | 1) => {
      const element = region.current;
      if (element) element.scrollBy({ left: direction * Math.max(100, element.clientWidth * 0.6) });
    },
    [region],
  );

  return { overflow, scrollBy };
}
