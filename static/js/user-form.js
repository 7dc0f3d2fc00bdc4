// The user form: show only the membership field of the chosen role (advisor: team, coach:
// teams led, admin: neither), switching as the role changes. Without JavaScript both fields
// show and the server ignores the one that does not belong to the role.
(function () {
  const form = document.getElementById("user-form");
  const role = form && form.querySelector("select[name=role]");
  if (!role) return;
  const parts = form.querySelectorAll("[data-for-role]");

  function show() {
    parts.forEach(function (part) {
      part.hidden = part.dataset.forRole !== role.value;
    });
  }

  role.addEventListener("change", show);
  show();
})();
