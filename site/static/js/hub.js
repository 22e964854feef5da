/*
 * Progressive enhancement only: everything on the site works without this file.
 *
 * Videos are shown as a link plus transcript. Here we add a "Play here" button that, once
 * pressed, swaps in the privacy-enhanced player (youtube-nocookie.com / Vimeo with dnt=1).
 * Nothing is requested from the video site until the visitor asks for it.
 */
(function () {
  "use strict";

  function enhanceVideo(video) {
    var embedUrl = video.getAttribute("data-embed-url");
    var player = video.querySelector(".video__player");
    if (!embedUrl || !player || !/^https:\/\/(www\.youtube-nocookie\.com|player\.vimeo\.com)\//.test(embedUrl)) {
      return;
    }

    var notice = document.createElement("p");
    notice.className = "video__notice";
    notice.textContent = video.getAttribute("data-notice") || "";

    var button = document.createElement("button");
    button.type = "button";
    button.className = "button";
    button.appendChild(document.createTextNode(video.getAttribute("data-play-label") || "Play here"));
    var hidden = document.createElement("span");
    hidden.className = "visually-hidden";
    hidden.textContent = ": " + (video.getAttribute("data-video-title") || "");
    button.appendChild(hidden);

    button.addEventListener("click", function () {
      var frame = document.createElement("div");
      frame.className = "video__frame";
      var iframe = document.createElement("iframe");
      iframe.src = embedUrl;
      iframe.title = video.getAttribute("data-iframe-title") || "";
      iframe.setAttribute("allow", "autoplay; fullscreen; picture-in-picture; encrypted-media");
      iframe.setAttribute("allowfullscreen", "");
      iframe.setAttribute("referrerpolicy", "strict-origin-when-cross-origin");
      frame.appendChild(iframe);
      player.replaceChildren(frame);
      iframe.focus();
    });

    player.replaceChildren(notice, button);
  }

  function init() {
    var videos = document.querySelectorAll(".video[data-embed-url]");
    for (var i = 0; i < videos.length; i++) {
      enhanceVideo(videos[i]);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
