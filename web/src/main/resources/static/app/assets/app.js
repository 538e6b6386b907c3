// Patient Vault web UI: the only script besides htmx and Chart.js (no inline scripts: the CSP forbids them).
(function () {
  'use strict';

  // htmx requests carry the CSRF token in the header Spring Security expects.
  document.addEventListener('htmx:configRequest', function (e) {
    var header = document.querySelector('meta[name="csrf-header"]');
    var token = document.querySelector('meta[name="csrf-token"]');
    if (header && token) {
      e.detail.headers[header.content] = token.content;
    }
  });

  // A form may ask for confirmation first (data-confirm="text").
  document.addEventListener('submit', function (e) {
    var text = e.target.getAttribute && e.target.getAttribute('data-confirm');
    if (text && !window.confirm(text)) {
      e.preventDefault();
    }
  }, true);

  // A file field may name its limit (data-max-bytes, data-too-large="message"): too large a file is refused here,
  // before it is sent; the server checks again.
  document.addEventListener('change', function (e) {
    var input = e.target;
    if (!input.matches || !input.matches('input[type=file][data-max-bytes]')) {
      return;
    }
    var max = Number(input.getAttribute('data-max-bytes'));
    var tooLarge = Array.prototype.some.call(input.files || [], function (f) { return f.size > max; });
    input.setCustomValidity(tooLarge ? input.getAttribute('data-too-large') || 'too large' : '');
    if (tooLarge) {
      input.reportValidity();
    }
  });

  // Charts: <canvas data-chart="id-of-json-block">; the JSON block holds labels, values, low/high and texts.
  function drawCharts(root) {
    if (!window.Chart) {
      return;
    }
    (root || document).querySelectorAll('canvas[data-chart]').forEach(function (canvas) {
      if (canvas.dataset.drawn) {
        return;
      }
      var source = document.getElementById(canvas.dataset.chart);
      if (!source) {
        return;
      }
      var d = JSON.parse(source.textContent);
      var datasets = [];
      if (d.low && d.high) {
        // The reference band: the area between the low and high limits of each point.
        datasets.push({ label: d.lowLabel, data: d.low, borderColor: 'rgba(29,107,53,.6)', borderDash: [4, 4],
          pointRadius: 0, fill: false, spanGaps: true });
        datasets.push({ label: d.highLabel, data: d.high, borderColor: 'rgba(29,107,53,.6)', borderDash: [4, 4],
          backgroundColor: 'rgba(29,107,53,.12)', pointRadius: 0, fill: '-1', spanGaps: true });
      }
      datasets.push({ label: d.valueLabel, data: d.values, borderColor: '#0b5394', backgroundColor: '#0b5394',
        pointRadius: 4, tension: 0.1, fill: false });
      // Further series to compare with (e.g. the mean of all hospitals): dashed, in a second colour.
      (d.extra || []).forEach(function (series) {
        datasets.push({ label: series.label, data: series.data, borderColor: '#8a4b00', backgroundColor: '#8a4b00',
          borderDash: [6, 3], pointRadius: 3, tension: 0.1, fill: false });
      });
      canvas.dataset.drawn = '1';
      new window.Chart(canvas, {
        type: d.kind || 'line',
        data: { labels: d.labels, datasets: datasets },
        options: { responsive: true, maintainAspectRatio: false, animation: false,
          plugins: { legend: { position: 'bottom' } },
          scales: { y: { title: { display: !!d.unit, text: d.unit } } } }
      });
    });
  }
  document.addEventListener('DOMContentLoaded', function () { drawCharts(document); });
  document.addEventListener('htmx:afterSettle', function (e) { drawCharts(e.target); });
})();
