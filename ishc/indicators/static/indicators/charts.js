// The dashboard's and the printable report's charts, from the data the page carries in
// json_script blocks (a static file, so the Content-Security-Policy needs no inline script).
(function () {
  const t = JSON.parse(document.getElementById("trend-data").textContent);
  const comp = JSON.parse(document.getElementById("composition-data").textContent);
  const animation = window.matchMedia("print").matches ? false : undefined;
  function value(p) { return p.display === null ? null : Math.round(p.display * 10) / 10; }
  function datasets(points, type) {
    const sets = [{ type: type, label: t.label, data: points.map(value), backgroundColor: "#198754", borderColor: "#198754" }];
    if (t.target !== null) {
      sets.push({ type: "line", label: t.target_label, data: points.map(() => t.target), borderColor: "#dc3545", borderDash: [6, 4], pointRadius: 0, fill: false });
    }
    if (t.target_high !== null) {
      sets.push({ type: "line", label: t.target_label, data: points.map(() => t.target_high), borderColor: "#dc3545", borderDash: [6, 4], pointRadius: 0, fill: false });
    }
    return sets;
  }
  const opts = { animation: false, responsive: true, maintainAspectRatio: false, scales: { y: { beginAtZero: true } } };
  const m = document.getElementById("chart-months");
  if (m) new Chart(m, { type: "line", data: { labels: t.months.map(p => p.label), datasets: datasets(t.months, "line") }, options: opts });
  const y = document.getElementById("chart-years");
  if (y) new Chart(y, { type: "bar", data: { labels: t.years.map(p => p.label), datasets: datasets(t.years, "bar") }, options: opts });
  const c = document.getElementById("chart-composition");
  if (c) new Chart(c, { type: "bar", data: { labels: comp.labels, datasets: [{ label: comp.label, data: comp.values, backgroundColor: ["#adb5bd", "#f8d7da", "#ffc107", "#198754", "#0d6efd"] }] }, options: { animation: false, responsive: true, maintainAspectRatio: false, plugins: { legend: { display: false } } } });
})();
