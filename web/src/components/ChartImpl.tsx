/** ECharts, tree-shaken (echarts/core + the few charts used), SVG renderer; tooltips as rich text, never HTML. */
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import type { EChartsCoreOption } from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import ReactEChartsCore from 'echarts-for-react/esm/core';

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, SVGRenderer]);

export interface ChartImplProps {
  option: EChartsCoreOption;
  label: string;
  height?: number;
  onClickName?: (name: string) => void;
}

export default function ChartImpl({ option, label, height = 260, onClickName }: ChartImplProps) {
  // No animation: figures are readable at once (and screenshots show the final chart).
  const safe: EChartsCoreOption = { animation: false, ...option, tooltip: { renderMode: 'richText', ...(option.tooltip as object | undefined) } };
  return (
    <div role="img" aria-label={label} className="chart">
      <ReactEChartsCore
        echarts={echarts}
        option={safe}
        opts={{ renderer: 'svg' }}
        style={{ height, width: '100%' }}
        notMerge
        onEvents={onClickName ? { click: (p: { name?: string }) => p.name !== undefined && onClickName(p.name) } : {}}
      />
    </div>
  );
}
