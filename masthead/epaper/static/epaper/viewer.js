/* The ePaper viewer, enhanced: keys and swipes turn pages, zoom in place, select a clip by
   dragging. Without JavaScript every one of these is a plain link or form. */
(function () {
  "use strict";
  var root = document.querySelector("[data-epaper]");
  if (!root) return;
  var figure = document.getElementById("epaper-page");
  var img = document.getElementById("epaper-image");
  var zoomLink = document.getElementById("epaper-zoom");
  var wide = window.matchMedia("(min-width: 1100px)");
  var zoomed = root.classList.contains("is-zoom-page");
  var inPlace = false; // zoomed here, without leaving the page

  function go(which) {
    var link = document.getElementById("epaper-" + which);
    if (!link) return;
    var href = link.href;
    // On a wide screen pages turn a spread at a time; an empty spread address: the last spread.
    if (wide.matches && link.hasAttribute("data-spread-href")) href = link.getAttribute("data-spread-href");
    if (href) window.location.href = href;
  }

  function zoom(on) {
    if (root.classList.contains("is-zoom-page") || on === inPlace) return;
    inPlace = on;
    img.src = on ? img.getAttribute("data-zoom-src") : img.getAttribute("data-screen-src");
    figure.classList.toggle("is-zoomed", on);
    root.classList.toggle("is-zoomed", on);
    zoomLink.textContent = on ? "Zoom out" : "Zoom in";
    zoomLink.setAttribute("aria-pressed", on ? "true" : "false");
  }

  if (zoomLink && !zoomed) {
    // Here the link zooms in place: a toggle button, for assistive technology too.
    zoomLink.setAttribute("role", "button");
    zoomLink.setAttribute("aria-pressed", "false");
    zoomLink.addEventListener("click", function (event) {
      event.preventDefault();
      zoom(!inPlace);
    });
  }

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.target.closest && event.target.closest("input, select, textarea, button, summary")) return;
    switch (event.key) {
      case "ArrowRight": case "PageDown": go("next"); break;
      case "ArrowLeft": case "PageUp": go("prev"); break;
      case "+": case "=": zoom(true); break;
      case "-": case "Escape": zoom(false); break;
      default: return;
    }
    event.preventDefault();
  });

  // Swipe left or right on the page turns it (not while zoomed: then a swipe pans).
  var start = null;
  figure.addEventListener("touchstart", function (event) {
    start = event.touches.length === 1 ? [event.touches[0].clientX, event.touches[0].clientY] : null;
  }, { passive: true });
  figure.addEventListener("touchend", function (event) {
    if (!start || inPlace || selecting) return;
    var touch = event.changedTouches[0];
    var dx = touch.clientX - start[0], dy = touch.clientY - start[1];
    start = null;
    if (Math.abs(dx) > 60 && Math.abs(dx) > 2 * Math.abs(dy)) go(dx < 0 ? "next" : "prev");
  });

  // Clip selection: drag a rectangle on the page; the form's percentages follow it.
  var form = document.getElementById("epaper-clip-form");
  var selectButton = document.getElementById("epaper-select");
  var selecting = false, origin = null, box = null;
  if (form && selectButton) {
    selectButton.hidden = false;
    selectButton.addEventListener("click", function () {
      selecting = !selecting;
      figure.classList.toggle("is-selecting", selecting);
      selectButton.textContent = selecting ? "stop selecting" : "select it on the page";
      if (selecting) figure.scrollIntoView({ block: "nearest" });
    });
    function fraction(event) {
      var rect = img.getBoundingClientRect();
      return [Math.min(Math.max((event.clientX - rect.left) / rect.width, 0), 1),
              Math.min(Math.max((event.clientY - rect.top) / rect.height, 0), 1)];
    }
    function draw(a, b) {
      var left = Math.min(a[0], b[0]), top = Math.min(a[1], b[1]);
      var width = Math.abs(a[0] - b[0]), height = Math.abs(a[1] - b[1]);
      if (!box) {
        box = document.createElement("div");
        box.className = "epaper-selection";
        figure.appendChild(box);
      }
      box.style.left = img.offsetLeft + left * img.offsetWidth + "px";
      box.style.top = img.offsetTop + top * img.offsetHeight + "px";
      box.style.width = width * img.offsetWidth + "px";
      box.style.height = height * img.offsetHeight + "px";
      var values = { left: left, top: top, width: width, height: height };
      Object.keys(values).forEach(function (name) {
        form.elements[name].value = (values[name] * 100).toFixed(1);
      });
    }
    figure.addEventListener("pointerdown", function (event) {
      if (!selecting) return;
      event.preventDefault();
      origin = fraction(event);
      figure.setPointerCapture(event.pointerId);
    });
    figure.addEventListener("pointermove", function (event) {
      if (selecting && origin) draw(origin, fraction(event));
    });
    figure.addEventListener("pointerup", function (event) {
      if (!selecting || !origin) return;
      draw(origin, fraction(event));
      origin = null;
      document.getElementById("epaper-clip").open = true;
    });
  }
})();
