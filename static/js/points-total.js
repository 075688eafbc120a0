// Shows a running total as people type: points in a consultation answer, weights in a tender.
// Progressive enhancement: the server checks every total and explains any problem, so forms work the
// same without this script.
const output = document.querySelector("[data-points-total]");
const inputs = Array.from(document.querySelectorAll("input[data-points]"));

function update() {
  let total = 0;
  for (const input of inputs) {
    const value = input.value.trim();
    if (/^\d+$/.test(value)) total += Number(value);
  }
  const unit = output.dataset.pointsTotal ? ` ${output.dataset.pointsTotal}` : "";
  const left = 100 - total;
  output.textContent =
    `Total: ${total} of 100${unit}. ` +
    (left === 0 ? "All used." : left > 0 ? `${left} left to give.` : `${-left} too many.`);
}

if (inputs.length && output) {
  output.hidden = false;
  inputs.forEach((input) => input.addEventListener("input", update));
  update();
}
