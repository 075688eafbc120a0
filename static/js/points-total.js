// Shows the running total of points as residents type. Progressive enhancement: the server checks the
// total and explains any problem, so the form works the same without this script.
const inputs = Array.from(document.querySelectorAll("input[data-points]"));
const output = document.querySelector("[data-points-total]");

function update() {
  let total = 0;
  for (const input of inputs) {
    const value = input.value.trim();
    if (/^\d+$/.test(value)) total += Number(value);
  }
  const left = 100 - total;
  output.textContent =
    `Total: ${total} of 100 points. ` +
    (left === 0 ? "All points used." : left > 0 ? `${left} left to give.` : `${-left} too many.`);
}

if (inputs.length && output) {
  output.hidden = false;
  inputs.forEach((input) => input.addEventListener("input", update));
  update();
}
