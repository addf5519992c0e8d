// Progressive extras only: the page works the same without this file.
"use strict";
document.documentElement.classList.add("js");
document.addEventListener("keydown", function (event) {
  // "/" focuses the search box, as on most search sites.
  var box = document.getElementById("q");
  if (event.key === "/" && box && document.activeElement !== box) {
    event.preventDefault();
    box.focus();
    box.select();
  }
});
