// 连心: small progressive enhancements; every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  const toggle = document.querySelector("[data-toggle-nav]");
  if (toggle) {
    toggle.addEventListener("click", () => {
      const nav = document.getElementById("nav");
      const open = nav.classList.toggle("open");
      toggle.setAttribute("aria-expanded", String(open));
    });
  }
  // A second click on a submit button does nothing: disable it once the form is sent.
  document.querySelectorAll("form[data-once]").forEach((form) => {
    form.addEventListener("submit", () => {
      form.querySelectorAll("button[type=submit]").forEach((b) => { b.disabled = true; });
    });
  });
  // Long unit lists: a search box before each <select data-searchable> filters its options
  // by name (the selected option always stays).
  document.querySelectorAll("select[data-searchable]").forEach((select, i) => {
    const input = document.createElement("input");
    input.type = "search";
    input.id = `${select.id || "select"}-search-${i}`;
    input.placeholder = "输入名称、类型或地区筛选";
    input.setAttribute("aria-label", "筛选选项");
    input.setAttribute("aria-controls", select.id || "");
    input.className = "select-search";
    select.parentNode.insertBefore(input, select);
    input.addEventListener("input", () => {
      const words = input.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      Array.from(select.options).forEach((option) => {
        const text = option.textContent.toLowerCase();
        const keep = option.selected || option.value === "" || words.every((w) => text.includes(w));
        option.hidden = !keep;
      });
    });
  });
});
