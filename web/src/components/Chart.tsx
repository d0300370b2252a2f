/**
 * Charts are loaded on demand (echarts is the biggest chunk: the assets pages never download it). The chunk is
 * requested once a chart has been committed — after the figures around it are on screen, which parsing echarts
 * would otherwise hold back — and swapped in through state rather than Suspense, whose fallback, once shown, holds
 * the content back for up to 300 ms (React's reveal throttle).
 */
import { useEffect, useState, type ComponentType } from 'react';
import type { ChartImplProps } from './ChartImpl.js';

/** defer: keep the placeholder and do not load the chart code yet (the page has more urgent content coming). */
export type ChartProps = ChartImplProps & { defer?: boolean };

let impl: ComponentType<ChartImplProps> | null = null;
let loading: Promise<ComponentType<ChartImplProps>> | null = null;

function loadChart(): Promise<ComponentType<ChartImplProps>> {
  loading ??= import('./ChartImpl.js').then(
    (m) => (impl = m.default),
    (e: unknown) => {
      loading = null; // a failed download is tried again by the next chart
      throw e;
    },
  );
  return loading;
}

export function Chart({ defer = false, ...props }: ChartProps) {
  const [Impl, setImpl] = useState(() => impl);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (Impl || defer) return;
    let live = true;
    // After the next frame: the content committed with this placeholder is painted before echarts is parsed.
    const frame = requestAnimationFrame(() =>
      setTimeout(() =>
        loadChart().then(
          (c) => live && setImpl(() => c),
          (e: unknown) => live && setError(e),
        ),
      ),
    );
    return () => {
      live = false;
      cancelAnimationFrame(frame);
    };
  }, [Impl, defer]);
  if (error) throw error; // to the route's error boundary, as a failed lazy chunk would
  if (!Impl || defer) return <div className="chart" style={{ height: props.height ?? 260 }} aria-busy="true" />;
  return <Impl {...props} />;
}
