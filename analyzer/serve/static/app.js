// The page of `analyzer serve`: record (MediaRecorder) or drop a take, send it with the script and
// kind, poll the job for its stage, then show the card, the comparison and the list of takes.
// Text from the server's JSON is put in with textContent; cards come as HTML the server escaped.
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var STAGES = {queued: "Waiting in the queue…", decoding: "Decoding the audio…",
                transcribing: "Transcribing…", measuring: "Measuring the delivery…"};
  var recorder = null, chunks = [], started = 0, ticker = null;

  function say(text) { $("status").textContent = text; }
  function fail(text) { $("error").textContent = text; say(""); }

  function send(blob, name) {
    var form = new FormData();
    form.append("audio", blob, name);
    form.append("script", $("script").value);
    form.append("kind", $("kind").value);
    fail(""); say("Uploading…");
    fetch("/api/takes", {method: "POST", body: form}).then(function (response) {
      return response.json().then(function (doc) {
        if (!response.ok) throw new Error(doc.error || response.statusText);
        poll(doc.job);
      });
    }).catch(function (error) { fail(error.message); });
  }

  function poll(job) {
    fetch("/api/jobs/" + encodeURIComponent(job)).then(function (r) { return r.json(); }).then(function (doc) {
      if (doc.state === "done") {
        say("");
        $("card").innerHTML = doc.html;
        $("comparison").innerHTML = doc.comparison;
        refreshTakes();
      } else if (doc.state === "error") {
        fail(doc.error);
      } else {
        say(STAGES[doc.stage] || "Working…");
        setTimeout(poll, 400, job);
      }
    }).catch(function (error) { fail(error.message); });
  }

  function refreshTakes() {
    fetch("/api/takes").then(function (r) { return r.json(); }).then(function (list) {
      var ol = $("takes");
      ol.textContent = "";
      list.forEach(function (take) {
        var li = document.createElement("li"), button = document.createElement("button");
        button.type = "button";
        button.textContent = "show";
        button.addEventListener("click", function () {
          fetch("/api/takes/" + take.take).then(function (r) { return r.text(); }).then(function (html) {
            $("comparison").textContent = "";
            $("card").innerHTML = html;
          });
        });
        li.textContent = take.name + ": grade " + take.grade + " (" + take.overall + "/100) ";
        li.appendChild(button);
        ol.appendChild(li);
      });
    });
  }

  $("record").addEventListener("click", function () {
    if (recorder) { recorder.stop(); return; }
    navigator.mediaDevices.getUserMedia({audio: true}).then(function (stream) {
      recorder = new MediaRecorder(stream);
      chunks = [];
      recorder.ondataavailable = function (event) { chunks.push(event.data); };
      recorder.onstop = function () {
        stream.getTracks().forEach(function (track) { track.stop(); });
        clearInterval(ticker);
        $("record").classList.remove("recording");
        $("record").textContent = "● Record";
        $("clock").textContent = "";
        var type = recorder.mimeType || "audio/webm";
        recorder = null;
        send(new Blob(chunks, {type: type}), "recording");
      };
      recorder.start(1000);
      started = Date.now();
      $("record").classList.add("recording");
      $("record").textContent = "■ Stop";
      ticker = setInterval(function () {
        $("clock").textContent = "recording " + ((Date.now() - started) / 1000).toFixed(0) + " s";
      }, 250);
    }).catch(function (error) { fail("microphone: " + error.message); });
  });

  $("file").addEventListener("change", function () {
    if (this.files.length) send(this.files[0], this.files[0].name);
    this.value = "";
  });
  var drop = $("drop");
  drop.addEventListener("dragover", function (event) { event.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", function () { drop.classList.remove("over"); });
  drop.addEventListener("drop", function (event) {
    event.preventDefault();
    drop.classList.remove("over");
    if (event.dataTransfer.files.length) send(event.dataTransfer.files[0], event.dataTransfer.files[0].name);
  });

  var typing = null;
  function checkScript() {
    fetch("/api/script", {method: "POST", headers: {"Content-Type": "application/json"},
                          body: JSON.stringify({text: $("script").value, kind: $("kind").value})})
      .then(function (r) { return r.json(); })
      .then(function (doc) {
        if (doc.error) { fail(doc.error); return; }
        $("script-card").innerHTML = doc.html || "<p class='hint'>Type or paste a script above.</p>";
      }).catch(function (error) { fail(error.message); });
  }
  $("script").addEventListener("input", function () { clearTimeout(typing); typing = setTimeout(checkScript, 600); });
  $("kind").addEventListener("change", function () { if ($("script").value.trim()) checkScript(); });
  refreshTakes();
})();
