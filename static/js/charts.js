// Draws a chart above each table marked data-chart, from the figures in that table.
// Progressive enhancement: the table is the source and stays on the page, so without JavaScript (or
// without Chart.js) nothing is lost. No inline script or style: the content security policy allows
// neither, and Chart.js sizes its canvas through the CSSOM, which the policy permits.
//
//   <table data-chart="bar|doughnut" data-chart-columns="2 3" data-chart-colours="#d4351c #00703c">
//   - the first cell of each body row (a th scope="row") labels the point;
//   - data-chart-columns: indexes of the columns to plot, one series each; their th is the series label;
//   - numeric cells carry their raw number in data-value (the text is formatted: "£1,234.00");
//   - data-chart-colours: one colour a row, for a single series (RAG status, say);
//   - data-chart-axis: the value axis's title with its unit ("Pounds (£)"); the category axis is titled
//     with the first column's header.
// Every colour stands out from the white page at 3:1 or more (WCAG 1.4.11). PALETTE is a copy of
// reporting.charts.SERIES_COLOURS (the review pack's SVG charts use it too): tests/reporting/test_charts.py
// reads it from this file, checks it equals that list, and checks each colour with contrast_ratio.
(function () {
  "use strict";

  // GOV.UK Design System colours: blue, orange (darkened to 3.9:1), green, purple, red, grey.
  const PALETTE = ["#1d70b8", "#d65a00", "#00703c", "#4c2c92", "#d4351c", "#505a5f"];

  function cellNumber(cell) {
    if (!cell || cell.dataset.value === undefined || cell.dataset.value === "") return null;
    const value = Number(cell.dataset.value);
    return Number.isFinite(value) ? value : null;
  }

  function text(node) {
    return node ? node.textContent.replace(/\s+/g, " ").trim() : "";
  }

  function draw(table) {
    const type = table.dataset.chart === "doughnut" ? "doughnut" : "bar";
    const columns = (table.dataset.chartColumns || "1")
      .split(/\s+/)
      .map(Number)
      .filter((n) => Number.isInteger(n) && n > 0);
    const rowColours = (table.dataset.chartColours || "").split(/\s+/).filter(Boolean);
    const head = table.tHead && table.tHead.rows[0];
    const body = table.tBodies[0];
    if (!head || !body || !columns.length) return;
    const rows = Array.from(body.rows);
    if (!rows.length) return;

    const labels = rows.map((row) => text(row.cells[0]));
    const datasets = columns.map((column, index) => {
      const perRow = type === "doughnut" || (columns.length === 1 && rowColours.length);
      const colours = rowColours.length ? rowColours : PALETTE;
      return {
        label: text(head.cells[column]),
        data: rows.map((row) => cellNumber(row.cells[column])),
        backgroundColor: perRow ? rows.map((_, i) => colours[i % colours.length]) : PALETTE[index % PALETTE.length],
        borderColor: type === "doughnut" ? "#ffffff" : undefined,
      };
    });

    const caption = text(table.caption);
    const figure = document.createElement("div");
    figure.className = "app-chart";
    figure.style.position = "relative";
    figure.style.maxWidth = type === "doughnut" ? "320px" : "720px";
    figure.style.marginBottom = "20px";
    const canvas = document.createElement("canvas");
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", `Chart: ${caption}. The table below has the same figures.`);
    canvas.textContent = `Chart: ${caption}. The table below has the same figures.`;
    figure.appendChild(canvas);
    const anchor = table.closest(".app-table-scroll") || table; // before the table's scroll region, not in it
    anchor.parentNode.insertBefore(figure, anchor);

    // eslint-disable-next-line no-new
    new window.Chart(canvas, {
      type: type,
      data: { labels: labels, datasets: datasets },
      options: {
        animation: false,
        responsive: true,
        plugins: {
          legend: { display: type === "doughnut" || datasets.length > 1, position: "bottom" },
          tooltip: { enabled: true },
        },
        scales:
          type === "bar"
            ? {
                x: { title: { display: true, text: text(head.cells[0]) } },
                y: { beginAtZero: true, title: { display: true, text: table.dataset.chartAxis || "" } },
              }
            : {},
      },
    });
  }

  function init() {
    if (typeof window.Chart !== "function") return;
    document.querySelectorAll("table[data-chart]").forEach((table) => {
      try {
        draw(table);
      } catch (error) {
        // A chart is an extra: the table still has every figure.
        if (window.console) window.console.warn("Chart not drawn", error);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
