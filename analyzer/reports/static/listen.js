// Playback for pitch-analyzer cards: a click on a finding, a highlight or a word with a time
// (data-s, seconds) plays the card's recording from there; the word being heard gets class "now".
(function () {
  "use strict";
  function cardAudio(node) {
    var card = node.closest(".card");
    return card ? card.querySelector("audio") : null;
  }
  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-s]");
    var audio = target && cardAudio(target);
    if (!audio) return;
    audio.currentTime = parseFloat(target.dataset.s);
    audio.play();
  });
  document.addEventListener("timeupdate", function (event) {
    var audio = event.target;
    if (!(audio instanceof HTMLAudioElement)) return;
    var card = audio.closest(".card");
    var t = audio.currentTime;
    card.querySelectorAll(".w.now").forEach(function (w) { w.classList.remove("now"); });
    card.querySelectorAll(".w").forEach(function (w) {
      if (parseFloat(w.dataset.s) <= t && t < parseFloat(w.dataset.e)) w.classList.add("now");
    });
  }, true);
})();
