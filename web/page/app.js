// The safety map page: buurt/wijk choropleth per theme from the server's public aggregates,
// kept live by the event stream /api/stream (Server-Sent Events; the browser resumes with
// Last-Event-ID after a dropped connection). Counts the server withholds (below k) arrive as
// "suppressed" and are drawn hatched with "< k"; the page never sees them.
'use strict';

const PALETTE = ['#fff3c4', '#fdd27a', '#fca84d', '#f0703a', '#c8372d', '#8c1d18'];
const NO_DATA = '#fbfbfb';

const state = {
  config: { tile_url: '', suppression_k: 5 },
  areas: {},            // level -> [Area] (with parsed geometry)
  names: {},            // code -> display name
  cells: new Map(),     // "area|THEME" -> AggregateCell of the current stream
  indicators: [],       // IndicatorValue
  source: null,         // EventSource
  map: null,
  layers: {},           // level -> L.GeoJSON
  focusLayer: null,
};

const $ = (id) => document.getElementById(id);

async function getJson(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.json();
}

function selection() {
  return {
    level: $('level').value,
    theme: $('theme').value,
    period: $('period').value,
    measure: $('measure').value,
    layer: $('layer').value,
  };
}

// Controls start from the URL (?level=BUURT&theme=YOUTH&period=MONTH), so a view can be shared.
function applyUrlParams() {
  const params = new URLSearchParams(window.location.search);
  for (const id of ['level', 'theme', 'period', 'measure']) {
    const value = params.get(id);
    if (value && [...$(id).options].some((o) => o.value === value)) $(id).value = value;
  }
}

function featureCollection(areas) {
  return {
    type: 'FeatureCollection',
    features: areas.map((a) => ({
      type: 'Feature',
      properties: { code: a.code, name: a.display_name || a.code },
      geometry: JSON.parse(a.geometry_geojson),
    })),
  };
}

// SVG pattern for withheld counts; Leaflet's SVG renderer takes "url(#hatch)" as a fill.
function addHatchPattern(svg) {
  if (!svg || svg.querySelector('#hatch')) return;
  const ns = 'http://www.w3.org/2000/svg';
  const defs = document.createElementNS(ns, 'defs');
  const pattern = document.createElementNS(ns, 'pattern');
  pattern.setAttribute('id', 'hatch');
  pattern.setAttribute('patternUnits', 'userSpaceOnUse');
  pattern.setAttribute('width', '6');
  pattern.setAttribute('height', '6');
  pattern.setAttribute('patternTransform', 'rotate(45)');
  const bg = document.createElementNS(ns, 'rect');
  bg.setAttribute('width', '6');
  bg.setAttribute('height', '6');
  bg.setAttribute('fill', '#e4e4e4');
  const line = document.createElementNS(ns, 'rect');
  line.setAttribute('width', '2');
  line.setAttribute('height', '6');
  line.setAttribute('fill', '#9a9a9a');
  pattern.append(bg, line);
  defs.append(pattern);
  svg.prepend(defs);
}

function buildMap() {
  const renderer = L.svg();
  const map = L.map('map', { renderer, zoomSnap: 0.25, preferCanvas: false });
  state.map = map;
  if (state.config.tile_url) {
    L.tileLayer(state.config.tile_url, { maxZoom: 19, attribution: '' }).addTo(map);
  }
  for (const level of ['WIJK', 'BUURT']) {
    state.layers[level] = L.geoJSON(featureCollection(state.areas[level] || []), {
      style: { color: '#5b6b7b', weight: 1, fillColor: NO_DATA, fillOpacity: 0.85 },
      onEachFeature: (feature, layer) => layer.bindTooltip(feature.properties.name, { sticky: true }),
    });
  }
  state.focusLayer = L.geoJSON(featureCollection(state.areas.FOCUS_AREA || []), {
    style: { color: '#14365c', weight: 3, dashArray: '6 4', fill: false },
    interactive: false,
    onEachFeature: (feature, layer) =>
      layer.bindTooltip(feature.properties.name, { permanent: true, direction: 'center',
                                                   className: 'focus-label' }),
  });
  const buurten = state.layers.BUURT.getBounds();
  if (buurten.isValid()) map.fitBounds(buurten, { padding: [10, 10] });
  else map.setView([52.487, 4.657], 13);
}

// Which polygons are drawn and with what value, for the current controls.
function currentView() {
  const sel = selection();
  if (sel.layer !== 'counts') {
    const values = new Map();  // code -> {value, period, unit, source}
    for (const v of state.indicators) {
      if (v.indicator !== sel.layer) continue;
      const prev = values.get(v.area_code);
      if (!prev || String(v.period) > String(prev.period)) values.set(v.area_code, v);
    }
    const onWijken = [...values.keys()].some((c) => c.startsWith('WK'));
    return { level: onWijken ? 'WIJK' : 'BUURT', indicator: true, values };
  }
  const values = new Map();
  for (const cell of state.cells.values()) {
    if (cell.theme !== sel.theme) continue;
    values.set(cell.area_code, {
      suppressed: !!cell.suppressed,
      value: Number(cell[sel.measure] || 0),
    });
  }
  return { level: sel.level, indicator: false, values };
}

// Equal-width classes over 0..max; whole numbers for counts.
function classWidth(max, whole) {
  const width = max / PALETTE.length;
  return whole ? Math.max(1, Math.ceil(width)) : width || 1;
}

function colour(value, max, whole) {
  const width = classWidth(max, whole);
  const i = Math.min(PALETTE.length - 1, Math.floor((value - (whole ? 1 : 0)) / width));
  return PALETTE[Math.max(0, i)];
}

function label(entry, view) {
  if (!entry) return '0';
  if (!view.indicator && entry.suppressed) return `< ${state.config.suppression_k}`;
  const value = Number(entry.value);
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

function render() {
  const view = currentView();
  const map = state.map;
  for (const [level, layer] of Object.entries(state.layers)) {
    if (level === view.level) { if (!map.hasLayer(layer)) layer.addTo(map); }
    else if (map.hasLayer(layer)) map.removeLayer(layer);
  }
  if (!map.hasLayer(state.focusLayer)) state.focusLayer.addTo(map);
  state.focusLayer.bringToFront();
  addHatchPattern(map.getPane('overlayPane').querySelector('svg'));

  let max = 0;
  for (const entry of view.values.values()) if (!entry.suppressed) max = Math.max(max, Number(entry.value));
  state.layers[view.level].eachLayer((layer) => {
    const code = layer.feature.properties.code;
    const entry = view.values.get(code);
    let fill = NO_DATA;
    if (entry && !view.indicator && entry.suppressed) fill = 'url(#hatch)';
    else if (entry && Number(entry.value) > 0) fill = colour(Number(entry.value), max, !view.indicator);
    layer.setStyle({ fillColor: fill });
    layer.setTooltipContent(`${layer.feature.properties.name}: ${label(entry, view)}`);
  });

  // The table: every area with a figure, largest first, withheld ones last.
  const rows = [...view.values.entries()].sort((a, b) =>
    (a[1].suppressed ? 1 : 0) - (b[1].suppressed ? 1 : 0) || Number(b[1].value) - Number(a[1].value));
  const body = $('areas').querySelector('tbody');
  body.replaceChildren(...rows.map(([code, entry]) => {
    const tr = document.createElement('tr');
    tr.dataset.area = code;
    tr.dataset.state = !view.indicator && entry.suppressed ? 'suppressed' : 'count';
    const name = document.createElement('td');
    name.textContent = state.names[code] || code;
    const value = document.createElement('td');
    value.className = 'value';
    value.textContent = label(entry, view);
    tr.append(name, value);
    return tr;
  }));
  $('table-caption').textContent = view.indicator
    ? `${selection().layer} per gebied`
    : `Gebieden met ${selection().measure === 'incident_count' ? 'incidenten' : 'meldingen'}`;
  renderLegend(view, max);
}

function renderLegend(view, max) {
  const legend = $('legend');
  const items = [];
  const whole = !view.indicator;
  const width = classWidth(max, whole);
  for (let i = 0; i < PALETTE.length && max > 0; i++) {
    const from = whole ? i * width + 1 : Math.round(i * width * 10) / 10;
    if (from > max) break;
    const to = whole ? Math.min(max, (i + 1) * width) : Math.round((i + 1) * width * 10) / 10;
    const text = from === to ? `${from}` : `${from}–${to}`;
    items.push(`<span><i class="swatch" style="background:${PALETTE[i]}"></i>${text}</span>`);
  }
  if (!view.indicator) {
    items.push(`<span><i class="swatch hatched"></i>&lt; ${state.config.suppression_k} (afgeschermd)</span>`);
  }
  items.push(`<span><i class="swatch" style="background:${NO_DATA}"></i>geen</span>`);
  items.push('<span><i class="swatch" style="border:2px dashed #14365c"></i>focusgebied</span>');
  legend.innerHTML = items.join('');
}

function setStatus(text, kind) {
  $('status').textContent = text;
  $('status').dataset.state = kind;
}

// One event stream per level x period; the theme, measure and layer are chosen client-side.
function connect() {
  if (state.source) state.source.close();
  state.cells.clear();
  const sel = selection();
  const source = new EventSource(`api/stream?level=${sel.level}&period=${sel.period}`);
  state.source = source;
  setStatus('verbinden…', 'connecting');
  source.addEventListener('period', (event) => {
    const p = JSON.parse(event.data);
    const fmt = (s) => new Date(s).toLocaleDateString('nl-NL', {
      day: 'numeric', month: 'short', year: 'numeric', timeZone: 'Europe/Amsterdam' });
    const end = new Date(new Date(p.end).getTime() - 1000).toISOString();
    $('period-label').textContent = `Periode: ${fmt(p.start)} t/m ${fmt(end)}`;
  });
  source.onmessage = (event) => {
    const update = JSON.parse(event.data);
    if (update.snapshot) state.cells.clear();
    for (const cell of update.cells || []) state.cells.set(`${cell.area_code}|${cell.theme}`, cell);
    setStatus('live', 'live');
    render();
  };
  source.addEventListener('end', (event) => {
    const end = JSON.parse(event.data);
    // A cursor the server cannot resume from (3 INVALID_ARGUMENT, 9 FAILED_PRECONDITION):
    // start over with a fresh snapshot. Otherwise the browser reconnects with Last-Event-ID.
    if (end.code === 3 || end.code === 9) {
      source.close();
      setTimeout(connect, 1000);
    }
    setStatus('opnieuw verbinden…', 'connecting');
  });
  source.onerror = () => {
    if (source.readyState !== EventSource.OPEN) setStatus('verbinding verbroken, opnieuw…', 'error');
  };
}

async function loadIndicators() {
  try {
    const response = await getJson('api/indicators');
    state.indicators = response.indicators || [];
  } catch (e) {
    state.indicators = [];
  }
  const names = [...new Set(state.indicators.map((v) => v.indicator))].sort();
  const layer = $('layer');
  for (const name of names) {
    const option = document.createElement('option');
    option.value = name;
    option.textContent = `Indicator: ${name}`;
    layer.append(option);
  }
}

async function main() {
  applyUrlParams();
  state.config = await getJson('api/config');
  for (const level of ['BUURT', 'WIJK', 'FOCUS_AREA']) {
    const response = await getJson(`api/areas?level=${level}`);
    state.areas[level] = response.areas || [];
    for (const a of state.areas[level]) state.names[a.code] = a.display_name || a.code;
  }
  $('privacy-note').textContent =
    `Aantallen onder ${state.config.suppression_k} worden niet getoond (gearceerd: < ${state.config.suppression_k}), ` +
    'zodat niemand uit de kaart kan afleiden wie iets meldde.';
  buildMap();
  await loadIndicators();
  // The page's Content-Security-Policy allows no inline handlers: the form never submits.
  $('controls').addEventListener('submit', (event) => event.preventDefault());
  $('level').addEventListener('change', connect);
  $('period').addEventListener('change', connect);
  for (const id of ['theme', 'measure', 'layer']) $(id).addEventListener('change', render);
  render();
  connect();
}

main().catch((e) => setStatus(`fout: ${e.message}`, 'error'));
