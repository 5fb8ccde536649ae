// The collection sheet: "fill in what is due" puts each due amount in the fields left empty.
document.getElementById("fill-due")?.addEventListener("click", () => {
  document.querySelectorAll(".sheet input.money").forEach((input) => {
    if (!input.value && input.dataset.due !== "0") input.value = input.dataset.due;
  });
});
