/** Charts are loaded on demand (echarts is the biggest dependency): the assets pages never download it. */
import { lazy, Suspense } from 'react';
import type { ChartImplProps } from './ChartImpl.js';

const ChartImpl = lazy(() => import('./ChartImpl.js'));

export type ChartProps = ChartImplProps;

export function Chart(props: ChartProps) {
  return (
    <Suspense fallback={<div className="chart" style={{ height: props.height ?? 260 }} aria-busy="true" />}>
      <ChartImpl {...props} />
    </Suspense>
  );
}
