// Progress of a queued or running job: poll its status, update the bar, reload when finished.
(function () {
  var box = document.getElementById("progress");
  if (!box) return;
  var url = box.getAttribute("data-status");
  var bar = document.getElementById("bar");
  var words = document.getElementById("progress-words");
  function seconds(s) {
    if (s === null) return "estimating time left…";
    if (s < 90) return "about " + Math.max(1, Math.round(s)) + " s left";
    return "about " + Math.round(s / 60) + " min left";
  }
  function poll() {
    fetch(url, {cache: "no-store"}).then(function (r) { return r.json(); }).then(function (s) {
      var busy = s.state === "queued" || s.state === "running" ||
                 s.monitor === "queued" || s.monitor === "running";
      if (!busy) { window.location.reload(); return; }
      if (s.state === "queued") {
        words.textContent = "waiting for the runs ahead of it (" + s.waiting + " in the queue)";
      } else if (s.state === "running" && s.total && s.done >= s.total) {
        bar.value = 1;
        words.textContent = "simulated; writing the report (HTML, Word, Excel, figures)…";
      } else if (s.state === "running" && s.total) {
        bar.value = s.fraction;
        words.textContent = s.done + " of " + s.total + " replications (both views); " +
          seconds(s.seconds_left);
      } else if (s.state === "running") {
        words.textContent = "starting (the first run after installing compiles the fast engine, about a minute)";
      } else {
        words.textContent = "checking the monitoring data against the forecast…";
      }
      setTimeout(poll, 700);
    }).catch(function () { setTimeout(poll, 2000); });
  }
  poll();
})();
