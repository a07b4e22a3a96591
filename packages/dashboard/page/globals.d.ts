// uPlot is loaded as a classic script (/assets/uplot.js) before the modules run
declare const uPlot: typeof import('uplot')
