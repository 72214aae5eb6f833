/* docs/live.js: the lesson page's live figure. One neuron z = a·x learns a by gradient
   descent, computed as the lesson's Python computes it, digit for digit (numpy's pairwise
   sums, Python's repr of floats). Plain ES2017: no library, no module, nothing loaded, so it
   works from a file:// page offline. Once the DOM is ready it reads the JSON script
   #live-data, {"x": [...], "z": [...], "a": 0.27, "lr": 0.001, "language": "en", "words":
   {...}}, and builds everything inside the div #live-figure. The page inlines this file in a
   script element: never write that element's end tag here. Tests use window.liveFigure:
   load({x, z, a, lr}), step(n), reset(), setA(a), setRate(lr), state() → {a, loss, ...}.
   The keys of "words" (each has the English default below; "language": "es" also writes
   numbers with a decimal comma and a true minus sign):
     weight    the slider's label          loss, gradient  the readout's names
     rate      the learning rate's label   step, steps, reset  the three buttons
     log       the training log's label    points, bowl    the two panels' captions
     diverged  the stop line, with {step} and {why}: grew or overflowed
     again     what to do after a stop (said after the stop line) */
(function () {
  "use strict";

  const WORDS = {
    weight: "weight a", loss: "loss", gradient: "gradient", rate: "learning rate",
    step: "step", steps: "10 steps", reset: "reset",
    log: "Training log, as the lesson prints it (error: the loss after step i; gradiente: " +
      "the gradient the step used; a: the new a)",
    points: "The points (blue), the neuron's line z = a·x (black) and each point's error (red).",
    bowl: "The loss for every a: a bowl. The dot is the current a; the slope of its " +
      "tangent (orange) is the gradient.",
    diverged: "training diverged at step {step}: the loss {why}.",
    grew: "grew past 1000 times its start", overflowed: "overflowed to infinity",
    again: "Press reset, or move a, to start again.",
  };
  const RATES = [0.0001, 0.0003, 0.001, 0.003, 0.01, 0.02, 0.03, 0.05];
  const BLOWUP = 1000; // a loss past this many times its start: the run diverged
  const BOX = { w: 400, h: 300, right: 12, top: 14, bottom: 42 }; // viewBox, margins
  const STYLE = `
.live-fig { display: grid; grid-template-columns: minmax(0, 1fr); gap: 0.6rem; margin: 1rem 0; }
.live-fig .live-row { display: flex; flex-wrap: wrap; gap: 0.5rem 0.8rem; align-items: center; }
.live-fig p, .live-fig pre { margin: 0; }
.live-fig input[type=range] { flex: 1 1 12rem; min-width: 0; margin: 0; }
.live-fig button, .live-fig select { font: inherit; font-size: 0.95rem; color: #1f2328;
  background: #f6f8fa; border: 1px solid #8c959f; border-radius: 6px; padding: 0.3rem 0.8rem; }
.live-fig button[aria-disabled=true] { color: #57606a; border-style: dashed; }
.live-fig :focus-visible { outline: 3px solid #0969da; outline-offset: 2px; }
.live-fig .live-panels { display: flex; flex-wrap: wrap; gap: 0.6rem; }
.live-fig figure { flex: 1 1 18rem; min-width: 0; margin: 0; }
.live-fig svg { display: block; width: 100%; height: auto; }
.live-fig figcaption, .live-fig .live-label { color: #57606a; font-size: 0.88rem; }
.live-fig .live-readout span { display: inline-block; margin-right: 1.2rem; }
.live-fig pre { max-height: 13rem; min-height: 2.5rem; overflow: auto; margin-top: -0.3rem;
  background: #fff; border-left: 4px solid #1f6feb; white-space: pre-wrap; overflow-wrap: normal;
  font: 13px/1.45 ui-monospace, "DejaVu Sans Mono", Menlo, monospace; padding: 0.5rem 0.7rem; }
.live-fig pre span { display: block; padding-left: 2ch; text-indent: -2ch; }
.live-fig pre .live-stop { color: #b31d28; font-weight: 600; }`;

  let S = null; // the figure's state: data, weight, run and elements

  // numpy's pairwise sum of n values of v from lo (as np.add.reduce on float64 does)
  function pairwise(v, lo, n) {
    let s = 0, i = 8;
    if (n < 8) { for (let k = lo; k < lo + n; k++) s += v[k]; return s; } // a plain loop
    if (n > 128) { // numpy halves a long array at a multiple of 8
      const half = Math.floor(n / 2) - (Math.floor(n / 2) % 8);
      return pairwise(v, lo, half) + pairwise(v, lo + half, n - half);
    }
    const r = v.slice(lo, lo + 8); // eight running sums, then the rest one by one
    for (; i <= n - 8; i += 8) for (let j = 0; j < 8; j++) r[j] += v[lo + i + j];
    s = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; i++) s += v[lo + i];
    return s;
  }

  // numpy's .sum() of an array: the identity 0 plus the pairwise sum
  function npSum(v) { return 0 + pairwise(v, 0, v.length); }

  // the lesson's loss(a·x, z): float(((a*x - z) ** 2).sum() / len(z))
  function lossAt(a, x, z) {
    return npSum(x.map((xi, i) => { const e = a * xi - z[i]; return e * e; })) / z.length;
  }

  // the lesson's gradient(a, x, z): float(2 * ((a*x - z) * x).sum() / len(z))
  function gradientAt(a, x, z) {
    return 2 * npSum(x.map((xi, i) => (a * xi - z[i]) * xi)) / z.length;
  }

  // Python's repr of a float: shortest digits, exponent if below 1e-4 or from 1e16 on
  function pyRepr(v) {
    if (Number.isNaN(v)) return "nan";
    if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
    if (v === 0) return Object.is(v, -0) ? "-0.0" : "0.0";
    const m = /^(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(Math.abs(v)));
    let digits = m[1] + (m[2] || ""), point = m[1].length + Number(m[3] || 0);
    const zeros = digits.match(/^0*/)[0].length; // 0.000123 → digits 123, point -3
    digits = digits.slice(zeros).replace(/0+$/, "");
    point -= zeros;
    let text;
    if (point < -3 || point > 16) {
      const exp = point - 1, mantissa = digits.replace(/^(\d)(?=\d)/, "$1.");
      text = `${mantissa}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
    } else if (point <= 0) text = "0." + "0".repeat(-point) + digits;
    else if (point >= digits.length) text = digits + "0".repeat(point - digits.length) + ".0";
    else text = digits.slice(0, point) + "." + digits.slice(point);
    return (v < 0 ? "-" : "") + text;
  }

  // a plain decimal text in the page's language: grouped thousands, its decimal sign, −
  function localize(text) {
    const es = S.language === "es", [whole, frac] = text.replace("-", "").split(".");
    const sep = es ? "\u00a0" : ",", grouped = whole.length < 5 ? whole
      : whole.replace(/\B(?=(\d{3})+$)/g, sep); // 12345 → 12,345 (es: 12 345)
    return (text[0] === "-" ? "\u2212" : "") + grouped + (frac ? (es ? "," : ".") + frac : "");
  }

  // m × 10 to the power e (texts, as toExponential gives them), with a superscript exponent
  function power(mantissa, exp) {
    const sup = [...String(Number(exp))].map(c => "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"["-0123456789".indexOf(c)]);
    return localize(mantissa) + "\u00a0×\u00a010" + sup.join("");
  }

  // a number for reading: 4 significant digits
  function readable(v) {
    if (!Number.isFinite(v)) return Number.isNaN(v) ? "NaN" : (v > 0 ? "∞" : "\u2212∞");
    const r = Number(v.toPrecision(4)), e = r && Math.floor(Math.log10(Math.abs(r)));
    if (e >= -4 && e < 9) return localize(r.toFixed(Math.max(0, 3 - e)));
    return power(...r.toExponential(3).split("e"));
  }

  // a tick's label: the shortest text of a round value
  function tickText(v) {
    const far = v !== 0 && (Math.abs(v) >= 1e5 || Math.abs(v) < 1e-4);
    return far ? power(...v.toExponential().split("e")) : localize(String(v));
  }

  // v rounded to 12 significant digits (removes 0.30000000000000004's noise)
  function tidy(v) { return Number(v.toPrecision(12)); }

  // the smallest 1, 2 or 5 times a power of ten at least raw
  function niceUp(raw) {
    if (!(raw > 0) || !Number.isFinite(raw)) return 1;
    const p = Math.pow(10, Math.floor(Math.log10(raw)));
    return [1, 2, 5, 10].find(m => m * p >= raw * (1 - 1e-12)) * p;
  }

  // two to six round values between lo and hi
  function ticks(lo, hi) {
    const s = niceUp((hi - lo) / 5), first = Math.ceil(lo / s);
    return Array.from({ length: Math.max(0, Math.floor(hi / s + 1e-9) - first + 1) },
      (_, k) => tidy((first + k) * s));
  }

  // [lo, hi] widened by a share of its span (or by 1 if it is a point)
  function padded(lo, hi, share) {
    const d = hi > lo ? (hi - lo) * share : Math.max(Math.abs(lo), 1);
    return [lo - d, hi + d];
  }

  // the slider's range and step: centred on the best a, wide enough for the start
  function sliderRange(a0, x, z) {
    const best = npSum(x.map((v, i) => v * z[i])) / npSum(x.map(v => v * v));
    const centre = Number.isFinite(best) ? best : a0;
    const half = Math.max(1.5 * Math.abs(a0 - centre), 0.5 * Math.abs(centre)) || 1;
    const step = niceUp(half / 250); // at most 500 positions
    return { lo: tidy(Math.floor((centre - half) / step) * step),
      hi: tidy(Math.ceil((centre + half) / step) * step), step: step };
  }

  // an SVG or HTML element with attributes (a function: a listener), added to parent
  function el(tag, attrs, parent, text) {
    const node = /^(svg|g|line|circle|path|text|rect|clipPath)$/.test(tag)
      ? document.createElementNS("http://www.w3.org/2000/svg", tag) : document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (typeof v === "function") node.addEventListener(k, v);
      else node.setAttribute(k, v);
    }
    if (text !== undefined) node.textContent = text;
    if (parent) parent.appendChild(node);
    return node;
  }

  // an empty panel: grid, frame, tick labels and axis names; its scales and plotting group
  function axes(svg, id, xr, yr, xName, yName) {
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    const xt = ticks(xr[0], xr[1]), yt = ticks(yr[0], yr[1]), clamp = v => Math.max(-1e5,
      Math.min(1e5, v)), font = { fill: "#424a53", "font-size": 13, "font-family": "sans-serif" };
    const left = 30 + 7.5 * Math.max(...yt.map(t => tickText(t).length)), top = BOX.top;
    const right = BOX.w - BOX.right, bottom = BOX.h - BOX.bottom, mid = (top + bottom) / 2;
    const f = { x: v => clamp(left + (v - xr[0]) / (xr[1] - xr[0]) * (right - left)),
      y: v => clamp(bottom - (v - yr[0]) / (yr[1] - yr[0]) * (bottom - top)) };
    const frame = { x: left, y: top, width: right - left, height: bottom - top };
    el("rect", frame, el("clipPath", { id: id }, svg));
    const text = (attrs, words) => el("text", Object.assign(attrs, font), svg, words);
    for (const t of xt) {
      el("line", { x1: f.x(t), x2: f.x(t), y1: top, y2: bottom, stroke: "#eaeef2" }, svg);
      text({ x: f.x(t), y: bottom + 16, "text-anchor": "middle" }, tickText(t));
    }
    for (const t of yt) {
      el("line", { x1: left, x2: right, y1: f.y(t), y2: f.y(t), stroke: "#eaeef2" }, svg);
      text({ x: left - 5, y: f.y(t) + 4, "text-anchor": "end" }, tickText(t));
    }
    el("rect", Object.assign({ fill: "none", stroke: "#8c959f" }, frame), svg);
    text({ x: (left + right) / 2, y: BOX.h - 6, "text-anchor": "middle" }, xName);
    text({ x: 14, y: mid, "text-anchor": "middle", transform: `rotate(-90 14 ${mid})` }, yName);
    return { f: f, g: el("g", { "clip-path": `url(#${id})` }, svg) };
  }

  // the left panel: the points, the line z = a·x and each point's error in red
  function drawPoints() {
    const { x, z, a } = S;
    const xr = padded(Math.min(0, ...x), Math.max(0, ...x), 0.05);
    const yr = padded(Math.min(0, ...z), Math.max(0, ...z), 0.08);
    const { f, g } = axes(S.left, "live-clip-points", xr, yr, "x", "z");
    if (!Number.isFinite(a)) return;
    const ends = a === 0 ? xr : [yr[0] / a, yr[1] / a].sort((p, q) => p - q); // in the box
    const x0 = Math.max(xr[0], ends[0]), x1 = Math.min(xr[1], ends[1]);
    el("line", { x1: f.x(x0), y1: f.y(a * x0), x2: f.x(x1), y2: f.y(a * x1), stroke: "#1f2328",
      "stroke-width": 2.2 }, g);
    x.forEach((xi, i) => {
      el("line", { x1: f.x(xi), x2: f.x(xi), y1: f.y(z[i]), y2: f.y(a * xi), stroke: "#cf222e",
        "stroke-width": 1.6 }, g);
      el("circle", { cx: f.x(xi), cy: f.y(z[i]), r: 3.6, fill: "#0969da", stroke: "#fff" }, g);
    });
  }

  // the right panel: the bowl of the loss over a, the current a and its tangent
  function drawBowl() {
    const { x, z, a } = S, shown = Number.isFinite(a) && Number.isFinite(lossAt(a, x, z));
    const ar = [Math.min(S.range.lo, shown ? a : Infinity),
      Math.max(S.range.hi, shown ? a : -Infinity)];
    const curve = Array.from({ length: 161 }, (_, k) => ar[0] + (ar[1] - ar[0]) * k / 160)
      .map(w => [w, lossAt(w, x, z)]).filter(p => Number.isFinite(p[1]));
    const top = Math.max(...curve.map(p => p[1]), 0) || 1;
    const { f, g } = axes(S.right, "live-clip-bowl", padded(ar[0], ar[1], 0.02),
      [0, top * 1.06], "a", S.words.loss);
    el("path", { d: curve.map((p, k) => (k ? "L" : "M") + f.x(p[0]).toFixed(2) + " " +
      f.y(p[1]).toFixed(2)).join(""), fill: "none", stroke: "#0550ae", "stroke-width": 2.2 }, g);
    if (!shown) return;
    const l = lossAt(a, x, z), slope = gradientAt(a, x, z), d = (ar[1] - ar[0]) * 0.18;
    el("line", { x1: f.x(a - d), y1: f.y(l - slope * d), x2: f.x(a + d), y2: f.y(l + slope * d),
      stroke: "#bc4c00", "stroke-width": 2.2 }, g);
    el("circle", { cx: f.x(a), cy: f.y(l), r: 5, fill: "#1f2328", stroke: "#fff" }, g);
  }

  // the numbers under the controls, and the slider's place and spoken value
  function drawReadout() {
    const { a, x, z } = S;
    S.readout[0].textContent = `a = ${readable(a)}`;
    S.readout[1].textContent = `${S.words.loss} = ${readable(lossAt(a, x, z))}`;
    S.readout[2].textContent = `${S.words.gradient} = ${readable(gradientAt(a, x, z))}`;
    if (Number.isFinite(a)) S.slider.value = String(Math.max(S.range.lo, Math.min(S.range.hi, a)));
    S.slider.setAttribute("aria-valuetext", `a = ${readable(a)}`);
  }

  // everything that shows a
  function draw() { drawPoints(); drawBowl(); drawReadout(); }

  // a line added to the log readout (and to the state's log)
  function addLine(text, stop) {
    S.log.push(text);
    el("span", stop ? { class: "live-stop" } : {}, S.logBox, text);
    S.logBox.scrollTop = S.logBox.scrollHeight;
  }

  // a new run from a: steps counted from 1 again, the log cleared, the start's loss kept
  function startRun(a) {
    Object.assign(S, { a: a, i: 0, log: [], stopped: false, start: lossAt(a, S.x, S.z) });
    S.logBox.textContent = "";
    S.buttons.forEach(b => b.setAttribute("aria-disabled", "false"));
    draw();
  }

  // one step of the lesson's train(): its log line, and a stop if the loss blew up
  function stepOnce() {
    const slope = gradientAt(S.a, S.x, S.z);
    S.a = S.a - S.lr * slope;
    const l = lossAt(S.a, S.x, S.z);
    addLine(`i=${++S.i}: error=${pyRepr(l)}, gradiente=${pyRepr(slope)}, a=${pyRepr(S.a)}`);
    if (!Number.isFinite(l) || l > BLOWUP * S.start) {
      const why = Number.isFinite(l) ? S.words.grew : S.words.overflowed;
      addLine(S.words.diverged.replace("{step}", S.i).replace("{why}", why) + " " +
        S.words.again, true);
      S.stopped = true;
      S.buttons.forEach(b => b.setAttribute("aria-disabled", "true"));
    }
  }

  // up to n steps from the current a (none once the run has diverged), then a new picture
  function step(n) { for (let k = 0; k < n && !S.stopped; k++) stepOnce(); draw(); }

  // the learning rate, added to the list if it is not in it
  function setRate(lr) {
    lr = Number(lr);
    const options = Array.from(S.rate.options);
    if (!options.some(o => Number(o.value) === lr)) {
      const text = tickText(Number(lr.toPrecision(4))); // 4 digits are enough to tell
      S.rate.insertBefore(el("option", { value: String(lr) }, null, text),
        options.find(o => Number(o.value) > lr) || null);
    }
    S.rate.value = String(lr);
    S.lr = lr;
  }

  // other points, start and rate: everything drawn again from the start
  function load(data) {
    Object.assign(S, { x: data.x.map(Number), z: data.z.map(Number), a0: Number(data.a) });
    S.range = sliderRange(S.a0, S.x, S.z);
    Object.assign(S.slider, { min: S.range.lo, max: S.range.hi, step: S.range.step });
    setRate(data.lr);
    startRun(S.a0);
  }

  // the controls, the two panels and the log, built inside root
  function build(root) {
    const w = S.words, fig = el("div", { class: "live-fig" }, root);
    el("style", {}, fig, STYLE);
    const top = el("div", { class: "live-row" }, fig);
    el("label", { for: "live-a" }, top, w.weight); // the slider's range is set by load()
    S.slider = el("input", { type: "range", id: "live-a", "aria-label": w.weight,
      input: () => startRun(Number(S.slider.value)) }, top);
    const row = el("div", { class: "live-row" }, fig);
    S.buttons = [[w.step, 1], [w.steps, 10]].map(([text, n]) =>
      el("button", { type: "button", click: () => step(n) }, row, text));
    el("button", { type: "button", click: reset }, row, w.reset);
    const rates = el("span", { class: "live-row" }, row);
    el("label", { for: "live-rate" }, rates, w.rate);
    S.rate = el("select", { id: "live-rate", change: () => setRate(S.rate.value) }, rates);
    RATES.forEach(r => el("option", { value: String(r) }, S.rate, tickText(r)));
    const readout = el("p", { class: "live-readout" }, fig);
    S.readout = [0, 1, 2].map(() => el("span", {}, readout));
    const panels = el("div", { class: "live-panels" }, fig);
    [["left", "points"], ["right", "bowl"]].forEach(([side, key]) => {
      const figure = el("figure", {}, panels);
      S[side] = el("svg", { viewBox: `0 0 ${BOX.w} ${BOX.h}`, role: "img",
        "aria-labelledby": `live-${key}`, focusable: "false" }, figure);
      el("figcaption", { id: `live-${key}` }, figure, w[key]);
    });
    el("p", { class: "live-label", id: "live-log-label" }, fig, w.log);
    S.logBox = el("pre", { role: "log", "aria-live": "polite", tabindex: "0",
      "aria-labelledby": "live-log-label" }, fig);
  }

  // back to the starting a, with the log cleared
  function reset() { startRun(S.a0); }

  // the figure from the page's JSON, and window.liveFigure for tests
  function init() {
    const [root, source] = ["live-figure", "live-data"].map(id => document.getElementById(id));
    if (!root || !source) return;
    const data = JSON.parse(source.textContent);
    S = { language: data.language || "en", words: Object.assign({}, WORDS, data.words) };
    build(root);
    load(data);
    window.liveFigure = { load: load, step: step, reset: reset, setRate: setRate,
      setA: a => startRun(Number(a)),
      state: () => ({ a: S.a, loss: lossAt(S.a, S.x, S.z), gradient: gradientAt(S.a, S.x, S.z),
        log: S.log.slice(), stopped: S.stopped, lr: S.lr }),
      pyRepr: pyRepr, npSum: npSum, readable: readable,
    };
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
