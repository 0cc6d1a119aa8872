// The Vega runtime of the site's interactive charts: Vega 6.2.0's own code, less what no chart uses.
// build.mjs bundles it into vega.min.js (`make vendor`); SOURCE.md says what is in it.
//
// Like vega's own index.js it registers transforms with the dataflow, but only those the compiled specs
// (build/site/charts/*.vg.json) can reach: the operators vega-parser creates itself (its src/transforms.js:
// aggregate, collect, sieve, scale, mark, bound, render, viewlayout, projection...) and the transform types
// the specs name (filter, formula, stack, geopoint, geoshape). The force, label, hierarchy, voronoi,
// wordcloud, regression and crossfilter packages, and the other transforms of these four, are left out.
// A chart that needs one more fails to draw in tests/test_site.py (every spec drawn with this bundle and
// with vega's own build, the SVGs compared), so the list below grows with the charts.
import {extend} from 'vega-util';
import {transforms} from 'vega-dataflow';
import {
  aggregate, collect, compare, expression, extent, facet, field, filter, formula, key, load,
  multiextent, multivalues, params, prefacet, proxy, relay, sieve, values
} from 'vega-transforms';
import {bound, identifier, mark, overlap, render, viewlayout} from 'vega-view-transforms';
import {axisticks, datajoin, encode, legendentries, scale, sortitems, stack} from 'vega-encode';
import {geopoint, geoshape, projection} from 'vega-geo';

extend(transforms, {
  aggregate, collect, compare, expression, extent, facet, field, filter, formula, key, load,
  multiextent, multivalues, params, prefacet, proxy, relay, sieve, values,
  bound, identifier, mark, overlap, render, viewlayout,
  axisticks, datajoin, encode, legendentries, scale, sortitems, stack,
  geopoint, geoshape, projection
});

// What charts.js uses: vega.parse(spec), new vega.View(runtime, {renderer: "svg", ...}), and the version.
export {parse} from 'vega-parser';
export {View} from 'vega-view';
export const version = VEGA_VERSION; // defined by build.mjs from node_modules/vega/package.json
